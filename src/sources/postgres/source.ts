/**
 * The PostgreSQL source: one small read-only pool per configured database,
 * read in parallel. A database that does not answer does not hide the ones
 * that do: they are returned, and the failed one is listed in `errors` with
 * its one-line reason. Only when every database fails does the read reject,
 * so the panel shows the outage instead of an empty table.
 */
import type pg from 'pg';
import type { EnvironmentConfig } from '../../config/schema.js';
import type { PgHealth, PostgresSnapshot } from '../../model/postgres.js';
import type { PostgresSource } from '../ports.js';
import {
  APPLICATION_NAME,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  createReadOnlyPool,
  describeTarget,
  type PgConnectionOptions,
  type PgTarget,
  urlProblem,
} from './connection.js';
import { PgReadError, describePgError, type PgErrorContext } from './errors.js';
import {
  FACTS_SQL,
  ROUND_TRIP_SQL,
  STATES_SQL,
  connectionsFrom,
  sessionsFrom,
  sessionsSql,
  type FactsRow,
  type SessionRow,
  type StateRow,
} from './queries.js';

export type PostgresConfig = EnvironmentConfig['postgres'][number];

export interface PostgresSourceOptions extends PgConnectionOptions {
  /** an active statement is "long" from this age on, ms (default 1000) */
  longQueryMs?: number;
  /** at most this many sessions per list (default 20) */
  maxSessions?: number;
  /** query text is cut to this many characters (default 500) */
  queryChars?: number;
}

/** A database that did not answer this read. */
export interface PgDatabaseError {
  name: string;
  /** one line, e.g. "replica: cannot connect to 10.0.0.7:5432 (ECONNREFUSED)" */
  error: string;
}

/** A PostgresSnapshot plus the databases that failed (proposed for the shared model). */
export interface PostgresReadout extends PostgresSnapshot {
  errors: PgDatabaseError[];
}

export interface PgSourceHandle extends PostgresSource {
  read(signal: AbortSignal): Promise<PostgresReadout>;
  /** ends every pool; later reads reject */
  close(): Promise<void>;
}

/** Rejects as soon as the signal aborts; the work itself runs on and is bounded by the timeouts. */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

interface Database {
  name: string;
  pool: pg.Pool;
  target: PgTarget;
  ctx: PgErrorContext;
  urlProblem: string | undefined;
}

export function createPostgresSource(configs: readonly PostgresConfig[], opts: PostgresSourceOptions = {}): PgSourceHandle {
  const statementTimeoutMs = opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const longQueryMs = opts.longQueryMs ?? 1_000;
  const maxSessions = opts.maxSessions ?? 20;
  const queryChars = opts.queryChars ?? 500;
  let closed = false;

  // Pools connect on first use, so building them costs no I/O.
  const databases: Database[] = configs.map((c) => {
    const target = describeTarget(c.url);
    return {
      name: c.name,
      pool: createReadOnlyPool(c.url, { statementTimeoutMs, connectTimeoutMs }),
      target,
      ctx: { name: c.name, target, statementTimeoutMs, connectTimeoutMs },
      urlProblem: urlProblem(c.url),
    };
  });

  async function readOne(db: Database): Promise<PgHealth> {
    if (db.urlProblem) throw new PgReadError(`${db.name}: ${db.urlProblem} (check postgres[].url in the config)`, db.name);
    let client: pg.PoolClient;
    try {
      client = await db.pool.connect();
    } catch (err) {
      throw new PgReadError(describePgError(err, db.ctx), db.name, err);
    }
    let failed = false;
    try {
      const t0 = performance.now();
      await client.query(ROUND_TRIP_SQL);
      const rttMs = Math.round((performance.now() - t0) * 10) / 10;
      const facts = (await client.query<FactsRow>(FACTS_SQL)).rows[0];
      if (!facts) throw new Error('the server returned no row for its settings');
      const states = (await client.query<StateRow>(STATES_SQL)).rows;
      const sessions = (await client.query<SessionRow>(sessionsSql(facts.version), [queryChars, APPLICATION_NAME, longQueryMs])).rows;
      return {
        name: db.name,
        rttMs,
        connections: connectionsFrom(states, facts.max_connections),
        ...sessionsFrom(sessions, longQueryMs, maxSessions),
        databaseSizeBytes: facts.size_bytes,
        replicationLagMs: facts.lag_ms === null ? null : Math.max(0, Math.round(facts.lag_ms)),
      };
    } catch (err) {
      failed = true;
      throw new PgReadError(describePgError(err, db.ctx), db.name, err);
    } finally {
      // After any failure the connection's state is unknown (a lost socket, a
      // late reply to a timed-out query): destroy it rather than reuse it.
      client.release(failed);
    }
  }

  return {
    async read(signal: AbortSignal): Promise<PostgresReadout> {
      if (closed) throw new Error('the PostgreSQL source is closed');
      const settled = await abortable(Promise.allSettled(databases.map(readOne)), signal);
      const out: PostgresReadout = { databases: [], errors: [] };
      settled.forEach((s, i) => {
        const db = databases[i]!;
        if (s.status === 'fulfilled') out.databases.push(s.value);
        else out.errors.push({ name: db.name, error: s.reason instanceof PgReadError ? s.reason.message : describePgError(s.reason, db.ctx) });
      });
      if (databases.length > 0 && out.databases.length === 0) {
        throw new PgReadError(out.errors.map((e) => e.error).join('; '), out.errors[0]?.name ?? '');
      }
      return out;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all(databases.map((d) => d.pool.end().catch(() => {})));
    },
  };
}
