/**
 * What the PostgreSQL session actions (cancel a query, terminate a backend)
 * need: the PostgresAdmin port, fresh reads of one backend through the
 * read-only monitoring connection and the signal through the separate
 * `admin` connection, and the facts both actions share. The port lives here,
 * as RdsControl does, until it moves to sources/ports.ts.
 */
import type { ActionContext, ActionTarget } from '../types.js';

/** One row of pg_stat_activity, as the plan shows it and the re-read compares it. */
export interface PgBackend {
  pid: number;
  /** the session's database (datname) */
  database: string | null;
  /** whether that is the configured entry's database: a pid elsewhere is not this entry's to act on */
  here: boolean;
  user: string | null;
  /** the session's role is a superuser: only a superuser may signal it */
  superuser: boolean;
  /** outside text: sanitise before drawing */
  application: string | null;
  client: string | null;
  /** "client backend", "autovacuum worker", … */
  backendType: string | null;
  state: string | null;
  /** ISO times with microseconds, as the server has them: exact enough to tell two statements apart */
  backendStart: string | null;
  xactStart: string | null;
  queryStart: string | null;
  /** how long the statement (or, idle in transaction, the last one) has run, from the server's clock */
  queryMs: number | null;
  xactMs: number | null;
  /** "Lock:transactionid" */
  waitEvent: string | null;
  /** cut to a few hundred characters; outside text */
  query: string;
  /** md5 of the whole query text the server holds */
  queryHash: string | null;
  /** pg_blocking_pids: whom it waits for */
  blockedBy: number[];
  /** who waits for it */
  blocking: number[];
  /** opsdeck's own connection (application_name opsdeck) */
  own: boolean;
  /** pg_postmaster_start_time(): which server instance this pid belongs to */
  server: string;
}

/** The role the admin connection logs in as, and what it may signal. */
export interface PgAdminRole {
  role: string;
  superuser: boolean;
  /** has the privileges of pg_signal_backend */
  signalBackend: boolean;
  /** pg_postmaster_start_time() as the admin connection sees it: the same server as the monitoring one? */
  server: string;
}

export type PgSignal = 'cancel' | 'terminate';

/** What a signal call answered: sent, no such backend, or the admin URL reaches another server now. */
export type PgSignalResult = 'sent' | 'no-backend' | 'other-server';

export interface PostgresAdmin {
  /** the configured databases and whether each has an admin connection */
  databases(): { name: string; admin: boolean }[];
  /** the backend now, read through the monitoring connection; undefined when no such pid runs */
  backend(database: string, pid: number, signal: AbortSignal): Promise<PgBackend | undefined>;
  /** who the admin connection is; rejects with one line when it cannot connect or none is configured */
  adminRole(database: string, signal: AbortSignal): Promise<PgAdminRole>;
  /** pg_cancel_backend / pg_terminate_backend through the admin connection, only if the server is still `server` */
  signal(database: string, pid: number, how: PgSignal, server: string, signal: AbortSignal): Promise<PgSignalResult>;
  close(): Promise<void>;
}

export interface PgActionContext extends ActionContext {
  postgres: PostgresAdmin;
}

export interface PgBackendArgs {
  /** the postgres entry's name in the config */
  database: string;
  pid: number;
  verifyTimeoutMs?: number;
}

/** The config key an operator adds, and the privilege its role needs, in one line. */
export function noAdminLine(database: string): string {
  return `${database} has no admin connection: add postgres[].admin to the config (a URL whose role has pg_signal_backend, or is a superuser; the monitoring url stays read-only)`;
}

export function where(ctx: ActionContext, a: PgBackendArgs): string {
  return `${ctx.env.name} / postgres ${a.database} / pid ${a.pid}`;
}

export function backendTarget(ctx: ActionContext, a: PgBackendArgs): ActionTarget {
  return { kind: 'pg-backend', name: String(a.pid), parent: a.database, display: `${ctx.env.name}/${a.database}/pid ${a.pid}` };
}
