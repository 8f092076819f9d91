/**
 * The guards around actions in the dashboard: read-only mode, the keys tied
 * to the ECS panel, quitting while an action runs, the box at 80x24; and the
 * header and ECS panel showing what arrives late or partly.
 */
import { describe, expect, test } from 'vitest';
import { KEYS, plain } from './render.js';
import { actionViews, expectFits, overlayGone, giveReason, reasonAsked } from './actionView.js';

const { open, render } = actionViews();


describe('read-only and quitting', () => {
  test('read-only: s says why it does nothing, the hint bar has no actions, nothing is journaled', async () => {
    const { v, a } = await open({ env: { readOnly: true }, columns: 160, rows: 48 });
    const frame = await v.waitFor((f) => f.includes('READ-ONLY'));
    expect(frame).toContain('r refresh');
    expect(frame).not.toContain('scale');
    v.press('s');
    await v.waitFor((f) => f.includes('read-only: scale is off'));
    v.press('b');
    await v.waitFor((f) => f.includes('read-only: roll back is off'));
    expect(a.controller.getState().phase).toBe('idle');
    expect(a.journal.read()).toEqual([]);
    expect((await a.service('api')).desired).toBe(3);
  });

  test('the action keys belong to the ECS panel: on another panel they do nothing', async () => {
    const { v, a } = await open();
    v.press('4');
    await v.waitFor((f) => f.includes('╔═ 4 Queues'));
    expect(v.lastFrame()).not.toContain('s scale');
    v.press('s');
    v.press('r');
    await v.waitFor(() => v.runtime.refresh.mock.calls.length === 1);
    expect(a.controller.getState().phase).toBe('idle');
    // and in the ECS panel full-screen they work
    v.press('1', KEYS.enter);
    await v.waitFor((f) => f.includes('Deployments'));
    v.press('d');
    await v.waitFor((f) => f.includes('[y] yes'));
    v.press('n');
    await v.waitFor((f) => f.includes('Deployments') && !f.includes('[y] yes'));
    expect(a.journal.read()).toEqual([]);
  });

  test('ctrl+c quits at once before anything is sent, and asks once while the action runs', async () => {
    const { v, a } = await open();
    v.press('s');
    await v.waitFor((f) => f.includes('desired count:'));
    v.press(KEYS.ctrlC);
    await v.waitFor(() => v.onQuit.mock.calls.length === 1);

    a.controller.close();
    await v.waitFor(overlayGone);
    v.press('s');
    v.type('0\r');
    await giveReason(v);
    await v.waitFor((f) => f.includes('Type api to confirm'));
    v.type('api\r');
    await v.waitFor((f) => f.includes('Esc does not stop it'));
    v.press(KEYS.ctrlC);
    await v.waitFor((f) => f.includes('ctrl+c again quits'));
    expect(v.onQuit).toHaveBeenCalledTimes(1);
    // another key disarms it
    v.press('x');
    await v.waitFor((f) => !f.includes('ctrl+c again quits'));
    v.press(KEYS.ctrlC);
    await v.waitFor((f) => f.includes('ctrl+c again quits'));
    v.press(KEYS.ctrlC);
    await v.waitFor(() => v.onQuit.mock.calls.length === 2);
    a.release();
    await v.waitFor(() => a!.controller.getState().phase === 'finished');
  });

  test('the box fits 80x24 in every phase, lock notes included', async () => {
    const { v, a } = await open({ scenario: 'bad-deploy', notes: ['Redis "jobs" does not answer (connect ETIMEDOUT); the lock is a local lock file, which only guards this machine'] });
    v.press('b');
    expectFits(await v.waitFor((f) => f.includes('revision (Enter')), 80, 24);
    // bad-deploy's previous revision failed too: "good" takes the last known good one
    v.type('good');
    v.press(KEYS.enter);
    expectFits(await v.waitFor(reasonAsked), 80, 24);
    await giveReason(v);
    expectFits(await v.waitFor((f) => f.includes('Type api to confirm')), 80, 24);
    // the last-good evidence makes the plan taller than the box: the notes are at its end
    v.press(KEYS.end);
    const frame = await v.waitFor((f) => f.includes('Type api to confirm') && f.includes('end of the plan'));
    expect(frame).toContain('⚠ Redis "jobs" does not answer');
    expect(frame).toContain('which only guards this machine');
    expectFits(frame, 80, 24);
    v.type('api\r');
    expectFits(await v.waitFor((f) => f.includes('Esc does not stop it')), 80, 24);
    a.release();
    expectFits(await v.waitFor((f) => f.includes('✓ done')), 80, 24);
  });
  test('a tiny terminal still gets a box that fits, with the confirmation in it', async () => {
    const { v } = await open({ scenario: 'bad-deploy' });
    v.press('b', KEYS.enter);
    await giveReason(v);
    await v.waitFor((f) => f.includes('Type api to confirm'));
    for (const [columns, rows] of [[40, 12], [30, 8], [20, 4]] as const) {
      v.resize(columns, rows);
      const frame = await v.waitFor((f) => plain(f).split('\n').length <= rows - 1 && plain(f).split('\n').every((l) => l.length <= Math.max(20, columns)));
      expectFits(frame, Math.max(20, columns), rows);
    }
    v.resize(40, 12);
    expect(await v.waitFor((f) => f.includes('> '))).toContain('Type');
  });
});

describe('header and panel', () => {
  test('the header shows the identity when it arrives', async () => {
    const v2 = render({ columns: 160, rows: 40, env: { account: '—', identity: 'alice' } });
    await v2.waitFor((f) => f.includes('account —') && f.includes('as alice'));
    v2.runtime.setEnv({ ...v2.runtime.env, account: '210987654321', identity: 'arn:aws:sts::210987654321:assumed-role/OnCall/bob' });
    await v2.waitFor((f) => f.includes('account 210987654321') && f.includes('as OnCall/bob'));
  });

  test('the ECS panel shows what the source could not read as a muted line', async () => {
    const v2 = render({ columns: 160, rows: 40 });
    await v2.waitFor((f) => f.includes('1 ECS'));
    const ecs = (await import('./fixtures.js')).ecs;
    v2.update('ecs', { ...ecs, warnings: ['CPU and memory unavailable: AccessDenied: cloudwatch:GetMetricData'] } as typeof ecs);
    await v2.waitFor((f) => f.includes('⚠ CPU and memory unavailable: AccessDenied'));
    v2.press(KEYS.enter);
    await v2.waitFor((f) => f.includes('Deployments') && f.includes('⚠ CPU and memory unavailable'));
  });
});
