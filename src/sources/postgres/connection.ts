/**
 * The monitoring connection to one database. Every setting that keeps it
 * harmless travels in the startup packet, so there is no moment in which a
 * fresh connection is writable or unbounded: read-only by default, a short
 * statement_timeout, and an application_name by which the source recognises
 * (and leaves out) its own sessions in pg_stat_activity.
 */
import { userInfo } from 'node:os';
import pg from 'pg';
import { urlProblem as checkUrl } from '../../config/urls.js';

export const APPLICATION_NAME = 'opsdeck';

export interface PgConnectionOptions {
  /** server-side statement_timeout of every query, ms (default 3000) */
  statementTimeoutMs?: number;
  /** how long to wait for a connection, ms (default 5000) */
  connectTimeoutMs?: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 3_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** Where a URL points, fit for an error line, and the strings that must never appear in one. */
export interface PgTarget {
  /** host:port, or the socket directory */
  where: string;
  /** the URL itself and its password, to be blanked out of messages */
  secrets: string[];
}

export function describeTarget(url: string): PgTarget {
  const secrets = [url];
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { where: 'the configured server', secrets };
  }
  if (u.password) {
    secrets.push(u.password);
    try {
      secrets.push(decodeURIComponent(u.password));
    } catch {
      // a malformed escape: the raw form is already listed
    }
  }
  const host = u.searchParams.get('host') ?? decoded(u.hostname);
  const port = u.searchParams.get('port') ?? (u.port || '5432');
  if (host.startsWith('/')) return { where: host, secrets };
  return { where: `${host || 'localhost'}:${port}`, secrets };
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Why the URL cannot be used, or undefined. pg would read "db.internal/app"
 * as a path relative to a host named "base" and fail obscurely later.
 */
export function urlProblem(url: string): string | undefined {
  if (url.startsWith('socket:')) return undefined;
  const problem = checkUrl(url, 'postgres');
  return problem ? `the url ${problem}` : undefined;
}

/** Blanks the URL and its password out of a message. Very short passwords are left alone: blanking "pw" would mangle every word. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length >= 4) out = out.split(s).join('***');
  }
  return out;
}

// Keys a URL may carry that would override ours: pg lets the connection string win over the config.
const OURS = ['application_name', 'fallback_application_name', 'statement_timeout', 'options'];

/** The URL without the parameters we set, and the user's own `options` so ours can be appended. */
function stripOurKeys(url: string): { connectionString: string; userOptions: string | undefined } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { connectionString: url, userOptions: undefined };
  }
  if (!OURS.some((k) => u.searchParams.has(k))) return { connectionString: url, userOptions: undefined };
  const userOptions = u.searchParams.get('options') ?? undefined;
  for (const k of OURS) u.searchParams.delete(k);
  return { connectionString: u.toString(), userOptions };
}

function urlUser(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username);
  } catch {
    return '';
  }
}

function withUser(url: string, user: string | undefined): string {
  if (!user) return url;
  try {
    const u = new URL(url);
    u.username = encodeURIComponent(user);
    return u.toString();
  } catch {
    return url;
  }
}

function osUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

export function poolConfig(url: string, opts: PgConnectionOptions = {}): pg.PoolConfig {
  const statementTimeoutMs = opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const stripped = stripOurKeys(url);
  const { userOptions } = stripped;
  // Like libpq, no user in the URL (nor PGUSER) means the OS user; pg would send none.
  const connectionString = urlUser(stripped.connectionString) || process.env.PGUSER ? stripped.connectionString : withUser(stripped.connectionString, osUserName());
  // Later -c settings win, so a URL's own options cannot turn read-only off.
  const options = [userOptions, '-c default_transaction_read_only=on'].filter(Boolean).join(' ');
  return {
    connectionString,
    application_name: APPLICATION_NAME,
    statement_timeout: statementTimeoutMs,
    // A server that vanished without a RST never answers, and statement_timeout
    // cannot fire there; this client-side limit makes sure a read still ends.
    query_timeout: statementTimeoutMs + 2_000,
    options,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    max: 2,
    idleTimeoutMillis: 60_000,
    keepAlive: true,
    allowExitOnIdle: true,
  };
}

/** A small pool whose every connection is read-only and time-bounded. */
export function createReadOnlyPool(url: string, opts: PgConnectionOptions = {}): pg.Pool {
  const pool = new pg.Pool(poolConfig(url, opts));
  // An idle connection dies with its server (restart, failover). Without a
  // listener that 'error' would crash the process; the pool drops the client
  // and the next read reports the outage in its own words.
  pool.on('error', () => {});
  // A connection that dies while checked out fails its query (which the read
  // reports) and also emits 'error', which the pool only listens to while the
  // connection is idle: this listener keeps that second copy from crashing us.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
