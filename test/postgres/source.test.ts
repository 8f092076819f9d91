// The PostgreSQL source against the shared local server, in a database of its own.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type pg from 'pg';
import { createPostgresSource, createReadOnlyPool, type PgSourceHandle } from '../../src/sources/postgres/index.js';
import { freePort } from '../support/moto.js';
import { createTestDatabase, type TestDatabase } from './helpers.js';

const signal = () => new AbortController().signal;

let db: TestDatabase;
let source: PgSourceHandle;

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'src');
  const setup = await db.client();
  await setup.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)');
  await setup.query('INSERT INTO accounts VALUES (1, 100), (2, 200)');
  source = createPostgresSource([{ name: 'primary', url: db.url }], { longQueryMs: 200 });
});

afterAll(async () => {
  await source?.close();
  await db?.drop();
});

async function primary() {
  const snap = await source.read(signal());
  expect(snap.errors).toEqual([]);
  expect(snap.databases.map((d) => d.name)).toEqual(['primary']);
  return snap.databases[0]!;
}

describe('PostgreSQL source on the local server', () => {
  it('reads round trip, connections against max_connections, size and no replica', async () => {
    const check = await db.client();
    const max = Number((await check.query('SHOW max_connections')).rows[0].max_connections);
    const size = Number((await check.query('SELECT pg_database_size(current_database()) AS s')).rows[0].s);
    const d = await primary();
    expect(d.rttMs).toBeGreaterThan(0);
    expect(d.connections.max).toBe(max);
    expect(d.connections.total).toBe(Object.values(d.connections.byState).reduce((a, b) => a + b, 0));
    // at least this test's client (idle) and the source's own connection (active while it counts)
    expect(d.connections.byState.idle ?? 0).toBeGreaterThanOrEqual(1);
    expect(d.connections.byState.active ?? 0).toBeGreaterThanOrEqual(1);
    expect(d.databaseSizeBytes).toBeGreaterThan(size * 0.5);
    expect(d.replicationLagMs).toBeNull();
  });

  it('shows a real lock chain: the blocked UPDATE, its blocker, and a growing wait', async () => {
    const holder = await db.client('holder');
    const waiter = await db.client('waiter');
    const holderPid: number = (await holder.query('SELECT pg_backend_pid() AS p')).rows[0].p;
    const waiterPid: number = (await waiter.query('SELECT pg_backend_pid() AS p')).rows[0].p;
    await holder.query('BEGIN');
    await holder.query('UPDATE accounts SET balance = balance - 10 WHERE id = 1');
    const blockedUpdate = waiter.query('UPDATE accounts SET balance = balance + 10 WHERE id = 1');

    const first = await vi.waitFor(async () => {
      const b = (await primary()).blocked.find((x) => x.pid === waiterPid);
      expect(b, 'the blocked UPDATE').toBeDefined();
      return b!;
    }, { timeout: 5_000 });
    expect(first.blockedBy).toEqual([holderPid]);
    expect(first.state).toBe('active');
    expect(first.query).toContain('UPDATE accounts SET balance = balance + 10');
    expect(first.user).toBe('postgres');

    const d = await primary();
    const idle = d.idleInTransaction.find((s) => s.pid === holderPid);
    expect(idle).toMatchObject({ state: 'idle in transaction' });
    expect(idle!.query).toContain('balance - 10');
    expect(d.connections.byState['idle in transaction']).toBeGreaterThanOrEqual(1);

    const later = await vi.waitFor(async () => {
      const b = (await primary()).blocked.find((x) => x.pid === waiterPid);
      expect(b?.durationMs, 'a longer wait').toBeGreaterThan(first.durationMs);
      return b!;
    }, { timeout: 5_000 });
    expect(later.blockedBy).toEqual([holderPid]);

    await holder.query('ROLLBACK');
    await blockedUpdate;
    const after = await primary();
    expect(after.blocked.filter((b) => b.pid === waiterPid)).toEqual([]);
    expect(after.idleInTransaction.filter((s) => s.pid === holderPid)).toEqual([]);
  });

  it('lists long active queries but never its own', async () => {
    const sleeper = await db.client('report');
    const pid: number = (await sleeper.query('SELECT pg_backend_pid() AS p')).rows[0].p;
    const sleeping = sleeper.query('SELECT pg_sleep(30) AS long_report').catch((e: Error) => e);
    const long = await vi.waitFor(async () => {
      const s = (await primary()).longQueries.find((x) => x.pid === pid);
      expect(s, 'the long query').toBeDefined();
      return s!;
    }, { timeout: 5_000 });
    expect(long.durationMs).toBeGreaterThanOrEqual(200);
    expect(long.query).toContain('long_report');
    const cancel = await db.client();
    await cancel.query('SELECT pg_cancel_backend($1)', [pid]);
    expect(await sleeping).toBeInstanceOf(Error);
  });

  it('leaves out opsdeck sessions (its own and other consoles\') but not others', async () => {
    const other = await db.client('other-console');
    const console2 = await db.client('opsdeck');
    const pids = await Promise.all([other, console2].map(async (c) => (await c.query('SELECT pg_backend_pid() AS p')).rows[0].p as number));
    for (const c of [other, console2]) await c.query('BEGIN; SELECT 1');
    try {
      const s = createPostgresSource([{ name: 'p', url: db.url }], { longQueryMs: 0 });
      const d = (await s.read(signal())).databases[0]!;
      await s.close();
      const listed = [...d.idleInTransaction, ...d.longQueries].map((x) => x.pid);
      expect(listed).toContain(pids[0]);
      expect(listed).not.toContain(pids[1]);
      expect([...d.longQueries, ...d.idleInTransaction].some((x) => x.query.includes('pg_stat_activity'))).toBe(false);
    } finally {
      for (const c of [other, console2]) await c.query('ROLLBACK');
    }
  });

  it('bounds query text', async () => {
    const s = createPostgresSource([{ name: 'p', url: db.url }], { queryChars: 40 });
    const c = await db.client('bulky');
    const pid: number = (await c.query('SELECT pg_backend_pid() AS p')).rows[0].p;
    await c.query('BEGIN');
    await c.query(`SELECT 1 AS ${'x'.repeat(60)}`);
    try {
      const snap = await s.read(signal());
      const idle = snap.databases[0]!.idleInTransaction.find((x) => x.pid === pid)!;
      expect(idle.query).toHaveLength(40);
    } finally {
      await c.query('ROLLBACK');
      await s.close();
    }
  });

  it('its connections are read-only, named opsdeck and time-bounded, whatever the URL says', async () => {
    const hostile = `${db.url}?application_name=sneaky&options=${encodeURIComponent('-c default_transaction_read_only=off')}`;
    const pool: pg.Pool = createReadOnlyPool(hostile, { statementTimeoutMs: 250 });
    try {
      const settings = (await pool.query(
        "SELECT current_setting('default_transaction_read_only') AS ro, current_setting('application_name') AS app, current_setting('statement_timeout') AS st",
      )).rows[0];
      expect(settings).toEqual({ ro: 'on', app: 'opsdeck', st: '250ms' });
      await expect(pool.query('UPDATE accounts SET balance = 0')).rejects.toMatchObject({ code: '25006' });
      await expect(pool.query('CREATE TABLE nope (id int)')).rejects.toMatchObject({ code: '25006' });
      await expect(pool.query('SELECT pg_sleep(10)')).rejects.toMatchObject({ code: '57014' });
    } finally {
      await pool.end();
    }
    const check = await db.client();
    expect((await check.query('SELECT count(*)::int AS n FROM accounts WHERE balance = 0')).rows[0].n).toBe(0);
    expect((await check.query("SELECT to_regclass('nope') AS t")).rows[0].t).toBeNull();
  });

  it('honours the statement timeout on its own reads', async () => {
    const s = createPostgresSource([{ name: 'primary', url: db.url }], { statementTimeoutMs: 300 });
    const locker = await db.client('locker');
    try {
      await s.read(signal()); // connected before the lock, so only the statement waits
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE pg_catalog.pg_stat_activity IN ACCESS EXCLUSIVE MODE');
      await expect(s.read(signal())).rejects.toThrow(/^primary: query timed out after 300 ms \(statement_timeout\)$/);
    } finally {
      await locker.query('ROLLBACK');
      await s.close();
    }
  });

  it('returns the databases that answer and names the one that does not, without its password', async () => {
    const port = await freePort();
    const s = createPostgresSource([
      { name: 'primary', url: db.url },
      { name: 'replica', url: `postgres://app:s3cret-pa55@127.0.0.1:${port}/app` },
    ]);
    try {
      const snap = await s.read(signal());
      expect(snap.databases.map((d) => d.name)).toEqual(['primary']);
      expect(snap.errors).toEqual([{ name: 'replica', error: `replica: cannot connect to 127.0.0.1:${port} (ECONNREFUSED)` }]);
    } finally {
      await s.close();
    }
  });

  it('rejects with one line when every database fails', async () => {
    const port = await freePort();
    const s = createPostgresSource([
      { name: 'gone', url: `postgres://app:s3cret-pa55@127.0.0.1:${port}/app` },
      { name: 'typo', url: `${db.url}_missing` },
    ]);
    try {
      const err: Error = await s.read(signal()).then(
        () => {
          throw new Error('expected a rejection');
        },
        (e: Error) => e,
      );
      expect(err.message).toBe(
        `gone: cannot connect to 127.0.0.1:${port} (ECONNREFUSED); typo: database "${db.name}_missing" does not exist (check the database name in the URL)`,
      );
      expect(err.message).not.toContain('s3cret');
      expect(err.message).not.toMatch(/\n|    at /);
    } finally {
      await s.close();
    }
  });

  it('stops waiting when the watcher aborts, and refuses reads once closed', async () => {
    const s = createPostgresSource([{ name: 'primary', url: db.url }]);
    const ctl = new AbortController();
    ctl.abort(new Error('watcher stopped'));
    await expect(s.read(ctl.signal)).rejects.toThrow('watcher stopped');
    await s.close();
    await expect(s.read(signal())).rejects.toThrow('closed');
  });

  it('reads nothing when nothing is configured', async () => {
    const s = createPostgresSource([]);
    expect(await s.read(signal())).toEqual({ databases: [], errors: [] });
    await s.close();
  });
});
