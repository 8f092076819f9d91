/**
 * The drill's SQL: one read-only session per database (the restored copy and
 * production), opened with `pg`. Read-only is set by the session itself and
 * then read back, because a server may ignore startup options (PGlite does),
 * and production must never see a write from a drill. Every statement goes
 * through the extended protocol, so a configured assertion is exactly one
 * statement: "select true; drop table users" is refused by the server.
 */
import pg from 'pg';
import { errorMessage, oneLine } from '../text/sanitize.js';

export interface ConnectionTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  /** TLS (RDS); the sandbox's local servers speak plain TCP */
  ssl: boolean;
}

export interface SessionOptions {
  /** a COUNT(*) of a big production table takes minutes; it is bounded all the same */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export type TableRows = { found: false } | { found: true; name: string; rows: number };

export interface DrillSession {
  /** host:port/database, for messages */
  readonly where: string;
  /** the exact row count; found false when no such table (or view) exists */
  tableRows(table: string): Promise<TableRows>;
  /** the rows an assertion returned, each as an array of its column values */
  query(sql: string): Promise<{ rows: unknown[][]; columns: number }>;
  close(): Promise<void>;
}

export const STATEMENT_TIMEOUT_MS = 10 * 60_000;
const CONNECT_TIMEOUT_MS = 15_000;
// a count waits at most this long behind a migration's exclusive lock, then says so
const LOCK_TIMEOUT = '5s';

export const whereOf = (t: ConnectionTarget) => `${t.host}:${t.port}/${t.database}`;

export async function openSession(target: ConnectionTarget, signal: AbortSignal, opts: SessionOptions = {}): Promise<DrillSession> {
  const where = whereOf(target);
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    ...(target.password !== undefined ? { password: target.password } : {}),
    ssl: target.ssl ? { rejectUnauthorized: true } : false,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    application_name: 'opsdeck backup drill',
  });
  client.on('error', () => undefined);
  const onAbort = () => void client.end().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  const fail = (err: unknown): never => {
    if (signal.aborted) throw signal.reason ?? new Error('interrupted');
    throw new Error(sqlProblem(err, where));
  };
  const run = (text: string, values?: unknown[]) => client.query({ text, ...(values ? { values } : {}), queryMode: 'extended', rowMode: 'array' } as pg.QueryConfig).catch(fail);
  try {
    signal.throwIfAborted();
    await client.connect().catch(fail);
    await run('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
    await run(`SET statement_timeout = ${Math.round(opts.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS)}`);
    await run(`SET lock_timeout = '${LOCK_TIMEOUT}'`);
    const ro = await run('SHOW transaction_read_only');
    if (ro.rows[0]?.[0] !== 'on') throw new Error(`${where} did not make the session read-only; the drill does not go on`);
  } catch (err) {
    signal.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    where,
    async tableRows(table) {
      // the server parses the name (schema-qualified, quoted…) and gives it back quoted as needed
      const reg = await run('SELECT to_regclass($1)::text', [table]);
      const name = reg.rows[0]?.[0];
      if (typeof name !== 'string') return { found: false };
      const count = await run(`SELECT count(*) FROM ${name}`);
      return { found: true, name, rows: Number(count.rows[0]?.[0]) };
    },
    async query(sql) {
      const res = await run(sql);
      return { rows: res.rows as unknown[][], columns: res.fields.length };
    },
    async close() {
      signal.removeEventListener('abort', onAbort);
      await client.end().catch(() => undefined);
    },
  };
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'nothing listens at',
  ECONNRESET: 'the connection was reset by',
  ETIMEDOUT: 'no answer from',
  EHOSTUNREACH: 'no route to',
  ENETUNREACH: 'no route to',
  ENOTFOUND: 'cannot resolve the host of',
  EAI_AGAIN: 'cannot resolve the host of',
};

/** A failed connection or statement as one line naming where, and what to check when that is clear. */
export function sqlProblem(err: unknown, where: string): string {
  const code = codeOf(err);
  const message = errorMessage(err);
  if (code && UNREACHABLE[code]) return `${UNREACHABLE[code]} ${where} (${code}); check the security groups and that this machine can reach the VPC`;
  if (/timeout expired|timed out/i.test(message) && !code) return `no answer from ${where} (${message})`;
  if (code && /^(CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/.test(code)) {
    return `TLS to ${where} failed: ${message}; point NODE_EXTRA_CA_CERTS at the RDS CA bundle (global-bundle.pem)`;
  }
  if (code === '28P01' || code === '28000') return `${where}: ${message} (check the drill's user and password in the config)`;
  if (code === '3D000') return `${where}: ${message} (check the drill's database in the config)`;
  if (code === '57014') return `${where}: ${message} (statement_timeout)`;
  if (code === '55P03') return `${where}: ${message} (a lock held by someone else; lock_timeout ${LOCK_TIMEOUT})`;
  return oneLine(`${where}: ${message}${code && /^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : ''}`);
}

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code) return code;
  if (err instanceof AggregateError) for (const e of err.errors) if (codeOf(e)) return codeOf(e);
  return undefined;
}
