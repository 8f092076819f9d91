// The drill-orphan reproduction (issue 11, finding 1): a drill killed after its
// restore request was sent, the instance appearing only later, then
// `drill cleanup`. RDS here answers the restore late: the request is taken,
// and the instance shows in DescribeDBInstances only once the clock has moved
// on, as a request in flight at the kill or a lagging listing does on AWS.
import { describe, it, expect, afterEach } from 'vitest';
import { drillHarness, leftoverDatabases, type DrillHarness } from './support.js';
import { listPending } from '../../src/drills/records.js';
import { cleanupExitCode, cleanupLeftovers, LANDING_WINDOW_MS } from '../../src/drills/cleanup.js';
import { DRILL_TAG, type RestoreRequest } from '../../src/actions/rds/context.js';
import { VERIFY_POLL_MS } from '../../src/actions/rds/wait.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { runDrill } from '../../src/drills/drill.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

let h: DrillHarness | undefined;
// closing drops every copy the runs made (20 databases in the first test): on a loaded machine that alone
// can take longer than the default 30 s hook timeout, and a hook cut short leaves them for the next test
afterEach(async () => {
  await h?.close();
  h = undefined;
  expect(await leftoverDatabases()).toEqual([]);
}, 180_000);

const signal = new AbortController().signal;
const never = new Promise<never>(() => {});

/** RDS whose restores land `lagMs` after the request; the drill's process "dies" once it has sent one (its promise never settles). */
function lateRestores(h: DrillHarness, lagMs: () => number) {
  const real = h.ctx.rds;
  const due: { at: number; req: RestoreRequest }[] = [];
  const land = async () => {
    for (const d of due.filter((x) => h.clock.now() >= x.at)) {
      due.splice(due.indexOf(d), 1);
      await real.restoreFromSnapshot(d.req, signal);
    }
  };
  h.ctx.rds = {
    ...real,
    async instance(id, s) {
      await land();
      return real.instance(id, s);
    },
    async tagged(key, s) {
      await land();
      return real.tagged!(key, s);
    },
    async restoreFromSnapshot(req) {
      due.push({ at: h.clock.now() + lagMs(), req });
      return never;
    },
  };
  return due;
}

/**
 * The drill that gets killed. Its locks live apart: what a killed process's
 * lock does (lapse, be freed) is the lock's own matter and test, and in this
 * one process a never-settling drill would otherwise hold them for good.
 */
let kills = 0;
function killedDrill(h: DrillHarness): void {
  // each killed process's own: a dead process's lock is not what this test is about
  const dir = join(h.dir, `killed-locks-${++kills}`);
  mkdirSync(dir, { recursive: true });
  void runDrill({ ...h.deps, executor: { ...h.deps.executor, lock: new FileTargetLock(dir) } }, { instance: 'demo-db', drill: h.demoDrill });
}

const confirmAll = { signal, confirm: async (plan: { phrase: string }) => plan.phrase };

describe('a drill killed after its restore request was sent', () => {
  it('cleanup waits for the instance to appear, deletes it and only then drops the record: 20 of 20 runs leave nothing', async () => {
    h = await drillHarness();
    const window = 3 * VERIFY_POLL_MS;
    let run = 0;
    // lags from none to just inside the window the cleanup waits
    const due = lateRestores(h, () => Math.round(((run % 5) / 4) * (window - VERIFY_POLL_MS)));
    const clean: number[] = [];
    for (run = 0; run < 20; run++) {
      h.clock.advance(60_000);
      killedDrill(h);
      // the drill writes its record, then sends the restore, which never answers: the kill
      await new Promise((r) => setTimeout(r, 0));
      for (let i = 0; i < 50 && due.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(due.length, `run ${run}: the restore was sent`).toBe(1);
      const [rec] = listPending(h.env).map((e) => e.record!).filter((r) => r.status === 'restoring');
      expect(rec).toBeDefined();

      const lines: string[] = [];
      const results = await cleanupLeftovers({ ctx: h.ctx, executor: h.deps.executor }, { ...confirmAll, env: h.env, landingWindowMs: window, onProgress: (l) => lines.push(l) });
      const mine = results.filter((r) => r.drillInstance === rec!.drillInstance);
      // once, from its record, and deleted: never "does not exist"
      expect(mine.map((r) => [r.status, r.path !== undefined]), `run ${run}: ${mine.map((r) => r.message).join(" / ")}`).toEqual([['deleted', true]]);
      expect(cleanupExitCode(results)).toBe(0);
      if (run % 5 > 0) expect(lines.some((l) => l.includes(`${rec!.drillInstance} is not there, but the drill ${rec!.runId} may have sent its restore before it stopped; waiting until`))).toBe(true);
      expect(due).toEqual([]);
      expect(await h.ctx.rds.tagged!(DRILL_TAG, signal)).toEqual([]);
      expect(listPending(h.env).filter((e) => e.record?.runId === rec!.runId)).toEqual([]);
      // a second cleanup has nothing left to find
      expect(await cleanupLeftovers({ ctx: h.ctx, executor: h.deps.executor }, { ...confirmAll, env: h.env, landingWindowMs: window })).toEqual([]);
      clean.push(run);
    }
    expect(clean.length).toBe(20);
  }, 120_000);

  it('"not found" is final only after the window: the record goes then, and cleanup said why it waited', async () => {
    h = await drillHarness();
    // the request never lands (RDS refused it, or it was never sent)
    lateRestores(h, () => Number.POSITIVE_INFINITY);
    killedDrill(h);
    for (let i = 0; i < 50 && listPending(h.env).length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const started = h.clock.now();
    const lines: string[] = [];
    const results = await cleanupLeftovers({ ctx: h.ctx, executor: h.deps.executor }, { ...confirmAll, env: h.env, landingWindowMs: LANDING_WINDOW_MS, onProgress: (l) => lines.push(l) });
    expect(results.map((r) => r.status)).toEqual(['none']);
    expect(h.clock.now() - started).toBeGreaterThanOrEqual(LANDING_WINDOW_MS - 1_000);
    expect(lines[0]).toMatch(/is not there, but the drill .* may have sent its restore before it stopped; waiting until .* for it to appear before calling it never created/);
    expect(listPending(h.env)).toEqual([]);
  }, 60_000);

  it('finds a tagged drill instance that no record names, and deletes it only with the confirmation', async () => {
    h = await drillHarness();
    const snap = 'rds:demo-db-2026-11-22-03-10';
    await h.sandbox.rds.restore({ snapshotId: snap, newId: 'demo-db-drill-lost', tags: { [DRILL_TAG]: 'demo-db-20261120T090000Z' } }, signal);
    await h.sandbox.rds.restore({ snapshotId: snap, newId: 'analytics-copy', tags: { team: 'data' } }, signal);
    const refused = await cleanupLeftovers({ ctx: h.ctx, executor: h.deps.executor }, { signal, env: h.env, confirm: async () => undefined });
    expect(refused.map((r) => [r.drillInstance, r.status])).toEqual([['demo-db-drill-lost', 'refused']]);
    const results = await cleanupLeftovers({ ctx: h.ctx, executor: h.deps.executor }, { ...confirmAll, env: h.env });
    expect(results).toMatchObject([{ drillInstance: 'demo-db-drill-lost', status: 'deleted', message: expect.stringMatching(/^demo-db-drill-lost is tagged opsdeck:drill=demo-db-20261120T090000Z and no drill record names it: /) }]);
    expect(await h.ctx.rds.instance('demo-db-drill-lost', signal)).toBeUndefined();
    expect((await h.ctx.rds.instance('analytics-copy', signal))?.status).toBe('available');
  }, 60_000);
});
