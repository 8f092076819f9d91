/**
 * The PostgresAdmin port on real servers. Two connections per database, kept
 * apart on purpose:
 *
 * - the backend is read through a read-only pool on postgres[].url (the
 *   monitoring role, which with pg_monitor sees every session's query);
 * - the signal goes through postgres[].admin, one short-lived connection per
 *   call, still read-only (pg_cancel_backend and pg_terminate_backend write
 *   nothing), so the admin role can do nothing else from opsdeck. The signal
 *   statement checks pg_postmaster_start_time() first: an admin URL that has
 *   come to reach another server (a failover, a typo) signals nobody.
 *
 * Both URLs' passwords are blanked out of every message.
 */
import pg from 'pg';
import type { PgAdminRole, PgBackend, PgSignal, PgSignalResult, PostgresAdmin } from '../../actions/postgres/context.js';
import { noAdminLine } from '../../actions/postgres/context.js';
import { APPLICATION_NAME, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, createReadOnlyPool, describeTarget, poolConfig, redact, urlProblem } from './connection.js';
import { errorMessage, oneLine } from '../../text/sanitize.js';
import { describePgError, type PgErrorContext } from './errors.js';
import type { PostgresConfig } from './source.js';

const QUERY_CHARS = 1_000;

const TS = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const SERVER = TS('pg_postmaster_start_time()');

/** One backend by pid: who, what, since when, whom it waits for and who waits for it. $1 pid, $2 query chars, $3 our application_name. */
export const BACKEND_SQL = `
SELECT a.pid,
       a.datname AS database,
       a.datname IS NOT DISTINCT FROM current_database() AS here,
       a.usename AS user_name,
       coalesce(r.rolsuper, false) AS superuser,
       a.application_name AS application,
       a.client_addr::text AS client,
       a.backend_type,
       a.state,
       ${TS('a.backend_start')} AS backend_start,
       ${TS('a.xact_start')} AS xact_start,
       ${TS('a.query_start')} AS query_start,
       greatest(0, extract(epoch FROM now() - a.query_start) * 1000)::float8 AS query_ms,
       greatest(0, extract(epoch FROM now() - a.xact_start) * 1000)::float8 AS xact_ms,
       CASE WHEN a.wait_event_type IS NULL THEN NULL ELSE a.wait_event_type || ':' || coalesce(a.wait_event, '?') END AS wait_event,
       left(a.query, $2) AS query,
       md5(a.query) AS query_hash,
       pg_blocking_pids(a.pid) AS blocked_by,
       ARRAY(SELECT b.pid FROM pg_stat_activity b
             WHERE b.wait_event_type = 'Lock' AND a.pid = ANY (pg_blocking_pids(b.pid))
             ORDER BY b.pid) AS blocking,
       (a.pid = pg_backend_pid() OR a.application_name = $3) AS own,
       ${SERVER} AS server
FROM pg_stat_activity a
LEFT JOIN pg_roles r ON r.oid = a.usesysid
WHERE a.pid = $1`;

export const ROLE_SQL = `
SELECT current_user AS role,
       r.rolsuper AS superuser,
       pg_has_role(current_user, 'pg_signal_backend', 'USAGE') AS signal_backend,
       ${SERVER} AS server
FROM pg_roles r WHERE r.rolname = current_user`;

/** The signal, only on the server the plan was read from. NULL: another server; false: no such backend. */
const signalSql = (how: PgSignal) => `SELECT CASE WHEN ${SERVER} = $2 THEN ${how === 'cancel' ? 'pg_cancel_backend' : 'pg_terminate_backend'}($1) END AS sent`;

interface BackendRow {
  pid: number;
  database: string | null;
  here: boolean;
  user_name: string | null;
  superuser: boolean;
  application: string | null;
  client: string | null;
  backend_type: string | null;
  state: string | null;
  backend_start: string | null;
  xact_start: string | null;
  query_start: string | null;
  query_ms: number | null;
  xact_ms: number | null;
  wait_event: string | null;
  query: string | null;
  query_hash: string | null;
  blocked_by: number[] | null;
  blocking: number[] | null;
  own: boolean;
  server: string;
}

const ms = (x: number | null) => (x === null ? null : Math.max(0, Math.round(x)));

export function backendFrom(r: BackendRow): PgBackend {
  return {
    pid: r.pid,
    database: r.database,
    here: r.here,
    user: r.user_name,
    superuser: r.superuser,
    application: r.application || null,
    client: r.client,
    backendType: r.backend_type,
    state: r.state,
    backendStart: r.backend_start,
    xactStart: r.xact_start,
    queryStart: r.query_start,
    queryMs: ms(r.query_ms),
    xactMs: ms(r.xact_ms),
    waitEvent: r.wait_event,
    query: r.query ?? '',
    queryHash: r.query_hash,
    blockedBy: [...(r.blocked_by ?? [])],
    blocking: [...(r.blocking ?? [])],
    own: r.own,
    server: r.server,
  };
}

interface Entry {
  name: string;
  url: string;
  admin: string | undefined;
  read: pg.Pool | undefined;
  readCtx: PgErrorContext;
  adminCtx: PgErrorContext | undefined;
}

export interface PostgresAdminOptions {
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export function createPostgresAdmin(configs: readonly PostgresConfig[], opts: PostgresAdminOptions = {}): PostgresAdmin {
  const statementTimeoutMs = opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const ctxOf = (name: string, url: string): PgErrorContext => ({ name, target: describeTarget(url), statementTimeoutMs, connectTimeoutMs });
  const entries = new Map<string, Entry>(
    configs.map((c) => [c.name, { name: c.name, url: c.url, admin: c.admin, read: undefined, readCtx: ctxOf(c.name, c.url), adminCtx: c.admin ? ctxOf(`${c.name} (admin)`, c.admin) : undefined }]),
  );
  let closed = false;

  const entryOf = (database: string): Entry => {
    if (closed) throw new Error('the PostgreSQL admin is closed');
    const e = entries.get(database);
    if (!e) throw new Error(`no postgres entry "${database}" in the config`);
    return e;
  };

  /** One line with both URLs' secrets blanked; a refused signal names the privilege the admin role lacks. */
  const failure = (err: unknown, ctx: PgErrorContext, e: Entry): Error => {
    const secrets = [...e.readCtx.target.secrets, ...(e.adminCtx?.target.secrets ?? [])];
    const code = (err as { code?: unknown } | null)?.code;
    if (code === '42501' && ctx === e.adminCtx) {
      return new Error(oneLine(redact(`${ctx.name}: ${errorMessage(err)} (the admin role needs pg_signal_backend, or superuser to signal a superuser's session)`, secrets)), { cause: err });
    }
    return new Error(describePgError(err, { ...ctx, target: { ...ctx.target, secrets } }), { cause: err });
  };

  async function withAdmin<T>(e: Entry, work: (c: pg.Client) => Promise<T>): Promise<T> {
    if (!e.admin || !e.adminCtx) throw new Error(noAdminLine(e.name));
    const bad = urlProblem(e.admin);
    if (bad) throw new Error(`${e.name}: the admin ${bad} (check postgres[].admin in the config)`);
    const client = new pg.Client(poolConfig(e.admin, { statementTimeoutMs, connectTimeoutMs }));
    client.on('error', () => {});
    try {
      await client.connect();
      return await work(client);
    } catch (err) {
      throw failure(err, e.adminCtx, e);
    } finally {
      await client.end().catch(() => {});
    }
  }

  return {
    databases: () => [...entries.values()].map((e) => ({ name: e.name, admin: e.admin !== undefined })),

    async backend(database, pid, signal) {
      const e = entryOf(database);
      const bad = urlProblem(e.url);
      if (bad) throw new Error(`${e.name}: ${bad} (check postgres[].url in the config)`);
      if (signal.aborted) throw signal.reason;
      e.read ??= createReadOnlyPool(e.url, { statementTimeoutMs, connectTimeoutMs });
      try {
        const rows = (await e.read.query<BackendRow>(BACKEND_SQL, [pid, QUERY_CHARS, APPLICATION_NAME])).rows;
        return rows[0] ? backendFrom(rows[0]) : undefined;
      } catch (err) {
        throw failure(err, e.readCtx, e);
      }
    },

    async adminRole(database, signal): Promise<PgAdminRole> {
      const e = entryOf(database);
      if (signal.aborted) throw signal.reason;
      return withAdmin(e, async (c) => {
        const r = (await c.query<{ role: string; superuser: boolean; signal_backend: boolean; server: string }>(ROLE_SQL)).rows[0];
        if (!r) throw new Error('the server returned no row for the admin role');
        return { role: r.role, superuser: r.superuser, signalBackend: r.signal_backend, server: r.server };
      });
    },

    async signal(database, pid, how, server, signal): Promise<PgSignalResult> {
      const e = entryOf(database);
      if (signal.aborted) throw signal.reason;
      return withAdmin(e, async (c) => {
        const sent = (await c.query<{ sent: boolean | null }>(signalSql(how), [pid, server])).rows[0]?.sent;
        return sent === null || sent === undefined ? 'other-server' : sent ? 'sent' : 'no-backend';
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...entries.values()].map((e) => e.read?.end().catch(() => {})));
    },
  };
}
