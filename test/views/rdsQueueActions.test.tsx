/**
 * The RDS and queue actions from the keyboard, against the sandbox through
 * the real controller, executor, journal and lock: m snapshots, R restores
 * to a new instance, Q requeues the dead jobs; what the operator sees in each
 * phase, what changed in the sandbox, what the journal holds; and nothing of
 * it in read-only mode.
 */
import { describe, expect, test } from 'vitest';
import { KEYS } from './render.js';
import { actionViews, expectFits, flat, giveReason } from './actionView.js';
import type { ActionHarness } from './actionSupport.js';
import { sandboxQueueControl } from '../../src/sources/sandbox/queueControl.js';

const { open, render, harness } = actionViews();

// a requeue's progress records (one before each batch) are tested with the requeue itself
const phases = (h: ActionHarness) => h.journal.read().filter((r) => r.phase !== 'progress').map((r) => [r.phase, r.outcome, r.action, r.target]);
const STAMP = '202611220900';

describe('RDS snapshot', () => {
  test('m on the instance: the plan, y, the progress, the snapshot available', async () => {
    const { v, a } = await open({ panel: '2' });
    v.press('m');
    let frame = await v.waitFor((f) => f.includes('[y] yes'));
    expect(frame).toContain(`Snapshot demo/demo-db as demo-db-opsdeck-${STAMP}`);
    expect(frame).toContain('REVERSIBLE');
    expect(flat(frame)).toContain(`call rds:CreateDBSnapshot {"DBInstanceIdentifier": "demo-db", "DBSnapshotIdentifier": "demo-db-opsdeck-${STAMP}"`);
    expectFits(frame, 80, 24);
    v.press('y');
    frame = await v.waitFor((f) => f.includes('under way in RDS') && f.includes(`snapshot demo-db-opsdeck-${STAMP} creating`));
    expectFits(frame, 80, 24);
    a.release();
    frame = await v.waitFor((f) => f.includes('✓ done'));
    expect(flat(frame)).toContain(`snapshot demo-db-opsdeck-${STAMP} of demo/demo-db is available after`);
    expect(phases(a)).toEqual([
      ['intent', null, 'snapshot', 'demo/demo-db'],
      ['outcome', 'ok', 'snapshot', 'demo/demo-db'],
      ['verify', 'ok', 'snapshot', 'demo/demo-db'],
    ]);
    expect((await a.read()).rds.snapshots.find((s) => s.id === `demo-db-opsdeck-${STAMP}`)).toMatchObject({ status: 'available', type: 'manual' });
    // the panel reads RDS again at once, not at its next poll
    expect(v.runtime.refresh).toHaveBeenCalledWith('rds');
  });

  test('m on a snapshot row snapshots its instance; m then n says no', async () => {
    const { v, a } = await open({ panel: '2' });
    v.press('j', 'j', 'm');
    await v.waitFor((f) => f.includes('Snapshot demo/demo-db as'));
    v.press('n');
    await v.waitFor((f) => f.includes('╔═ 2 RDS') && !f.includes('[y] yes'));
    expect(a.journal.read()).toEqual([]);
  });
});

describe('RDS restore', () => {
  test('R on a snapshot: the proposed id, the plan, the typed id, the restored copy going creating → available', async () => {
    const { v, a } = await open({ panel: '2', columns: 140, rows: 50 });
    const snapshot = a.data.rds.snapshots[0]!.id;
    v.press('j', 'R');
    let frame = await v.waitFor((f) => f.includes('new instance id:'));
    expect(frame).toContain(`new instance id: demo-db-restore-${STAMP}`);
    expect(frame).toContain('demo-db itself is never touched');
    // a bad id is one line at the prompt, and nothing is planned
    v.press('\x15');
    v.type('Bad_Id');
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('the instance id "Bad_Id" may hold only letters, digits and hyphens'));
    expect(a.controller.getState().phase).toBe('input');
    v.press('\x15');
    v.type('demo-db-restore-test');
    v.press(KEYS.enter);
    await giveReason(v);
    frame = await v.waitFor((f) => f.includes('Type demo-db-restore-test to confirm'));
    expect(frame).toContain('DESTRUCTIVE');
    expect(frame).toContain(`Restore ${snapshot} to a new instance demo/demo-db-restore-test`);
    expect(frame).toContain('subnet group  (none) → demo-db-subnets (as demo-db)');
    expect(flat(frame)).toContain(`call rds:RestoreDBInstanceFromDBSnapshot {"DBSnapshotIdentifier": "${snapshot}", "DBInstanceIdentifier": "demo-db-restore-test"`);
    expectFits(frame, 140, 50);
    v.type('demo-db-restore-test\r');
    await v.waitFor((f) => f.includes('under way in RDS'));
    // what the RDS panel reads while it runs: the copy, creating, apart from demo-db
    v.update('rds', (await a.read()).rds);
    frame = await v.waitFor((f) => /⟳ demo-db-restore-test +restore +creating/.test(f));
    expect(frame).toContain('demo-db-restore-test now: creating');
    a.release();
    frame = await v.waitFor((f) => f.includes('✓ done'));
    expect(flat(frame)).toMatch(/demo\/demo-db-restore-test is available after .* \(creating → backing-up → available\)/);
    v.update('rds', (await a.read()).rds);
    await v.waitFor((f) => /✓ demo-db-restore-test +restore +available/.test(f));
    expect(phases(a)).toEqual([
      ['intent', null, 'restore', 'demo/demo-db-restore-test'],
      ['outcome', 'ok', 'restore', 'demo/demo-db-restore-test'],
      ['verify', 'ok', 'restore', 'demo/demo-db-restore-test'],
    ]);
    // demo-db itself: untouched
    expect((await a.read()).rds.instances.map((i) => [i.id, i.status])).toEqual([['demo-db', 'available']]);
  });

  test('R on the instance row says to pick a snapshot, and asks nothing', async () => {
    const { v, a } = await open({ panel: '2' });
    v.press('R');
    await v.waitFor((f) => f.includes("R restores a snapshot: move the selection (j) to one of demo-db's snapshots"));
    expect(a.controller.getState().phase).toBe('idle');
  });

  test('Esc at the typed confirmation: nothing restored, nothing journaled', async () => {
    const { v, a } = await open({ panel: '2' });
    v.press('j', 'R');
    await v.waitFor((f) => f.includes('new instance id:'));
    v.press(KEYS.enter);
    await giveReason(v);
    await v.waitFor((f) => f.includes(`Type demo-db-restore-${STAMP} to confirm`));
    v.type('demo-db');
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('╔═ 2 RDS') && !f.includes('DESTRUCTIVE'));
    expect(a.journal.read()).toEqual([]);
    expect((await a.read()).rds.restored ?? []).toEqual([]);
  });
});

describe('a long action put away', () => {
  test('Esc puts a running restore away: the dashboard works, another action may start, a shows it, q asks once, the outcome waits in the runs line', async () => {
    const { v, a } = await open({ panel: '2' });
    v.press('j', 'R');
    await v.waitFor((f) => f.includes('new instance id:'));
    v.press(KEYS.enter);
    await giveReason(v);
    await v.waitFor((f) => f.includes(`Type demo-db-restore-${STAMP} to confirm`));
    v.type(`demo-db-restore-${STAMP}\r`);
    await v.waitFor((f) => f.includes('under way in RDS'));
    v.press(KEYS.escape);
    let frame = await v.waitFor((f) => !f.includes('DESTRUCTIVE') && f.includes('⟳ 1 running (a shows) · ') && f.includes('Restore rds:demo-db-2026-11-22-03-10'));
    expect(frame).toContain('Esc does not stop a running action: the call has gone to RDS');
    expect(a.controller.getState().phase).toBe('running');
    // the rest of the dashboard answers the keys meanwhile
    v.press('3');
    await v.waitFor((f) => f.includes('╔═ 3 Logs'));
    // a watched restore holds nothing: a snapshot of the source instance may be planned meanwhile
    v.press('2', 'm');
    await v.waitFor((f) => f.includes('Go ahead?') && f.includes('REVERSIBLE'));
    v.press(KEYS.escape);
    await v.waitFor((f) => !f.includes('Go ahead?'));
    v.press('q');
    await v.waitFor((f) => f.includes('a change is running: q again quits'));
    expect(v.onQuit).not.toHaveBeenCalled();
    v.press('a');
    frame = await v.waitFor((f) => f.includes('DESTRUCTIVE') && f.includes('under way in RDS'));
    v.press(KEYS.escape);
    await v.waitFor((f) => !f.includes('DESTRUCTIVE'));
    a.release();
    // it does not pop up over the dashboard: the runs line says how it ended
    frame = await v.waitFor((f) => f.includes('1 ended (a shows)') && f.includes('restore') && !f.includes('running (a shows)'));
    expect(frame).not.toContain('DESTRUCTIVE');
    v.press('a');
    frame = await v.waitFor((f) => f.includes('✓ done'));
    expect(frame).toContain(`demo/demo-db-restore-${STAMP} is available`);
    v.press(KEYS.enter);
    await v.waitFor((f) => !f.includes('✓ done') && f.includes('╔═ 2 RDS') && !f.includes('ended (a shows)'));
    v.press('a');
    await v.waitFor((f) => f.includes('no action is running'));
  });
});

describe('requeue', () => {
  test('Q on a queue with dead jobs: the count and the first 20 ids, the typed name, every planned job back', async () => {
    const { v, a } = await open({ panel: '4', scenario: 'dlq-backlog', columns: 160, rows: 60 });
    const dead = await sandboxQueueControl(a.sandbox).deadJobs('jobs', 'emails', { limit: 1000, detail: 20 }, new AbortController().signal);
    expect(dead.total).toBeGreaterThan(20);
    v.press('Q');
    await giveReason(v);
    let frame = await v.waitFor((f) => f.includes('Type emails to confirm'));
    expect(frame).toContain(`Requeue ${dead.total} failed jobs of demo/emails`);
    expect(frame).toContain(`failed  ${dead.total} → 0`);
    const text = flat(frame);
    expect(text).toContain(`"jobs": ${dead.total}, "ids": [${dead.ids.slice(0, 20).map((id) => JSON.stringify(id)).join(', ')}], "more": ${dead.total - 20}}`);
    expect(text).toContain(`… and ${dead.total - 20} more (the plan keeps every id)`);
    expectFits(frame, 160, 60);
    v.type('emails\r');
    a.release();
    frame = await v.waitFor((f) => f.includes('✓ done'));
    expect(flat(frame)).toContain(`demo/jobs/emails: ${dead.total}/${dead.total} requeued`);
    expect(phases(a)).toEqual([
      ['intent', null, 'requeue', 'demo/jobs/emails'],
      ['outcome', 'ok', 'requeue', 'demo/jobs/emails'],
      ['verify', 'ok', 'requeue', 'demo/jobs/emails'],
    ]);
    const still = await sandboxQueueControl(a.sandbox).stillDead('jobs', 'emails', dead.ids, new AbortController().signal);
    expect(still).toEqual([]);
    expect(v.runtime.refresh).toHaveBeenCalledWith('queues');
  });

  test('the plan fits 80x24 and a wrong name is refused without moving a job', async () => {
    const { v, a } = await open({ panel: '4', scenario: 'dlq-backlog' });
    v.press('j', 'Q');
    await giveReason(v);
    let frame = await v.waitFor((f) => f.includes('Type default to confirm'));
    expect(frame).toMatch(/Requeue \d+ failed jobs of demo\/default/);
    expectFits(frame, 80, 24);
    v.type('defaul\r');
    frame = await v.waitFor((f) => f.includes('"defaul" is not "default"; nothing was done'));
    // the refusal is journaled (as a wrong --confirm is); no job moved
    await expect.poll(() => a.journal.read().map((r) => [r.phase, r.outcome, r.target])).toEqual([['refusal', 'refused', 'demo/jobs/default']]);
  });
});

describe('a plan taller than the box', () => {
  test('at 80x24 it scrolls with the arrows, PgDn/PgUp and Home/End; the box says how much is above and below; j is a letter of the phrase there', async () => {
    const { v, a } = await open({ panel: '4', scenario: 'dlq-backlog' });
    v.press('j', 'Q');
    await giveReason(v);
    let frame = await v.waitFor((f) => f.includes('Type default to confirm'));
    expect(frame).toContain('  top of the plan');
    const below = Number(/↓ (\d+) more/.exec(frame)![1]);
    expect(below).toBeGreaterThan(5);
    expect(frame).toContain('↑↓ pgup pgdn home end scroll the plan');
    expectFits(frame, 80, 24);
    v.press(KEYS.down);
    frame = await v.waitFor((f) => f.includes('↑ 1 more'));
    expect(frame).toContain(`↓ ${below - 1} more`);
    v.press(KEYS.end);
    frame = await v.waitFor((f) => f.includes('  end of the plan'));
    expect(frame).toContain(`↑ ${below} more`);
    expectFits(frame, 80, 24);
    v.press(KEYS.pageUp);
    frame = await v.waitFor((f) => !f.includes('  end of the plan'));
    v.press(KEYS.home);
    await v.waitFor((f) => f.includes('  top of the plan'));
    // in a typed-phrase box j is a letter: it goes into the phrase, the plan stays
    v.type('j');
    frame = await v.waitFor((f) => f.includes('> j'));
    expect(frame).toContain('  top of the plan');
    v.press(KEYS.backspace);
    v.type('default\r');
    await v.waitFor((f) => f.includes('✓ done'));
    expect(a.journal.read().map((r) => r.phase).filter((p) => p !== 'progress')).toEqual(['intent', 'outcome', 'verify']);
  });
});

describe('read-only and sessions that cannot act', () => {
  test('read-only: m, R and Q are not offered and say why; nothing is journaled', async () => {
    const { v, a } = await open({ panel: '2', env: { readOnly: true }, columns: 160, rows: 48 });
    let frame = await v.waitFor((f) => f.includes('READ-ONLY'));
    expect(frame).not.toContain('m snapshot');
    expect(frame).not.toContain('R restore');
    v.press('m');
    await v.waitFor((f) => f.includes('read-only: snapshot is off'));
    v.press('j', 'R');
    await v.waitFor((f) => f.includes('read-only: restore is off'));
    v.press('4');
    frame = await v.waitFor((f) => f.includes('╔═ 4 Queues'));
    expect(frame).not.toContain('Q requeue');
    v.press('Q');
    await v.waitFor((f) => f.includes('read-only: requeue dead is off'));
    expect(a.controller.getState().phase).toBe('idle');
    expect(a.journal.read()).toEqual([]);
  });

  test('writable: the hints show them on their own panels only', async () => {
    const { v } = await open({ panel: '2', columns: 160, rows: 48 });
    let frame = await v.waitFor((f) => f.includes('m snapshot') && f.includes('R restore'));
    expect(frame).not.toContain('Q requeue');
    v.press('4');
    frame = await v.waitFor((f) => f.includes('Q requeue dead'));
    expect(frame).not.toContain('m snapshot');
  });

  test('a session without RDS access says so on n', async () => {
    const a = await harness();
    const { rds: _rds, ...requests } = a.actions.requests;
    const v = render({ data: a.data, env: a.env, actions: { ...a.actions, requests } });
    v.press('2');
    await v.waitFor((f) => f.includes('╔═ 2 RDS'));
    v.press('m');
    await v.waitFor((f) => f.includes('this session cannot act on RDS'));
    expect(a.controller.getState().phase).toBe('idle');
  });
});
