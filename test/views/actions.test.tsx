/**
 * Guarded actions from the keyboard, against the sandbox through the real
 * controller, executor, journal and lock: what the operator sees in every
 * phase, and what did (or did not) change in the sandbox and the journal.
 */
import { describe, expect, test } from 'vitest';
import { KEYS } from './render.js';
import { actionViews, expectFits, flat, overlayGone, giveReason } from './actionView.js';
import type { ActionHarness } from './actionSupport.js';

const { open } = actionViews();

const phases = (h: ActionHarness) => h.journal.read().map((r) => [r.phase, r.outcome]);

describe('scale', () => {
  test('s on api, 0, a wrong phrase, then the right one: the plan, the refusal, the run, the outcome', async () => {
    const { v, a } = await open();
    v.press('s');
    let frame = await v.waitFor((f) => f.includes('desired count:'));
    expect(frame).toContain('api now: desired 3');
    expectFits(frame, 80, 24);
    v.type('0');
    v.press(KEYS.enter);
    await giveReason(v);
    frame = await v.waitFor((f) => f.includes('Type api to confirm'));
    expect(frame).toContain('desiredCount 3 → 0');
    expect(frame).toContain('DESTRUCTIVE');
    expect(flat(frame)).toContain('call ecs:UpdateService {"cluster": "demo", "service": "api", "desiredCount": 0}');
    expect(frame).toContain('Every task of the service will be stopped');
    expectFits(frame, 80, 24);

    v.type('ap');
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('"ap" is not "api"; nothing was done'));
    expect((await a.service('api')).desired).toBe(3);
    // journaled as the command line journals a wrong --confirm, the box staying open for another try
    await expect.poll(() => phases(a)).toEqual([['refusal', 'refused']]);
    expect(a.journal.read()[0]).toMatchObject({ target: 'demo/api', phraseAccepted: false, detail: 'the confirmation "ap" is not "api": nothing was done' });

    v.type('i');
    await v.waitFor((f) => f.includes('> api'));
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('Esc does not stop it') && /running \d\/0/.test(f));
    expect(frame).toMatch(/[█░]{10,} +\d+%/);
    expectFits(frame, 80, 24);
    // Esc while running stops nothing, and says so
    v.press(KEYS.escape);
    frame = await v.waitFor((f) => f.includes('Esc does not stop a running action'));
    expect(a.controller.getState().phase).toBe('running');
    a.release();
    // put away, it does not pop up when it ends: the runs line says so, a shows the outcome
    frame = await v.waitFor((f) => f.includes('✓ 1 ended (a shows) · ✓ Scale demo/api to 0 done'));
    expect(frame).not.toContain('DESTRUCTIVE');
    v.press('a');
    frame = await v.waitFor((f) => f.includes('✓ done'));
    expect(frame).toContain('any other key closes and acts');
    const svc = await a.service('api');
    expect([svc.desired, svc.running]).toEqual([0, 0]);
    expect(phases(a)).toEqual([
      ['refusal', 'refused'],
      ['intent', null],
      ['outcome', 'ok'],
      ['verify', 'ok'],
    ]);
    expect(a.journal.read()[1]!.target).toBe('demo/api');
    expect(v.runtime.refresh).toHaveBeenCalledWith('ecs');
    // the key that closes the outcome is not lost: j also moves the selection
    v.press('j');
    await v.waitFor((f) => overlayGone(f) && !f.includes('ended (a shows)'));
  });

  test('Esc at the confirmation cancels: nothing journaled, nothing changed', async () => {
    const { v, a } = await open();
    v.press('s');
    await v.waitFor((f) => f.includes('desired count:'));
    v.type('1');
    v.press(KEYS.enter);
    await giveReason(v);
    await v.waitFor((f) => f.includes('Type api to confirm'));
    v.type('ap');
    v.press(KEYS.escape);
    await v.waitFor(overlayGone);
    expect(a.controller.getState().phase).toBe('idle');
    expect(a.journal.read()).toEqual([]);
    expect((await a.service('api')).desired).toBe(3);
  });

  test('a count that is not a number is one line at the prompt, and nothing is planned', async () => {
    const { v, a } = await open();
    v.press('s');
    await v.waitFor((f) => f.includes('desired count:'));
    v.type('x2');
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('the desired count is a whole number like 0 or 3, not "x2"'));
    expect(a.controller.getState().phase).toBe('input');
    v.press(KEYS.backspace, KEYS.backspace);
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('type the desired count (0 stops the service)'));
    v.press(KEYS.escape);
    await v.waitFor(overlayGone);
    expect(a.journal.read()).toEqual([]);
  });

  test('a paste of the phrase arrives as one input and confirms', async () => {
    const { v, a } = await open();
    v.press('s');
    await v.waitFor((f) => f.includes('desired count:'));
    v.press('0');
    v.press(KEYS.enter);
    await giveReason(v);
    await v.waitFor((f) => f.includes('Type api to confirm'));
    v.press('api');
    await v.waitFor((f) => f.includes('> api'));
    expect(a.controller.getState().confirm?.typed).toBe('api');
    v.press(KEYS.enter);
    a.release();
    await v.waitFor((f) => f.includes('✓ done'));
    expect((await a.service('api')).desired).toBe(0);
  });

  test('a paste with its newline confirms too, and the keys typed ahead reach the prompt', async () => {
    const { v, a } = await open();
    // "s", the count and Enter in one read, as over a slow link
    v.press('s1\r');
    await giveReason(v);
    await v.waitFor((f) => f.includes('Type api to confirm'));
    v.press('api\r');
    a.release();
    await v.waitFor((f) => f.includes('✓ done'));
    expect((await a.service('api')).desired).toBe(1);
  });

  test('scaling worker to 0 and back: the second is reversible, y/N', async () => {
    const { v, a } = await open({ columns: 160, rows: 48 });
    v.press('j');
    v.press('s');
    await v.waitFor((f) => f.includes('Scale worker') && f.includes('desired count:'));
    v.type('0\r');
    await giveReason(v);
    await v.waitFor((f) => f.includes('Type worker to confirm'));
    v.type('worker\r');
    a.release();
    let frame = await v.waitFor((f) => f.includes('✓ done'));
    expectFits(frame, 160, 48);
    v.press(KEYS.enter);
    await v.waitFor(overlayGone);
    v.press('s');
    await v.waitFor((f) => f.includes('desired count:'));
    v.type('2\r');
    frame = await v.waitFor((f) => f.includes('[y] yes'));
    expect(frame).toContain('REVERSIBLE');
    expect(frame).toContain('desiredCount 0 → 2');
    // the ECS panel stays visible under the box at this size
    expect(frame).toContain('1 ECS');
    expectFits(frame, 160, 48);
    v.press('y');
    await v.waitFor((f) => f.includes('✓ done'));
    expect((await a.service('worker')).running).toBe(2);
    expect(phases(a)).toEqual([
      ['intent', null],
      ['outcome', 'ok'],
      ['verify', 'ok'],
      ['intent', null],
      ['outcome', 'ok'],
      ['verify', 'ok'],
    ]);
  });
});

describe('rollback', () => {
  test('b on api in bad-deploy, good at the prompt: the last known good revision with its evidence, rolled back to', async () => {
    const { v, a } = await open({ scenario: 'bad-deploy' });
    expect((await a.service('api')).taskDefinition).toBe('demo-api:46');
    v.press('b');
    await v.waitFor((f) => f.includes('revision (Enter: the previous one; good: the last known good):'));
    v.type('good');
    v.press(KEYS.enter);
    await giveReason(v);
    const frame = await v.waitFor((f) => f.includes('Type api to confirm'));
    expect(frame).toContain('taskDefinition  demo-api:46 → demo-api:44');
    expect(frame).toContain('Last known good: demo-api:44');
    expectFits(frame, 80, 24);
    v.type('api');
    v.press(KEYS.enter);
    a.release();
    await v.waitFor((f) => f.includes('✓ done'));
    const svc = await a.service('api');
    expect(svc.taskDefinition).toBe('demo-api:44');
    // done: the new deployment is PRIMARY and runs its count (the old one may still drain)
    const primary = svc.deployments.find((d) => d.status === 'PRIMARY')!;
    expect([primary.taskDefinition, primary.running, primary.pending]).toEqual(['demo-api:44', primary.desired, 0]);
    expect(phases(a)).toEqual([
      ['intent', null],
      ['outcome', 'ok'],
      ['verify', 'ok'],
    ]);
  });

  test('a revision that does not exist is refused with the reason, and journaled as a refusal', async () => {
    const { v, a } = await open();
    v.press('b');
    await v.waitFor((f) => f.includes('revision (Enter'));
    v.type('9999\r');
    const frame = await v.waitFor((f) => f.includes('⚠ refused'));
    expect(frame).toContain('demo-api:9999 is not an active revision');
    expect(phases(a)).toEqual([['refusal', 'refused']]);
    expect((await a.service('api')).taskDefinition).toBe('demo-api:44');
  });
});

describe('topology', () => {
  test('scaling a singleton above 1 is refused with the rule and why, before any confirmation', async () => {
    const { v, a } = await open();
    v.press('j', 'j');
    v.press('s');
    await v.waitFor((f) => f.includes('Scale scheduler'));
    v.type('2\r');
    const frame = await v.waitFor((f) => f.includes('⚠ refused  '));
    expect(flat(frame)).toContain('scaling scheduler above 1 is refused: no Redis named "locks" is configured (topology rule singleInstanceUnless: redis:locks)');
    expect(phases(a)).toEqual([['refusal', 'refused']]);
    expect((await a.service('scheduler')).desired).toBe(1);
  });
});

describe('redeploy', () => {
  test('d asks y/N with the focus on no: Enter alone cancels; y runs it', async () => {
    const { v, a } = await open();
    const before = (await a.service('api')).deployments[0]!.id;
    v.press('d');
    const frame = await v.waitFor((f) => f.includes('[y] yes'));
    expect(frame).toContain('[N] no');
    expect(frame).toContain('REVERSIBLE');
    v.press(KEYS.enter);
    await v.waitFor(overlayGone);
    expect(a.journal.read()).toEqual([]);
    expect((await a.service('api')).deployments[0]!.id).toBe(before);

    v.press('d');
    await v.waitFor((f) => f.includes('[y] yes'));
    v.press('y');
    a.release();
    await v.waitFor((f) => f.includes('✓ done'));
    expect((await a.service('api')).deployments.find((d) => d.status === 'PRIMARY')!.id).not.toBe(before);
    expect(phases(a)).toEqual([
      ['intent', null],
      ['outcome', 'ok'],
      ['verify', 'ok'],
    ]);
  });
});
