// The backup drill on the sandbox with the local PostgreSQL behind it: real
// restores (simulated RDS, manual clock), real copies, real queries.
import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drillHarness, leftoverDatabases, START, type DrillHarness } from './support.js';
import { DRILL_EXIT, type DrillProgress, type DrillReport } from '../../src/drills/types.js';
import { DrillRefused } from '../../src/drills/drill.js';
import { listPending } from '../../src/drills/records.js';
import { reportMarkdown } from '../../src/drills/report.js';
import { DRILL_TAG } from '../../src/actions/rds/context.js';
import { resourceKey } from '../../src/actions/lockResource.js';
import { confirmationPhrase } from '../../src/actions/types.js';
import { backupDrillAction } from '../../src/drills/action.js';

let h: DrillHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  // every database the sandbox made is dropped once it is closed
  expect(await leftoverDatabases()).toEqual([]);
});

const signal = new AbortController().signal;
const stepsOf = (r: DrillReport) => r.steps.map((s) => [s.step, s.status]);

describe('a backup drill against the sandbox and a real PostgreSQL', () => {
  it('restores the newest automated snapshot, verifies it, deletes it: PARITY 100 %, both reports, journaled', async () => {
    h = await drillHarness();
    const progress: DrillProgress[] = [];
    const r = await h.drill({ onProgress: (p) => progress.push(p) });

    expect(r.outcome, r.message).toBe('passed');
    expect(DRILL_EXIT[r.outcome]).toBe(0);
    expect(r.parity).toBe(100);
    expect(stepsOf(r)).toEqual([
      ['snapshot', 'ok'],
      ['restore', 'ok'],
      ['available', 'ok'],
      ['connect', 'ok'],
      ['verify', 'ok'],
      ['cleanup', 'ok'],
      ['report', 'ok'],
    ]);
    expect(r.snapshot).toEqual({ id: 'rds:demo-db-2026-11-22-03-10', type: 'automated', createdAt: expect.stringMatching(/^2026-11-22T03:1/) });
    expect(r.drillInstance).toBe('demo-db-drill-20261122090000');
    // the restore took virtual minutes: creating and backing-up, polled every 10 s
    expect(r.steps.find((s) => s.step === 'available')!.durationMs).toBeGreaterThanOrEqual(30_000);
    expect(r.rtoMs).toBe(r.restoreToVerifiedMs);
    expect(r.rtoMs).toBeGreaterThanOrEqual(30_000);
    // production grew by 0.5 % since the backup: within the 2 % tolerance
    expect(r.checks).toEqual([
      { kind: 'table', name: 'users', passed: true, expected: '2412 rows (production) ± 2 %', actual: '2400 rows (−0.5 %)' },
      { kind: 'table', name: 'orders', passed: true, expected: '6231 rows (production) ± 2 %', actual: '6200 rows (−0.5 %)' },
      { kind: 'table', name: 'order_items', passed: true, expected: '15577 rows (production) ± 2 %', actual: '15500 rows (−0.5 %)' },
      { kind: 'assertion', name: 'select count(*) > 0 from users', passed: true, expected: 'true', actual: 'true' },
    ]);
    expect(r.cleanup.status).toBe('deleted');
    expect(await h.ctx.rds.instance(r.drillInstance, signal)).toBeUndefined();
    expect(listPending(h.env)).toEqual([]);

    // each step began, then ended, in order
    const ends = progress.filter((p) => p.status !== 'running' && p.status !== 'progress').map((p) => p.step);
    expect(ends).toEqual(['snapshot', 'restore', 'available', 'connect', 'verify', 'cleanup', 'report']);
    expect(progress.some((p) => p.step === 'available' && p.status === 'progress' && /creating → backing-up/.test(p.message))).toBe(true);

    // both files, with the same content
    expect(r.files.json).toBe(join(h.dir, 'drills', 'demo-db-20261122T090000Z.json'));
    const json = JSON.parse(readFileSync(r.files.json, 'utf8')) as DrillReport;
    expect(json).toEqual(r);
    const md = readFileSync(r.files.markdown, 'utf8');
    expect(md).toBe(reportMarkdown(r));
    expect(md).toContain('# Backup drill of demo/demo-db: PASSED');
    expect(md).toMatch(/\*\*PARITY: 100%  RTO: \d+\.\d minutes\*\*/);
    expect(md).toContain('| table `orders` | pass | 6231 rows (production) ± 2 % | 6200 rows (−0.5 %) |');
    expect(md).toMatch(/\| cleanup \| ok \| \d+ s \| demo\/demo-db-drill-20261122090000 is deleted after/);

    // start and end around the restore's and the delete's own records; the chain holds
    expect(h.journal.read().map((x) => [x.action, x.phase, x.outcome])).toEqual([
      ['backup-drill', 'intent', null],
      ['restore', 'intent', null],
      ['restore', 'outcome', 'ok'],
      ['restore', 'verify', 'ok'],
      ['delete-drill-instance', 'intent', null],
      ['delete-drill-instance', 'outcome', 'ok'],
      ['delete-drill-instance', 'verify', 'ok'],
      ['backup-drill', 'outcome', 'ok'],
      ['backup-drill', 'verify', 'ok'],
    ]);
    // the outcome record (the drill ran) and the verify record (its verdict) both carry PARITY, RTO and the report
    for (const x of h.journal.read().slice(-2)) expect(x.detail).toMatch(/^PARITY: 100%  RTO: \d+\.\d minutes; passed: 4\/4 checks passed; clean-up deleted; report .*\.md$/);
    expect(h.journal.verify().ok).toBe(true);
  });

  it('a failing assertion: parity below 100 %, exit 1, the report names the check', async () => {
    h = await drillHarness();
    const drill = { ...h.demoDrill, assertions: ['select count(*) > 0 from users', 'select count(*) > 1000000 from orders', 'select count(*) from users'] };
    const r = await h.drill({ drill });
    expect(r.outcome).toBe('failed');
    expect(DRILL_EXIT[r.outcome]).toBe(1);
    expect(r.parity).toBe(66.7);
    expect(r.rtoMs).toBeNull();
    expect(r.restoreToVerifiedMs).toBeGreaterThan(0);
    expect(r.checks.filter((c) => !c.passed)).toEqual([
      { kind: 'assertion', name: 'select count(*) > 1000000 from orders', passed: false, expected: 'true', actual: 'false' },
      { kind: 'assertion', name: 'select count(*) from users', passed: false, expected: 'true', actual: '"2400" (a string, not a boolean)' },
    ]);
    expect(r.steps.find((s) => s.step === 'verify')).toMatchObject({ status: 'failed', message: '4/6 checks passed; failed: select count(*) > 1000000 from orders; select count(*) from users' });
    // the instance is deleted all the same
    expect(r.cleanup.status).toBe('deleted');
    const md = readFileSync(r.files.markdown, 'utf8');
    expect(md).toContain('# Backup drill of demo/demo-db: FAILED');
    expect(md).toContain('| assertion `select count(*) > 1000000 from orders` | **FAIL** | true | false |');
    expect(md).toContain('PARITY: 66.7%  RTO: — (verification failed');
    expect(h.journal.read().at(-1)).toMatchObject({ action: 'backup-drill', phase: 'verify', outcome: 'failed' });
  });

  it('an assertion cannot write or smuggle a second statement: the session is read-only, one statement per query', async () => {
    h = await drillHarness();
    const drill = { ...h.demoDrill, tables: [], assertions: ['delete from users returning true', 'select true; drop table users'] };
    const r = await h.drill({ drill });
    expect(r.checks.map((c) => [c.passed, c.actual])).toEqual([
      [false, expect.stringMatching(/^error: .*cannot execute DELETE in a read-only transaction/)],
      [false, expect.stringMatching(/^error: .*cannot insert multiple commands into a prepared statement/)],
    ]);
  });

  it('a stale backup: rows missing beyond the tolerance fail the tables they are missing from', async () => {
    h = await drillHarness({ stale: { table: 'orders', fraction: 0.1 } });
    const r = await h.drill();
    expect(r.outcome).toBe('failed');
    expect(DRILL_EXIT[r.outcome]).toBe(1);
    const byName = Object.fromEntries(r.checks.map((c) => [c.name, c]));
    expect(byName.users!.passed).toBe(true);
    // a tenth of the orders is gone, and their items with them (ON DELETE CASCADE)
    expect(byName.orders).toMatchObject({ passed: false, expected: '6231 rows (production) ± 2 %', actual: '5579 rows (−10.5 %)' });
    expect(byName.order_items!.passed).toBe(false);
    expect(byName.order_items!.actual).toMatch(/^\d+ rows \(−\d+(\.\d)? %\)$/);
    expect(r.parity).toBe(50);
    expect(readFileSync(r.files.markdown, 'utf8')).toContain('| table `orders` | **FAIL** | 6231 rows (production) ± 2 % | 5579 rows (−10.5 %) |');
  });

  it('a restore that ends failed: exit 2, the broken instance is deleted, nothing is left behind', async () => {
    h = await drillHarness();
    h.sandbox.rds.failNextRestore('incompatible-restore');
    const r = await h.drill();
    expect(r.outcome).toBe('incomplete');
    expect(DRILL_EXIT[r.outcome]).toBe(2);
    expect(r.parity).toBeNull();
    expect(r.message).toMatch(/demo-db-drill-20261122090000 ended incompatible-restore/);
    expect(stepsOf(r)).toEqual([
      ['snapshot', 'ok'],
      ['restore', 'ok'],
      ['available', 'failed'],
      ['cleanup', 'ok'],
      ['report', 'ok'],
    ]);
    expect(r.cleanup.status).toBe('deleted');
    expect(await h.ctx.rds.instance(r.drillInstance, signal)).toBeUndefined();
    expect(listPending(h.env)).toEqual([]);
    expect(h.journal.read().at(-1)).toMatchObject({ action: 'backup-drill', phase: 'verify', outcome: 'failed' });
  });

  it('a copy nobody can connect to: exit 2, the instance deleted all the same', async () => {
    h = await drillHarness();
    const real = h.deps.endpoints;
    h.deps.endpoints = { connectionFor: async (id, role, s) => (role === 'drill' ? { ...(await real.connectionFor(id, role, s)), port: 1 } : real.connectionFor(id, role, s)) };
    const r = await h.drill();
    expect(r.outcome).toBe('incomplete');
    expect(DRILL_EXIT[r.outcome]).toBe(2);
    expect(r.message).toMatch(/^could not connect to the restored copy demo-db-drill-20261122090000: nothing listens at 127\.0\.0\.1:1\/\S+ \(ECONNREFUSED\)/);
    expect(stepsOf(r)).toEqual([
      ['snapshot', 'ok'],
      ['restore', 'ok'],
      ['available', 'ok'],
      ['connect', 'failed'],
      ['cleanup', 'ok'],
      ['report', 'ok'],
    ]);
    expect(r.cleanup.status).toBe('deleted');
  });

  it('a restore slower than --timeout: incomplete; the clean-up waits until RDS can delete it, then does', async () => {
    h = await drillHarness();
    const progress: string[] = [];
    const r = await h.drill({ timeoutMs: 15_000, onProgress: (p) => p.step === 'cleanup' && p.status === 'progress' && progress.push(p.message) });
    expect(r.outcome).toBe('incomplete');
    expect(r.message).toMatch(/^after 15 s demo-db-drill-20261122090000: creating \(\d+ s\); it may still finish/);
    expect(progress[0]).toMatch(/^demo-db-drill-20261122090000 is creating; it can be deleted once it is created/);
    expect(r.cleanup.status).toBe('deleted');
    expect(await h.ctx.rds.instance(r.drillInstance, signal)).toBeUndefined();
  });

  it('a given snapshot that is not available is refused before anything is restored', async () => {
    h = await drillHarness();
    // 09:00: the snapshot of 03:10 tomorrow does not exist yet
    const r = await h.drill({ snapshot: 'rds:demo-db-2026-11-23-03-10' });
    expect(r.outcome).toBe('incomplete');
    expect(r.message).toMatch(/^no snapshot rds:demo-db-2026-11-23-03-10 in demo/);
    expect(stepsOf(r)).toEqual([
      ['snapshot', 'failed'],
      ['cleanup', 'skipped'],
      ['report', 'ok'],
    ]);
    expect(r.cleanup).toEqual({ status: 'none', message: 'nothing was created' });
    expect(h.journal.read().map((x) => x.action)).toEqual(['backup-drill', 'backup-drill', 'backup-drill']);
    // a creating snapshot: take one now, it stays creating for tens of seconds
    await h.sandbox.rds.createSnapshot('demo-db', 'demo-db-fresh', {}, signal);
    h.clock.advance(1_000);
    const r2 = await h.drill({ snapshot: 'demo-db-fresh' });
    expect(r2.message).toMatch(/^snapshot demo-db-fresh is creating \(\d+ %\); a drill restores only an available snapshot$/);
    expect(r2.cleanup.status).toBe('none');
  });

  it('a protected environment needs ENV/INSTANCE: without it nothing starts and the refusal is journaled', async () => {
    h = await drillHarness({ env: { name: 'prod', protected: true } });
    await expect(h.drill()).rejects.toThrow(new DrillRefused('no confirmation given; type (or pass --confirm) prod/demo-db: nothing was done'));
    await expect(h.drill({ confirm: 'demo-db' })).rejects.toThrow(/the confirmation "demo-db" is not "prod\/demo-db"/);
    expect(h.journal.read().map((x) => [x.phase, x.outcome, x.phraseAccepted])).toEqual([
      ['refusal', 'refused', false],
      ['refusal', 'refused', false],
    ]);
    expect(existsSync(join(h.dir, 'drills'))).toBe(false);
    const r = await h.drill({ confirm: 'prod/demo-db' });
    expect(r.outcome).toBe('passed');
    // the restore and the delete went through the executor with the protected phrase
    expect(h.journal.read().filter((x) => x.action !== 'backup-drill').every((x) => x.phraseAccepted === true)).toBe(true);
  });

  it('the plan lists the steps; tier and phrase follow the executor\'s rule (ENV/INSTANCE when protected, y elsewhere)', async () => {
    h = await drillHarness({ env: { name: 'prod', protected: true } });
    const ctx = { ...h.ctx, drill: { deps: { endpoints: h.deps.endpoints, env: h.env }, request: { instance: 'demo-db', drill: h.demoDrill } } };
    const plan = await backupDrillAction.plan(ctx, { instance: 'demo-db' }, signal);
    expect(plan).toMatchObject({ action: 'backup-drill', tier: 'destructive', phrase: 'prod/demo-db', target: { display: 'prod/demo-db (backup drill)' } });
    expect(plan.phrase).toBe(confirmationPhrase(plan.tier, ctx.env, 'demo-db'));
    expect(plan.details).toEqual([
      '1. pick the newest available automated snapshot of demo-db',
      '2. restore it to demo-db-drill-20261122090000, tagged opsdeck:drill=demo-db-20261122T090000Z',
      '3. wait until it is available (up to 90 min)',
      `4. verify ${h.demoDrill.tables.length} table(s) and ${h.demoDrill.assertions.length} assertion(s) against demo-db, both sessions read-only`,
      '5. delete demo-db-drill-20261122090000 (no final snapshot)',
      '6. write the report: PARITY and RTO',
    ]);
    expect(plan.calls.map((c) => c.api)).toEqual(['rds:RestoreDBInstanceFromDBSnapshot', 'rds:DeleteDBInstance']);
    const open = await backupDrillAction.plan({ ...ctx, env: { ...ctx.env, protected: false } }, { instance: 'demo-db' }, signal);
    expect([open.tier, open.phrase]).toEqual(['reversible', 'y']);
  });

  it('one drill of an instance at a time: the executor\'s lock refuses a second, before anything is created', async () => {
    h = await drillHarness();
    const key = resourceKey({ kind: 'db-instance', account: h.ctx.env.account, region: h.ctx.env.region, instance: 'demo-db' }, 'backup-drill');
    const held = await h.deps.executor.lock.acquire(key, 60_000, { action: 'backup-drill', environment: 'demo', target: 'demo/demo-db (backup drill)' });
    try {
      await expect(h.drill()).rejects.toThrow(DrillRefused);
    } finally {
      await held.release();
    }
    expect(h.journal.read().map((x) => [x.action, x.phase, x.outcome])).toEqual([['backup-drill', 'refusal', 'refused']]);
    expect(listPending(h.env)).toEqual([]);
    expect(await h.ctx.rds.instance('demo-db-drill-20261122090000', signal)).toBeUndefined();
  });

  it('a read-only environment refuses the drill', async () => {
    h = await drillHarness({ env: { readOnly: true, readOnlyCure: 'restart without --read-only' } });
    await expect(h.drill()).rejects.toThrow(new DrillRefused('demo is read-only: Backup drill of demo/demo-db was not run (to act, restart without --read-only)'));
    expect(h.journal.read().map((x) => [x.action, x.phase, x.outcome])).toEqual([['backup-drill', 'refusal', 'refused']]);
    expect(existsSync(join(h.dir, 'drills'))).toBe(false);
  });

  it('--keep leaves the instance, tagged and recorded, for drill cleanup', async () => {
    h = await drillHarness();
    const r = await h.drill({ keep: true });
    expect(r.outcome).toBe('passed');
    expect(r.cleanup.status).toBe('kept');
    const inst = await h.ctx.rds.instance(r.drillInstance, signal);
    expect(inst).toMatchObject({ status: 'available', tags: { [DRILL_TAG]: r.runId } });
    expect(listPending(h.env).map((e) => e.record?.status)).toEqual(['kept']);
    expect(readdirSync(join(h.dir, 'drills')).sort()).toEqual(['demo-db-20261122T090000Z.json', 'demo-db-20261122T090000Z.md', 'history.jsonl', 'pending']);
    expect(START).toBe(Date.parse('2026-11-22T09:00:00Z'));
  });
});

describe('the PGlite path (no PostgreSQL server needed)', () => {
  it('with no server to reach, a full drill against embedded PGlite servers: parity 100 %', async () => {
    h = await drillHarness({ mode: 'auto', url: 'postgres://postgres@127.0.0.1:1/postgres' });
    expect(h.db.mode).toBe('pglite');
    expect(h.db.where).toMatch(/^embedded PGlite on 127\.0\.0\.1 \(no PostgreSQL server to use: .*ECONNREFUSED/);
    const r = await h.drill();
    expect(r.outcome, r.message).toBe('passed');
    expect(r.parity).toBe(100);
    expect(r.checks.map((c) => c.actual)).toEqual(['2400 rows (−0.5 %)', '6200 rows (−0.5 %)', '15500 rows (−0.5 %)', 'true']);
    // each database is its own server on a port of its own
    expect(r.steps.find((s) => s.step === 'connect')!.message).toMatch(/^restored copy 127\.0\.0\.1:(\d+)\/app, production 127\.0\.0\.1:(?!\1)\d+\/app; both sessions read-only$/);
  }, 60_000);
});
