/**
 * A failed PostgreSQL read as one line that names the database, what went
 * wrong and, where it is clear, what to check. The URL and its password never
 * reach the line: pg itself does not echo them, but a URL parse error or a
 * future driver message might, so every line is redacted last.
 */
import { errorMessage, oneLine } from '../../text/sanitize.js';
import { redact, type PgTarget } from './connection.js';

export interface PgErrorContext {
  /** the config entry's name */
  name: string;
  target: PgTarget;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

/** A read that failed for one database; `message` is the line for the screen. */
export class PgReadError extends Error {
  override readonly name = 'PgReadError';
  constructor(
    message: string,
    readonly database: string,
    cause?: unknown,
  ) {
    super(message, { cause });
  }
}

/** "3 s", "300 ms", "1.5 s" */
function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${Math.round(ms / 100) / 10} s`;
}

/** The system error code of a failed socket call; Node wraps parallel IPv4/IPv6 attempts in an AggregateError. */
function systemCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code) return code;
  if (err instanceof AggregateError) {
    for (const e of err.errors) {
      const c = systemCode(e);
      if (c) return c;
    }
  }
  return undefined;
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'cannot connect to',
  ECONNRESET: 'connection reset by',
  ETIMEDOUT: 'no answer from',
  EHOSTUNREACH: 'no route to',
  ENETUNREACH: 'no route to',
  ENOTFOUND: 'cannot resolve',
  EAI_AGAIN: 'cannot resolve',
};

const TLS_CODES = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_|ERR_TLS_|ERR_SSL_|EPROTO)/;

function line(err: unknown, ctx: PgErrorContext): string {
  const { where } = ctx.target;
  const code = systemCode(err);
  const message = errorMessage(err);

  if (code && UNREACHABLE[code]) return `${UNREACHABLE[code]} ${where} (${code})`;
  if (code && TLS_CODES.test(code)) return `TLS to ${where} failed: ${message} (check sslmode in the URL)`;

  switch (code) {
    case '57014':
      return /statement timeout/.test(message)
        ? `query timed out after ${seconds(ctx.statementTimeoutMs)} (statement_timeout)`
        : `query cancelled: ${message}`;
    case '28P01':
    case '28000':
      return `${message} (check the user and password in the URL)`;
    case '3D000':
      return `${message} (check the database name in the URL)`;
    case '53300':
      return `${where} refuses new connections: ${message} (max_connections reached)`;
    case '57P01':
    case '57P02':
    case '57P03':
      return `${where} is shutting down or starting up: ${message}`;
    case '42501':
      return `${message} (the monitoring user needs the pg_monitor role)`;
  }

  if (/timeout exceeded when trying to connect|connection timeout/i.test(message)) {
    return `no connection to ${where} within ${seconds(ctx.connectTimeoutMs)}`;
  }
  if (/Query read timeout/.test(message)) return `no answer from ${where} within ${seconds(ctx.statementTimeoutMs + 2_000)}`;
  if (/Connection terminated/i.test(message)) return `connection to ${where} lost (the server closed it)`;
  if (/does not support SSL/i.test(message)) return `${where} does not support TLS (remove sslmode / ssl from the URL)`;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/** One line: "primary: cannot connect to 127.0.0.1:5433 (ECONNREFUSED)". */
export function describePgError(err: unknown, ctx: PgErrorContext): string {
  // the line is sanitised already, so a secret is looked for in its sanitised form too
  const secrets = [...ctx.target.secrets, ...ctx.target.secrets.map((s) => oneLine(s))];
  return oneLine(redact(`${ctx.name}: ${line(err, ctx)}`, secrets));
}
