// Interrupted drills and `drill cleanup`: what an interrupted drill leaves is
// found from its record and deleted, and nothing without its tag ever is.
import { describe, it, expect, afterEach } from 'vitest';
import { drillHarness, leftoverDatabases, type DrillHarness } from './support.js';
import { DRILL_EXIT } from '../../src/drills/types.js';
import { listPending, writePending, type PendingDrill } from '../../src/drills/records.js';
import { cleanupExitCode, cleanupLeftovers } from '../../src/drills/cleanup.js';
import { DRILL_TAG } from '../../src/actions/rds/context.js';

let h: DrillHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  expect(await leftoverDatabases()).toEqual([]);
});

const signal = new AbortController().signal;
const snapshot = 'rds:demo-db-2026-11-22-03-10';

function record(h: DrillHarness, over: Partial<PendingDrill>): PendingDrill {
  const r: PendingDrill = {
    kind: 'opsdeck-drill-pending',
    runId: 'demo-db-20261101T090000Z',
    environment: 'demo',
    instance: 'demo-db',
    drillInstance: 'demo-db-drill-202611010900',
    snapshot,
    tag: 'demo-db-20261101T090000Z',
    status: 'restored',
    startedAt: '2026-11-01T09:00:00.000Z',
    updatedAt: '2026-11-01T09:00:00.000Z',
    pid: 999_999_999,
    host: 'elsewhere',
    ...over,
  };
  writePending(r, h.env);
  return r;
}

describe('an interrupted drill', () => {
  it('writes its record before the restore call', async () => {
    h = await drillHarness();
    const seen: (string | undefined)[] = [];
    const restore = h.ctx.rds.restoreFromSnapshot;
    h.ctx.rds = { ...h.ctx.rds, restoreFromSnapshot: (req, s) => (seen.push(...listPending(h!.env).map((e) => `${e.record?.status} ${e.record?.drillInstance}`)), restore(req, s)) };
    const r = await h.drill();
    expect(seen).toEqual(['restoring demo-db-drill-20261122090000']);
    expect(r.outcome).toBe('passed');
  });

  it('stopped while the instance is creating: it cannot be deleted yet, the record stays, and drill cleanup deletes exactly that instance', async () => {
    h = await drillHarness();
    const ctrlC = new AbortController();
    const r = await h.drill({ signal: ctrlC.signal, onProgress: (p) => p.step === 'available' && p.status === 'running' && ctrlC.abort(new Error('ctrl-c')) });
    expect(r.outcome).toBe('interrupted');
    expect(DRILL_EXIT[r.outcome]).toBe(2);
    expect(r.steps.map((s) => [s.step, s.status])).toEqual([
      ['snapshot', 'ok'],
      ['restore', 'ok'],
      ['available', 'interrupted'],
      ['cleanup', 'failed'],
      ['report', 'ok'],
    ]);
    expect(r.cleanup.status).toBe('left');
    expect(r.message).toMatch(/^interrupted during available; clean-up: demo-db-drill-20261122090000 is still creating .*run `opsdeck drill cleanup`/);
    expect((await h.ctx.rds.instance(r.drillInstance, signal))?.status).toBe('creating');
    const pending = listPending(h.env);
    expect(pending.map((e) => [e.record?.drillInstance, e.record?.status, e.record?.tag])).toEqual([[r.drillInstance, 'restored', r.runId]]);
    expect(h.journal.read().at(-1)).toMatchObject({ action: 'backup-drill', phase: 'verify', outcome: 'aborted' });

    // beside it: someone's restored instance without the tag, one of another drill, and production itself, each with a record naming it
    await h.sandbox.rds.restore({ snapshotId: snapshot, newId: 'analytics-copy', tags: { team: 'data' } }, signal);
    await h.sandbox.rds.restore({ snapshotId: snapshot, newId: 'demo-db-drill-other', tags: { [DRILL_TAG]: 'demo-db-20261020T090000Z' } }, signal);
    record(h, { runId: 'a', drillInstance: 'analytics-copy', tag: 'a' });
    record(h, { runId: 'b', drillInstance: 'demo-db-drill-other', tag: 'b' });
    record(h, { runId: 'c', drillInstance: 'demo-db', tag: 'c' });
    // and one of an instance that is long gone
    record(h, { runId: 'd', drillInstance: 'demo-db-drill-202610010900', tag: 'd' });

    const lines: string[] = [];
    // the operator types the name of the instance they are asked to delete
    const asked: string[] = [];
    const results = await cleanupLeftovers({ ctx: h.ctx, executor: h.deps.executor }, { signal, env: h.env, onProgress: (l) => lines.push(l), confirm: async (plan) => (asked.push(plan.phrase), r.drillInstance) });
    expect(asked).toEqual([r.drillInstance]);
    const byId = Object.fromEntries(results.map((x) => [x.drillInstance, x]));
    expect(byId[r.drillInstance]).toMatchObject({ status: 'deleted' });
    // it waited until RDS could delete it
    expect(lines.some((l) => /is creating; it can be deleted once it is created/.test(l))).toBe(true);
    expect(byId['analytics-copy']).toMatchObject({ status: 'refused', message: expect.stringMatching(/^analytics-copy does not carry the tag opsdeck:drill/) });
    expect(byId['demo-db-drill-other']).toMatchObject({ status: 'refused', message: expect.stringMatching(/carries opsdeck:drill=demo-db-20261020T090000Z, not this drill's b/) });
    expect(byId['demo-db']).toMatchObject({ status: 'refused', message: expect.stringMatching(/^demo-db does not carry the tag/) });
    expect(byId['demo-db-drill-202610010900']).toMatchObject({ status: 'none' });
    expect(cleanupExitCode(results)).toBe(1);

    expect(await h.ctx.rds.instance(r.drillInstance, signal)).toBeUndefined();
    for (const id of ['analytics-copy', 'demo-db-drill-other', 'demo-db']) expect((await h.ctx.rds.instance(id, signal))?.status).toBe('available');
    // the refused records stay for a person to look at; the others are gone
    expect(listPending(h.env).map((e) => e.record?.runId).sort()).toEqual(['a', 'b', 'c']);
    // only our instance was ever asked to be deleted
    const deletes = h.journal.read().filter((x) => x.action === 'delete-drill-instance' && x.phase !== 'refusal');
    expect([...new Set(deletes.map((x) => x.target))]).toEqual([`demo/${r.drillInstance}`]);
    expect(deletes.every((x) => x.phraseAccepted === true)).toBe(true);
  });

  it('drill cleanup deletes only with the operator\'s own confirmation: none or a wrong one is the executor\'s refusal, and the record stays', async () => {
    h = await drillHarness();
    const r = await h.drill({ keep: true });
    expect(r.cleanup.status).toBe('kept');
    const journaled = h.journal.read().length;
    for (const typed of [undefined, 'demo-db']) {
      const results = await cleanupLeftovers({ ctx: h.ctx, executor: h.deps.executor }, { signal, env: h.env, confirm: async () => typed });
      expect(results.map((x) => [x.drillInstance, x.status])).toEqual([[r.drillInstance, 'refused']]);
      expect(cleanupExitCode(results)).toBe(1);
    }
    expect(h.journal.read().slice(journaled).map((x) => [x.action, x.phase, x.outcome, x.phraseAccepted])).toEqual([
      ['delete-drill-instance', 'refusal', 'refused', false],
      ['delete-drill-instance', 'refusal', 'refused', false],
    ]);
    expect((await h.ctx.rds.instance(r.drillInstance, signal))?.status).toBe('available');
    expect(listPending(h.env).map((e) => e.record?.status)).toEqual(['kept']);

    const results = await cleanupLeftovers({ ctx: h.ctx, executor: h.deps.executor }, { signal, env: h.env, confirm: async () => r.drillInstance });
    expect(results.map((x) => [x.drillInstance, x.status])).toEqual([[r.drillInstance, 'deleted']]);
    expect(listPending(h.env)).toEqual([]);
  });

  it('stopped during verification: deletion is requested without waiting; cleanup later sees it gone', async () => {
    h = await drillHarness();
    const ctrlC = new AbortController();
    const r = await h.drill({ signal: ctrlC.signal, onProgress: (p) => p.step === 'verify' && p.status === 'running' && ctrlC.abort(new Error('ctrl-c')) });
    expect(r.outcome).toBe('interrupted');
    expect(r.parity).toBeNull();
    expect(r.cleanup).toEqual({ status: 'deleting', message: `deletion of ${r.drillInstance} requested; \`opsdeck drill cleanup\` confirms it is gone` });
    expect((await h.ctx.rds.instance(r.drillInstance, signal))?.status).toBe('deleting');
    expect(listPending(h.env).map((e) => e.record?.status)).toEqual(['deleting']);

    const results = await cleanupLeftovers({ ctx: h.ctx, executor: h.deps.executor }, { signal, env: h.env, confirm: async () => undefined });
    expect(results.map((x) => [x.drillInstance, x.status])).toEqual([[r.drillInstance, 'deleted']]);
    expect(cleanupExitCode(results)).toBe(0);
    expect(listPending(h.env)).toEqual([]);
  });

  it('a record of another environment is left for a cleanup there; a file that is not a record is never acted on', async () => {
    h = await drillHarness();
    record(h, { runId: 'p', environment: 'prod', drillInstance: 'db-drill-202611010900' });
    const { writeFileSync } = await import('node:fs');
    const { pendingDir } = await import('../../src/drills/records.js');
    writeFileSync(`${pendingDir(h.env)}/junk.json`, '{"drillInstance": "demo-db"}');
    const results = await cleanupLeftovers({ ctx: h.ctx, executor: h.deps.executor }, { signal, env: h.env, confirm: async () => undefined });
    expect(results.map((x) => x.status).sort()).toEqual(['other-environment', 'unreadable']);
    expect(h.journal.read()).toEqual([]);
  });
});
