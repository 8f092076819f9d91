/**
 * E on the ECS panel: the variables prompt, the plan box with names only,
 * the typed phrase, and the new revision deployed in the sandbox. The value
 * typed is on the prompt line (the operator's own typing) and nowhere after.
 */
import { describe, expect, test } from 'vitest';
import { KEYS } from './render.js';
import { actionViews, expectFits, flat, giveReason } from './actionView.js';

const { open } = actionViews();
const TOKEN = 'tok-4c3b2a1f0e';

describe('set-env', () => {
  test('E on api, NAME=VALUE and -NAME: the plan names them, the value is not drawn or journaled, demo-api:45 deploys', async () => {
    const { v, a } = await open();
    v.press('E');
    let frame = await v.waitFor((f) => f.includes('variables:'));
    expect(frame).toContain('api now: desired 3');
    // a word without = is refused in one line that does not repeat it
    v.type(`API_TOKEN=${TOKEN} LOG_LEVEL`);
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('a word has no ='));
    for (let i = 0; i < 'LOG_LEVEL'.length; i++) v.press(KEYS.backspace);
    v.type('LOG_LEVEL="debug verbose" -SEARCH_URL');
    v.press(KEYS.enter);
    await giveReason(v);
    frame = await v.waitFor((f) => f.includes('Type api to confirm'));
    const text = flat(frame);
    expect(text).toContain('taskDefinition demo-api:44 → demo-api:45 (new)');
    expect(text).toContain('env API_TOKEN unset → added (value not shown)');
    expect(text).toContain('env LOG_LEVEL set → changed (value not shown)');
    expect(text).toContain('env SEARCH_URL set → removed');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('verbose');
    expectFits(frame, 80, 24);

    v.type('api');
    v.press(KEYS.enter);
    a.release();
    frame = await v.waitFor((f) => f.includes('✓ done'));
    expect(flat(frame)).toContain('(demo-api:45) is PRIMARY with 3/3 running');
    expect((await a.service('api')).taskDefinition).toBe('demo-api:45');
    expect(a.sandbox.taskDefinition('demo-api:45')!.containers[0]!.environment).toMatchObject({ API_TOKEN: TOKEN, LOG_LEVEL: 'debug verbose' });
    expect(a.journal.read().map((r) => r.phase)).toEqual(['intent', 'progress', 'outcome', 'verify']);
    expect(JSON.stringify(a.journal.read())).not.toContain(TOKEN);
    expect(JSON.stringify(a.journal.read())).not.toContain('verbose');
  });
});
