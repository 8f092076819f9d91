/**
 * The team store's connection: one small pool per process, every query
 * bounded (connect timeout, server-side statement_timeout and a client-side
 * limit for a server that vanished without a reset), so that an action never
 * waits on a store that does not answer: the journal falls back to the local
 * spool instead (see journal.ts).
 */
import pg from 'pg';
import { describeTarget, redact as blank } from '../sources/postgres/connection.js';
import { rememberSecret, urlPassword } from '../text/redact.js';
import { errorMessage } from '../text/sanitize.js';

export interface TeamStoreOptions {
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** connections in the pool (default 3: an append, a lock renewal and a read at once) */
  max?: number;
}

export const TEAM_CONNECT_TIMEOUT_MS = 3_000;
export const TEAM_STATEMENT_TIMEOUT_MS = 5_000;

export interface TeamStore {
  pool: pg.Pool;
  /** host:port, for messages; never the URL (it carries the password) */
  where: string;
  /** an error's text with the URL and its password blanked out */
  describe(err: unknown): string;
  close(): Promise<void>;
}

export function openTeamStore(url: string, opts: TeamStoreOptions = {}): TeamStore {
  const target = describeTarget(url);
  // whatever path an error takes to the screen or a file, the password is masked there too
  rememberSecret(urlPassword(url));
  const statementTimeoutMs = opts.statementTimeoutMs ?? TEAM_STATEMENT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    application_name: 'opsdeck team',
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 2_000,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? TEAM_CONNECT_TIMEOUT_MS,
    max: opts.max ?? 3,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    allowExitOnIdle: true,
  });
  // an idle connection dies with its server; the next query reports the outage itself
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  let closed: Promise<void> | undefined;
  return {
    pool,
    where: target.where,
    describe: (err) => blank(errorMessage(err), target.secrets),
    close: () => (closed ??= pool.end().catch(() => {})),
  };
}

/** Runs `fn` in one transaction on one connection; rolls back on any failure. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    // a connection whose rollback failed is not given to the next caller
    client.release(broken);
  }
}
