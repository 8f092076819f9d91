// Conformance: the PostgreSQL panel's figures against what pg_stat_activity and
// pg_blocking_pids() say at the same moment, on a server under pgbench with a
// three-session lock chain. A private server, so no other test's sessions move
// the server-wide connection count between the two readings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { startPgServer, type PgServer } from '../support/pgServer.js';
import { APPLICATION_NAME, createPostgresSource, type PgSourceHandle } from '../../src/sources/postgres/index.js';
import type { PgHealth } from '../../src/model/postgres.js';

const run = promisify(execFile);
const DB = 'bench';
const PGBENCH_CLIENTS = 4;
const LONG_QUERY_MS = 300;
const OBSERVER = 'opsdeck-conformance';

let server: PgServer;
let pgbench: ChildProcess | undefined;
let source: PgSourceHandle;
const clients: pg.Client[] = [];

async function client(applicationName: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: server.url(DB), application_name: applicationName });
  c.on('error', () => {});
  await c.connect();
  clients.push(c);
  return c;
}

const pidOf = async (c: pg.Client): Promise<number> => (await c.query<{ p: number }>('SELECT pg_backend_pid() AS p')).rows[0]!.p;

function pgbenchArgs(...args: string[]): string[] {
  return ['-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', ...args, DB];
}

beforeAll(async () => {
  server = await startPgServer();
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  await run('pgbench', pgbenchArgs('-i', '-s', '1', '-q'), { timeout: 60_000 }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`pgbench -i failed (is pgbench, from postgresql-client, installed?): ${err.stderr || err.message}`);
  });
  source = createPostgresSource([{ name: 'bench', url: server.url(DB) }], { longQueryMs: LONG_QUERY_MS });
}, 120_000);

afterAll(async () => {
  pgbench?.kill('SIGTERM');
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  await source?.close();
  await server?.destroy();
});

/** What the panel shows, in a form both readings share. */
interface Figures {
  connections: { total: number; byState: Record<string, number> };
  idleInTransaction: number[];
  longQueries: number[];
  /** pid → the pids it waits on, as pg_blocking_pids() lists them */
  blocked: Record<number, number[]>;
}

/** Durations are compared by bracket, not equality: time moves between readings. */
interface Durations {
  idleInTransaction: Record<number, number>;
  longQueries: Record<number, number>;
  blocked: Record<number, number>;
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

function fromOpsdeck(d: PgHealth): { figures: Figures; durations: Durations } {
  const byPid = <T extends { pid: number }>(xs: T[], f: (x: T) => number) => Object.fromEntries(xs.map((x) => [x.pid, f(x)]));
  return {
    figures: {
      connections: { total: d.connections.total, byState: d.connections.byState },
      idleInTransaction: sorted(d.idleInTransaction.map((s) => s.pid)),
      longQueries: sorted(d.longQueries.map((s) => s.pid)),
      blocked: Object.fromEntries(d.blocked.map((b) => [b.pid, sorted(b.blockedBy)])),
    },
    durations: { idleInTransaction: byPid(d.idleInTransaction, (s) => s.durationMs), longQueries: byPid(d.longQueries, (s) => s.durationMs), blocked: byPid(d.blocked, (s) => s.durationMs) },
  };
}

/**
 * The same figures asked of PostgreSQL directly, in one transaction so every
 * part sees the same snapshot of pg_stat_activity. Sessions are those of the
 * bench database other than the readers themselves: the observer's own
 * backend and opsdeck's (which are not sessions anyone is waiting on).
 * Connections are server-wide client backends, as max_connections counts
 * them: the observer sees itself active and opsdeck's connection idle, as
 * opsdeck sees itself active and the observer idle, so the counts by state
 * of one unchanged server are the same from either side.
 */
async function direct(observer: pg.Client): Promise<{ figures: Figures; durations: Durations; readers: { state: string | null; application_name: string }[] }> {
  await observer.query('BEGIN');
  try {
    const states = (await observer.query<{ state: string; n: number }>(`SELECT coalesce(state, 'unknown') AS state, count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' GROUP BY 1`)).rows;
    const sessions = (
      await observer.query<{ pid: number; state: string | null; query_ms: number; xact_ms: number; wait_ms: number; waiting: boolean; blockers: number[] }>(
        `SELECT pid, state,
                extract(epoch FROM now() - query_start) * 1000 AS query_ms,
                extract(epoch FROM now() - xact_start) * 1000 AS xact_ms,
                extract(epoch FROM now() - coalesce((SELECT min(waitstart) FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted), query_start)) * 1000 AS wait_ms,
                wait_event_type = 'Lock' AS waiting,
                pg_blocking_pids(pid) AS blockers
         FROM pg_stat_activity a
         WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name <> $2`,
        [DB, APPLICATION_NAME],
      )
    ).rows;
    const readers = (await observer.query<{ state: string | null; application_name: string }>(
      `SELECT state, application_name FROM pg_stat_activity WHERE datname = $1 AND (pid = pg_backend_pid() OR application_name = $2) ORDER BY application_name`,
      [DB, APPLICATION_NAME],
    )).rows;
    const byState: Record<string, number> = {};
    for (const r of states) byState[r.state] = r.n;
    const idle = sessions.filter((s) => s.state?.startsWith('idle in transaction'));
    const active = sessions.filter((s) => s.state === 'active');
    const long = active.filter((s) => s.query_ms >= LONG_QUERY_MS);
    const blocked = active.filter((s) => s.waiting && s.blockers.length > 0);
    const ms = (x: number) => Math.max(0, Math.round(x));
    return {
      figures: {
        connections: { total: states.reduce((a, r) => a + r.n, 0), byState },
        idleInTransaction: sorted(idle.map((s) => s.pid)),
        longQueries: sorted(long.map((s) => s.pid)),
        blocked: Object.fromEntries(blocked.map((s) => [s.pid, sorted(s.blockers)])),
      },
      durations: {
        idleInTransaction: Object.fromEntries(idle.map((s) => [s.pid, ms(s.xact_ms)])),
        longQueries: Object.fromEntries(long.map((s) => [s.pid, ms(s.query_ms)])),
        blocked: Object.fromEntries(blocked.map((s) => [s.pid, ms(s.wait_ms)])),
      },
      readers,
    };
  } finally {
    await observer.query('COMMIT');
  }
}

const show = (x: unknown) => JSON.stringify(x);

describe('PostgreSQL conformance under pgbench with a lock chain', () => {
  it('connections, states, long, idle-in-transaction and blocked queries equal pg_stat_activity and pg_blocking_pids()', async () => {
    const observer = await client(OBSERVER);
    // a bounded load first, so the chain forms on a server that is working
    pgbench = spawn('pgbench', pgbenchArgs('-n', '-c', String(PGBENCH_CLIENTS), '-j', '1', '-T', '60'), { stdio: 'ignore' });
    await expect.poll(async () => Number((await observer.query('SELECT count(*) AS n FROM pgbench_history')).rows[0].n) > 20, { timeout: 20_000, message: 'pgbench transactions' }).toBeTruthy();

    // A holds the row lock of a chain table, and of the one branch every pgbench transaction updates: the load freezes behind it
    await observer.query('CREATE TABLE chain (id int PRIMARY KEY, v int NOT NULL)');
    await observer.query('INSERT INTO chain VALUES (1, 0)');
    const [a, b, c] = [await client('chain-a'), await client('chain-b'), await client('chain-c')];
    const [pa, pb, pc] = [await pidOf(a), await pidOf(b), await pidOf(c)];
    await a.query('BEGIN');
    await a.query('SELECT v FROM chain WHERE id = 1 FOR UPDATE');
    await a.query('SELECT bid FROM pgbench_branches WHERE bid = 1 FOR UPDATE');
    const waitingOn = async (pid: number) => (await observer.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = $2', [pid, 'Lock'])).rowCount === 1;
    const bDone = b.query('UPDATE chain SET v = v + 1 WHERE id = 1').catch(() => {});
    await expect.poll(() => waitingOn(pb), { message: 'B waiting on A' }).toBeTruthy();
    const cDone = c.query('UPDATE chain SET v = v + 2 WHERE id = 1').catch(() => {});
    await expect.poll(() => waitingOn(pc), { message: 'C waiting on B' }).toBeTruthy();
    // frozen: every pgbench client waits on a lock, and has for longer than a "long" query
    await expect.poll(async () => (await observer.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'pgbench' AND wait_event_type = 'Lock' AND now() - query_start > $2 * interval '1 millisecond'`,
        [DB, 2 * LONG_QUERY_MS],
      )).rows[0].n === PGBENCH_CLIENTS,
      { timeout: 20_000, message: 'every pgbench client blocked' }).toBeTruthy();
    // the source's connection exists and is idle before the comparison starts
    await source.read(new AbortController().signal);

    let attempt: { before: Awaited<ReturnType<typeof direct>>; ours: ReturnType<typeof fromOpsdeck>; after: Awaited<ReturnType<typeof direct>> } | undefined;
    for (let i = 0; i < 20 && !attempt; i++) {
      const before = await direct(observer);
      const read = await source.read(new AbortController().signal);
      const after = await direct(observer);
      expect(read.errors).toEqual([]);
      const ours = fromOpsdeck(read.databases[0]!);
      // both direct readings agree: nothing moved while opsdeck read, so its reading is of the same moment
      if (show(before.figures) === show(after.figures)) attempt = { before, ours, after };
    }
    if (!attempt) throw new Error('the server never held still for two direct readings in a row; cannot compare');
    const { before, ours, after } = attempt;

    // the setup is what the test claims: A ← B ← C, and only A idle in a transaction
    expect(before.figures.blocked[pb], `pg_blocking_pids(B) ${show(before.figures.blocked)}`).toEqual([pa]);
    expect(before.figures.blocked[pc], `pg_blocking_pids(C) ${show(before.figures.blocked)}`).toEqual([pb]);
    expect(before.figures.idleInTransaction).toEqual([pa]);
    expect(Object.keys(before.figures.blocked).length).toBe(2 + PGBENCH_CLIENTS);
    expect(before.readers, 'the observer active and opsdeck idle during the direct reading').toEqual([
      { state: 'idle', application_name: APPLICATION_NAME },
      { state: 'active', application_name: OBSERVER },
    ]);

    const both = `\n  opsdeck:          ${show(ours.figures)}\n  pg_stat_activity: ${show(before.figures)}`;
    expect(ours.figures.connections, `connections${both}`).toEqual(before.figures.connections);
    expect(ours.figures.idleInTransaction, `idle in transaction${both}`).toEqual(before.figures.idleInTransaction);
    expect(ours.figures.longQueries, `long queries${both}`).toEqual(before.figures.longQueries);
    expect(ours.figures.blocked, `blocked queries and their blockers${both}`).toEqual(before.figures.blocked);
    const max = Number((await observer.query('SHOW max_connections')).rows[0].max_connections);
    const d = (await source.read(new AbortController().signal)).databases[0]!;
    expect(d.connections.max, `max_connections: opsdeck ${d.connections.max}, SHOW ${max}`).toBe(max);

    // each duration lies between the two direct readings taken around it
    for (const list of ['idleInTransaction', 'longQueries', 'blocked'] as const) {
      for (const [pid, value] of Object.entries(ours.durations[list])) {
        const lo = before.durations[list][Number(pid)]!;
        const hi = after.durations[list][Number(pid)]!;
        expect(value >= lo - 1 && value <= hi + 1, `${list} duration of pid ${pid}: opsdeck ${value} ms, pg_stat_activity ${lo}..${hi} ms`).toBe(true);
      }
    }

    await a.query('ROLLBACK');
    await Promise.all([bDone, cDone]);
  }, 90_000);
});
