/**
 * K and T on the Postgres panel, against the sandbox's db-saturation lock
 * chain through the real controller, executor, journal and lock: the plan of
 * the selected session, the typed pid, the chain gone once the holder is
 * terminated; cancel refused on an idle transaction; neither key in read-only mode.
 */
import { describe, expect, test } from 'vitest';
import { actionViews, expectFits, flat, giveReason } from './actionView.js';
import type { ActionHarness } from './actionSupport.js';
import type { Harness } from './render.js';
import { sessionRows } from '../../views/panels/PostgresPanel.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';

const { render, harness } = actionViews();
const signal = new AbortController().signal;

/** The dashboard on the sandbox's data, the Postgres panel focused and `pid` selected. */
async function onSession(pid: number, opts: { env?: Partial<EnvironmentInfo>; columns?: number; rows?: number } = {}): Promise<{ v: Harness; a: ActionHarness }> {
  const a = await harness({ scenario: 'db-saturation', ...(opts.env ? { env: opts.env } : {}) });
  const postgres = await a.sandbox.sources.postgres.read(signal);
  const v = render({ data: { ...a.data, postgres }, env: a.env, actions: a.actions, columns: opts.columns ?? 160, rows: opts.rows ?? 50 });
  await v.waitFor((f) => f.includes('1 ECS'));
  v.press('5');
  await v.waitFor((f) => f.includes('╔═ 5 Postgres'));
  const index = sessionRows(postgres, '').findIndex((r) => r.session.pid === pid);
  expect(index, `pid ${pid} is listed`).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < index; i++) v.press('j');
  return { v, a };
}

const phases = (a: ActionHarness) => a.journal.read().map((r) => [r.phase, r.outcome, r.action, r.target]);

describe('Postgres sessions from the keyboard', () => {
  test('T on the idle-in-transaction holder: the plan, the typed pid, the holder gone and the chain behind it freed', async () => {
    const { v, a } = await onSession(4242);
    let frame = await v.waitFor((f) => f.includes('K cancel query') && f.includes('T terminate'));
    v.press('T');
    await giveReason(v);
    frame = await v.waitFor((f) => f.includes('Type 4242 to confirm'));
    expect(frame).toContain('DESTRUCTIVE');
    expect(frame).toContain('Terminate demo/primary pid 4242');
    const text = flat(frame);
    expect(text).toContain('call postgres:pg_terminate_backend {"database": "primary", "pid": 4242}');
    expect(text).toContain('user app · application api (gunicorn)');
    expect(text).toContain("query UPDATE orders SET status = 'refunded'");
    expect(text).toContain('blocks 1 session: pid 5120');
    expectFits(frame, 160, 50);
    v.type('4242\r');
    a.release();
    frame = await v.waitFor((f) => f.includes('✓ done'));
    expect(flat(frame)).toContain('demo/primary/pid 4242: pid 4242 is gone from pg_stat_activity');
    expect(phases(a)).toEqual([
      ['intent', null, 'pg-terminate', 'demo/primary/pid 4242'],
      ['outcome', 'ok', 'pg-terminate', 'demo/primary/pid 4242'],
      ['verify', 'ok', 'pg-terminate', 'demo/primary/pid 4242'],
    ]);
    const after = (await a.sandbox.sources.postgres.read(signal)).databases[0]!;
    expect(after.blocked).toEqual([]);
    expect(after.idleInTransaction.map((s) => s.pid)).not.toContain(4242);
    expect(v.runtime.refresh).toHaveBeenCalledWith('postgres');
  });

  test('K on a blocked query cancels it; the session behind it now waits on the holder', async () => {
    const { v, a } = await onSession(5120, { columns: 80, rows: 24 });
    v.press('K');
    await giveReason(v);
    const frame = await v.waitFor((f) => f.includes('Type 5120 to confirm'));
    expect(frame).toContain('Cancel the query of demo/primary pid 5120');
    expectFits(frame, 80, 24);
    v.type('5120\r');
    a.release();
    await v.waitFor((f) => f.includes('✓ done'));
    const after = (await a.sandbox.sources.postgres.read(signal)).databases[0]!;
    expect(after.blocked.map((b) => [b.pid, b.blockedBy])).toEqual([[5127, [4242]]]);
    expect(phases(a).map((p) => p[0])).toEqual(['intent', 'outcome', 'verify']);
  });

  test('K on an idle transaction is refused: nothing runs to cancel, T is what ends it', async () => {
    const { v, a } = await onSession(4242);
    v.press('K');
    const frame = await v.waitFor((f) => flat(f).includes('no query is running to cancel'));
    expect(flat(frame)).toContain('terminate it (T, or opsdeck pg terminate) to end the session and roll back its transaction');
    expect(a.journal.read().filter((r) => r.phase !== 'refusal')).toEqual([]);
  });

  test('read-only: K and T are not offered and say why', async () => {
    const { v, a } = await onSession(4242, { env: { readOnly: true } });
    const frame = await v.waitFor((f) => f.includes('READ-ONLY'));
    expect(frame).not.toContain('K cancel query');
    expect(frame).not.toContain('T terminate');
    v.press('T');
    await v.waitFor((f) => f.includes('read-only: terminate is off'));
    expect(a.journal.read()).toEqual([]);
  });
});
