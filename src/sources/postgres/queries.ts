/**
 * What the Postgres panel shows, as SQL a DBA would type during an incident,
 * and the mapping of its rows onto PgHealth.
 *
 * Scope: connections are counted across the whole server, because that is
 * what max_connections limits. Sessions (long, idle in transaction, blocked)
 * are those of the configured database: a lock chain never crosses databases,
 * and a pid from another database is not one this entry's owner can act on.
 */
import type { PgBlocked, PgSession } from '../../model/postgres.js';

export const ROUND_TRIP_SQL = 'SELECT 1';

/** Server facts: limits, size, and replication lag seen from either end. */
export const FACTS_SQL = `
SELECT current_setting('max_connections')::int AS max_connections,
       current_setting('server_version_num')::int AS version,
       pg_database_size(current_database())::float8 AS size_bytes,
       CASE
         WHEN pg_is_in_recovery() THEN
           -- a standby that has replayed all it received is not behind, however idle the primary is
           CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000 END
         ELSE (SELECT CASE WHEN count(r.state) = 0 THEN NULL
                           ELSE coalesce(extract(epoch FROM max(r.replay_lag)) * 1000, 0) END
               FROM pg_stat_replication r)
       END::float8 AS lag_ms`;

export const STATES_SQL = `
SELECT coalesce(state, 'unknown') AS state, count(*)::int AS n
FROM pg_stat_activity
WHERE backend_type = 'client backend'
GROUP BY 1`;

/**
 * Sessions worth a row: idle in a transaction, waiting on a lock, or active
 * for at least $3 ms. $1 bounds the query text, $2 is our application_name.
 * PostgreSQL 14 records when a lock wait began; before that the statement's
 * start is the best bound on the wait.
 */
export function sessionsSql(serverVersion: number): string {
  const waitStart = serverVersion >= 140000 ? 'coalesce(w.wait_start, a.query_start)' : 'a.query_start';
  const waits =
    serverVersion >= 140000
      ? `LEFT JOIN (SELECT pid, min(waitstart) AS wait_start FROM pg_locks WHERE NOT granted GROUP BY pid) w ON w.pid = a.pid`
      : '';
  return `
SELECT a.pid,
       a.usename AS user_name,
       a.state,
       greatest(0, extract(epoch FROM now() - a.query_start) * 1000)::float8 AS query_ms,
       greatest(0, extract(epoch FROM now() - a.xact_start) * 1000)::float8 AS xact_ms,
       greatest(0, extract(epoch FROM now() - ${waitStart}) * 1000)::float8 AS wait_ms,
       left(a.query, $1) AS query,
       CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) ELSE '{}'::int[] END AS blocked_by
FROM pg_stat_activity a ${waits}
WHERE a.datname = current_database()
  AND a.backend_type = 'client backend'
  AND a.pid <> pg_backend_pid()
  AND a.application_name IS DISTINCT FROM $2
  AND (a.state LIKE 'idle in transaction%'
       OR (a.state = 'active' AND (a.wait_event_type = 'Lock' OR now() - a.query_start >= $3 * interval '1 millisecond')))
ORDER BY coalesce(a.xact_start, a.query_start)
LIMIT 500`;
}

export interface FactsRow {
  max_connections: number;
  version: number;
  size_bytes: number | null;
  lag_ms: number | null;
}

export interface StateRow {
  state: string;
  n: number;
}

export interface SessionRow {
  pid: number;
  user_name: string | null;
  state: string | null;
  query_ms: number | null;
  xact_ms: number | null;
  wait_ms: number | null;
  query: string | null;
  blocked_by: number[] | null;
}

interface SessionLists {
  longQueries: PgSession[];
  idleInTransaction: PgSession[];
  blocked: PgBlocked[];
}

export function connectionsFrom(rows: StateRow[], max: number): { total: number; max: number; byState: Record<string, number> } {
  const byState: Record<string, number> = {};
  let total = 0;
  for (const r of rows) {
    byState[r.state] = (byState[r.state] ?? 0) + r.n;
    total += r.n;
  }
  return { total, max, byState };
}

const ms = (x: number | null) => Math.max(0, Math.round(x ?? 0));

function session(r: SessionRow, durationMs: number | null): PgSession {
  return { pid: r.pid, user: r.user_name, state: r.state, durationMs: ms(durationMs), query: r.query ?? '' };
}

const longestFirst = <T extends PgSession>(xs: T[], limit: number) => xs.sort((a, b) => b.durationMs - a.durationMs).slice(0, limit);

/**
 * Sorts rows into the three lists, longest first, at most `limit` each. A
 * blocked statement is also an active one, so a long wait shows in both lists,
 * as pg_stat_activity itself would show it.
 */
export function sessionsFrom(rows: SessionRow[], longQueryMs: number, limit: number): SessionLists {
  const longQueries: PgSession[] = [];
  const idleInTransaction: PgSession[] = [];
  const blocked: PgBlocked[] = [];
  for (const r of rows) {
    if (r.state?.startsWith('idle in transaction')) {
      // how long the transaction has been open: that is how long its locks are held
      idleInTransaction.push(session(r, r.xact_ms));
      continue;
    }
    if (r.state !== 'active') continue;
    if (r.blocked_by && r.blocked_by.length > 0) blocked.push({ ...session(r, r.wait_ms), blockedBy: [...r.blocked_by] });
    if ((r.query_ms ?? 0) >= longQueryMs) longQueries.push(session(r, r.query_ms));
  }
  return {
    longQueries: longestFirst(longQueries, limit),
    idleInTransaction: longestFirst(idleInTransaction, limit),
    blocked: longestFirst(blocked, limit),
  };
}
