/**
 * The reason line of the action box: a destructive plan asks why before its
 * phrase (as `--reason` on the command line), refuses an empty answer, and
 * the reason goes into the journal's intent, the notification and, where
 * the two-person rule guards the plan, the approval request. A reversible
 * plan in an environment without approvals is not asked.
 */
import { describe, expect, test } from 'vitest';
import { KEYS } from './render.js';
import { actionViews, expectFits, flat, giveReason, overlayGone, reasonAsked } from './actionView.js';
import type { ActionHarness } from './actionSupport.js';
import type { ApprovalGate } from '../../src/actions/executor.js';
import type { Plan } from '../../src/actions/types.js';
import { actionNotice } from '../../src/notify/actionEvents.js';
import { EMPTY_REASON } from '../../src/actions/reason.js';

const { open } = actionViews();

const intents = (a: ActionHarness) => a.journal.read().filter((r) => r.phase === 'intent');

describe('the reason line', () => {
  test('s on api to 0: why? first, an empty or blank reason refused, then the phrase; the reason is in the journal', async () => {
    const { v, a } = await open();
    v.press('s');
    await v.waitFor((f) => f.includes('desired count:'));
    v.type('0');
    v.press(KEYS.enter);
    let frame = await v.waitFor(reasonAsked);
    // the plan is read before the reason is asked; the phrase is not asked yet
    expect(frame).toContain('desiredCount 3 → 0');
    expect(frame).toContain('DESTRUCTIVE');
    expect(frame).toContain('Why? one line for the journal');
    expect(frame).not.toContain('Type api to confirm');
    // the hint bar says what the box asks now
    expect(frame).toContain('type why, one line');
    expectFits(frame, 80, 24);

    v.press(KEYS.enter);
    frame = await v.waitFor((f) => flat(f).includes(EMPTY_REASON));
    expect(frame).not.toContain('Type api to confirm');
    v.type('   ');
    v.press(KEYS.enter);
    await v.waitFor((f) => flat(f).includes(EMPTY_REASON) && f.includes('reason>'));
    expect(a.journal.read()).toEqual([]);
    // the phrase typed where the reason goes is only text of the reason: it runs nothing
    v.press(KEYS.backspace, KEYS.backspace, KEYS.backspace);
    v.type('api');
    await v.waitFor((f) => f.includes('reason> api'));
    expect((await a.service('api')).desired).toBe(3);
    v.press(KEYS.backspace, KEYS.backspace, KEYS.backspace);
    await v.waitFor((f) => f.includes('reason> ') && !f.includes('reason> api'));

    // pasted as one input
    v.press('db failover: shed load now');
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('Type api to confirm'));
    expect(flat(frame)).toContain('reason db failover: shed load now');
    expectFits(frame, 80, 24);
    v.type('api');
    v.press(KEYS.enter);
    a.release();
    await v.waitFor((f) => f.includes('✓ done'));
    expect((await a.service('api')).desired).toBe(0);
    expect(intents(a)).toHaveLength(1);
    expect(intents(a)[0]!.detail).toMatch(/; reason: db failover: shed load now$/);
  });

  test('Esc on the reason line cancels: nothing journaled, nothing changed', async () => {
    const { v, a } = await open();
    v.press('s');
    await v.waitFor((f) => f.includes('desired count:'));
    v.type('1\r');
    await v.waitFor(reasonAsked);
    v.type('half');
    v.press(KEYS.escape);
    await v.waitFor(overlayGone);
    expect(a.journal.read()).toEqual([]);
    expect((await a.service('api')).desired).toBe(3);
  });

  test('a reversible plan is not asked why where no approvals are configured', async () => {
    const { v, a } = await open({ columns: 160, rows: 48 });
    v.press('j');
    v.press('s');
    await v.waitFor((f) => f.includes('Scale worker') && f.includes('desired count:'));
    v.type('3\r');
    const frame = await v.waitFor((f) => f.includes('[y] yes'));
    expect(frame).not.toContain('reason>');
    v.press(KEYS.escape);
    await v.waitFor(overlayGone);
    expect(a.journal.read()).toEqual([]);
  });

  test('under the two-person rule the request and the notification carry the reason the box took', async () => {
    const asked: { plan: Plan; reason: string | undefined }[] = [];
    const gate: ApprovalGate = { required: (p) => p.tier !== 'read', consume: async () => ({ ok: true, by: 'bo@h2' }) };
    const outcomes: unknown[] = [];
    const { v, a } = await open({
      columns: 160,
      rows: 48,
      // the executor's observer, turned into the notice as the dashboard's notifier does (notifyingObserver)
      observer: { outcome: (plan, r) => outcomes.push(actionNotice(plan, r.outcome, r.message, 0, r.breakGlass, r.reason)) },
      approvals: {
        gate,
        requester: {
          request: async (plan, reason) => (asked.push({ plan, reason }), { id: 'ABC123' }),
          decided: async () => ({ approved: true }),
        },
      },
    });
    // reversible here, but guarded: asked too, y/N after the reason
    v.press('j');
    v.press('s');
    await v.waitFor((f) => f.includes('Scale worker') && f.includes('desired count:'));
    v.type('3\r');
    // j and k are letters of the reason here, not the plan's scroll
    const frame = await giveReason(v, 'more workers for the backlog, just in case');
    expect(frame).toContain('[y] yes');
    v.press('y');
    a.release();
    await v.waitFor((f) => f.includes('✓ done'));
    expect(asked.map((x) => [x.plan.target.display, x.reason])).toEqual([['demo/worker', 'more workers for the backlog, just in case']]);
    expect(intents(a)[0]!.detail).toContain('; reason: more workers for the backlog, just in case; approved by bo@h2 (request ABC123, used)');
    expect(outcomes).toMatchObject([{ event: 'action.executed', reason: 'more workers for the backlog, just in case' }]);
  });
});
