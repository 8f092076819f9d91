// The team store on the real local PostgreSQL: migrations, the chain, the triggers, the filters.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';
import { migrate, MIGRATIONS, SCHEMA_VERSION, SchemaTooNewError, storeVersion } from '../../src/team/migrations.js';
import { appendToChain, readChain, verifyChain, type PendingRecord } from '../../src/team/chain.js';
import { openJournal } from '../../src/team/sharedJournal.js';
import { openTeamStore, type TeamStore } from '../../src/team/store.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { matchesFilter, type AuditFilter } from '../../src/audit/filter.js';
import { useTempStateDir } from '../support/tempState.js';

const state = useTempStateDir();
let db: TestDatabase;
let store: TeamStore;

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'team');
  store = openTeamStore(db.url);
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
});

function item(env: string, user: string, target: string, time: string, id: string = randomUUID()): PendingRecord {
  return {
    id,
    entry: { operator: { user, host: 'h1' }, environment: env, action: 'scale', target, phase: 'intent', plan: { to: 3 }, phraseAccepted: true, outcome: null, detail: `scale ${target}`, requestIds: [], durationMs: null, time },
  };
}

describe('migrations', () => {
  it('apply once, then are a no-op; many processes starting together apply each exactly once', async () => {
    const pools = Array.from({ length: 6 }, () => new pg.Pool({ connectionString: db.url, max: 1 }));
    try {
      const results = await Promise.all(pools.map((p) => migrate(p)));
      expect(results.every((r) => r.to === SCHEMA_VERSION)).toBe(true);
      // exactly one of them found an empty store and did the work, or several found it part-done: either way one row per version
      expect(results.filter((r) => r.from === 0).length).toBeGreaterThanOrEqual(1);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
    const rows = await store.pool.query<{ version: number }>('SELECT version FROM opsdeck.opsdeck_schema_version ORDER BY version');
    expect(rows.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(await migrate(store.pool)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    expect(await storeVersion(store.pool)).toBe(SCHEMA_VERSION);
  });

  it('a later program appends a migration and only that one runs', async () => {
    const later = [...MIGRATIONS, { name: 'test: a later feature', sql: 'CREATE TABLE opsdeck.later_feature (id int)' }];
    const other = await createTestDatabase(undefined, 'team');
    const pool = new pg.Pool({ connectionString: other.url, max: 1 });
    try {
      await migrate(pool);
      expect(await migrate(pool, later)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION + 1 });
      // this program meets the store the later one left: one line, and the journal stays local
      await expect(migrate(pool)).rejects.toThrow(new SchemaTooNewError(SCHEMA_VERSION + 1, SCHEMA_VERSION));
      expect(new SchemaTooNewError(SCHEMA_VERSION + 1, SCHEMA_VERSION).message).toBe(`team store schema v${SCHEMA_VERSION + 1} is newer than this opsdeck (v${SCHEMA_VERSION}); upgrade opsdeck`);
      const chosen = await openJournal(other.url, process.env);
      expect(chosen.shared).toBeUndefined();
      expect(chosen.journal).toBeInstanceOf(AuditJournal);
      expect(chosen.warning).toBe(`team store schema v${SCHEMA_VERSION + 1} is newer than this opsdeck (v${SCHEMA_VERSION}); upgrade opsdeck; journaling locally only`);
    } finally {
      await pool.end();
      await other.drop();
    }
  });
});

describe('the shared chain', () => {
  it('appends one chain per environment in the local record format, and a retried id is not written twice', async () => {
    await migrate(store.pool);
    const first = item('prod', 'ana', 'prod/api', '2026-01-01T10:00:00.000Z');
    const a = await appendToChain(store.pool, first);
    const b = await appendToChain(store.pool, item('staging', 'bo', 'staging/api', '2026-01-01T10:01:00.000Z'));
    const c = await appendToChain(store.pool, item('prod', 'bo', 'prod/worker', '2026-01-02T10:00:00.000Z'));
    expect([a.seq, b.seq, c.seq]).toEqual([1, 1, 2]);
    expect(c.prevHash).toBe(a.hash);
    // the reply to the first append was "lost": the retry returns the stored record, no new row
    expect(await appendToChain(store.pool, first)).toEqual(a);
    expect((await store.pool.query(`SELECT count(*)::int AS n FROM opsdeck.journal WHERE env = 'prod'`)).rows[0].n).toBe(2);

    // the same bytes and hash as the local journal writes for the same record at the same place
    const local = new AuditJournal(`${state.dir}/same.jsonl`);
    const l = await local.append(first.entry);
    expect(l).toEqual(a);

    expect(await verifyChain(store.pool, 'prod')).toEqual({ ok: true, count: 2 });
    expect(await verifyChain(store.pool, 'staging')).toEqual({ ok: true, count: 1 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the journal', async () => {
    await expect(store.pool.query(`UPDATE opsdeck.journal SET target = 'elsewhere'`)).rejects.toThrow('opsdeck.journal is append-only: UPDATE refused');
    await expect(store.pool.query(`DELETE FROM opsdeck.journal`)).rejects.toThrow('opsdeck.journal is append-only: DELETE refused');
    await expect(store.pool.query(`TRUNCATE opsdeck.journal`)).rejects.toThrow('opsdeck.journal is append-only: TRUNCATE refused');
    expect(await verifyChain(store.pool, 'prod')).toEqual({ ok: true, count: 2 });
  });

  it('verify names a record whose line was rewritten by someone who lifted the trigger', async () => {
    const other = await createTestDatabase(undefined, 'team');
    const s = openTeamStore(other.url);
    try {
      await migrate(s.pool);
      for (let i = 0; i < 3; i++) await appendToChain(s.pool, item('prod', 'ana', `prod/svc${i}`, `2026-01-0${i + 1}T00:00:00.000Z`));
      await s.pool.query('ALTER TABLE opsdeck.journal DISABLE TRIGGER journal_no_update_delete');
      await s.pool.query(`UPDATE opsdeck.journal SET line = replace(line, 'prod/svc1', 'prod/svcX') WHERE seq = 2`);
      const r = await verifyChain(s.pool, 'prod');
      expect(r).toMatchObject({ ok: false, firstBroken: 2 });
      expect(!r.ok && r.reason).toMatch(/altered/);
      await s.pool.query(`DELETE FROM opsdeck.journal WHERE seq = 2`);
      expect(await verifyChain(s.pool, 'prod')).toMatchObject({ ok: false, firstBroken: 2 });
    } finally {
      await s.close();
      await other.drop();
    }
  });

  it('filters by environment, operator, target and time the same in SQL as on the local journal', async () => {
    const all = await readChain(store.pool);
    expect(all.map((r) => r.target)).toEqual(['prod/api', 'staging/api', 'prod/worker']);
    const cases: [AuditFilter, string[]][] = [
      [{ environment: 'prod' }, ['prod/api', 'prod/worker']],
      [{ operator: 'bo' }, ['staging/api', 'prod/worker']],
      [{ operator: 'bo@h1' }, ['staging/api', 'prod/worker']],
      [{ operator: 'bo@h2' }, []],
      [{ target: 'api' }, ['prod/api', 'staging/api']],
      [{ target: 'prod/api' }, ['prod/api']],
      [{ target: 'pi' }, []],
      [{ since: new Date('2026-01-01T10:01:00Z') }, ['staging/api', 'prod/worker']],
      [{ until: new Date('2026-01-01T10:01:00Z') }, ['prod/api']],
      [{ environment: 'prod', operator: 'ana', since: new Date('2025-12-31T00:00:00Z') }, ['prod/api']],
    ];
    for (const [f, want] of cases) {
      expect((await readChain(store.pool, f)).map((r) => r.target), JSON.stringify(f)).toEqual(want);
      expect(all.filter((r) => matchesFilter(r, f)).map((r) => r.target), JSON.stringify(f)).toEqual(want);
    }
    expect((await readChain(store.pool, {}, 2)).map((r) => r.target)).toEqual(['staging/api', 'prod/worker']);
  });
});
