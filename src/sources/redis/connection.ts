/**
 * One ioredis client per configured Redis, tuned for a console read at
 * 3 a.m.: nothing waits for a Redis that is down. Commands fail at once while
 * it is unreachable (no offline queue, no resend), the client keeps trying to
 * reconnect in the background with a capped backoff, and the next refresh
 * after it returns simply works. Errors become one line that names the Redis
 * entry and its host, never the URL (it may carry a password).
 */
import { Redis, type RedisOptions } from 'ioredis';
import { errorMessage } from '../../text/sanitize.js';
import { urlProblem } from '../../config/urls.js';

export interface LinkOptions {
  /** TCP connect timeout; default 2 s */
  connectTimeoutMs?: number;
  /** per command (a Redis that accepts but never answers); default 5 s */
  commandTimeoutMs?: number;
  /** longest pause between reconnect attempts; default 2 s */
  maxRetryDelayMs?: number;
}

const DEFAULTS = { connectTimeoutMs: 2_000, commandTimeoutMs: 5_000, maxRetryDelayMs: 2_000 };

/** Why the URL cannot be used (its password masked), or undefined: the config's own parse by scheme. */
export function checkRedisUrl(url: string): string | undefined {
  const problem = urlProblem(url, 'redis');
  return problem ? `url ${problem}` : undefined;
}

/** Where a Redis lives, for messages: host:port, with no credentials. */
function redisWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}`;
  } catch {
    return 'an unparsable URL';
  }
}

/** One line for an ioredis failure; `where` is host:port. */
function describeRedisError(err: unknown, where: string): string {
  const e = err as { code?: string; message?: string; name?: string };
  const msg = errorMessage(err);
  if (e?.code === 'ECONNREFUSED') return `connection refused by ${where}; is Redis running there?`;
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return `host of ${where} not found; check the url`;
  if (e?.code === 'ETIMEDOUT' || /connect ETIMEDOUT/.test(msg)) return `connecting to ${where} timed out; check the network path`;
  if (e?.code === 'ECONNRESET' || e?.code === 'EPIPE') return `connection to ${where} was reset`;
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(msg)) return `authentication to ${where} failed; check the user and password in the url`;
  if (/Command timed out/i.test(msg)) return `${where} did not answer in time`;
  if (e?.name === 'MaxRetriesPerRequestError' || /Connection is closed|Stream isn't writeable/i.test(msg)) return `connection to ${where} lost`;
  return msg;
}

export class RedisLink {
  readonly client: Redis;
  readonly where: string;
  private lastError: string | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    url: string,
    opts: LinkOptions = {},
    extra: RedisOptions = {},
  ) {
    const o = { ...DEFAULTS, ...opts };
    this.where = redisWhere(url);
    this.client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: o.connectTimeoutMs,
      commandTimeout: o.commandTimeoutMs,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      connectionName: 'opsdeck',
      // Keep trying for as long as opsdeck runs: the panel must recover on its own.
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), o.maxRetryDelayMs),
      ...extra,
    });
    // Without a listener ioredis prints "Unhandled error event" over the TUI.
    this.client.on('error', (err) => {
      this.lastError = describeRedisError(err, this.where);
    });
    this.client.on('ready', () => {
      this.lastError = undefined;
    });
    // a server that goes away cleanly closes the socket without an error event
    this.client.on('close', () => {
      if (!this.lastError && !this.closed) this.lastError = `connection to ${this.where} lost; reconnecting`;
    });
  }

  /** The client when it is connected; connects on first use; fails fast while Redis is away. */
  async ready(signal: AbortSignal): Promise<Redis> {
    if (this.closed) throw new Error(`Redis ${this.name} is closed`);
    if (signal.aborted) throw signal.reason;
    const c = this.client;
    if (c.status === 'ready') return c;
    if (c.status === 'wait' || c.status === 'end') {
      try {
        await abortable(c.connect(), signal);
        return c;
      } catch (err) {
        if (signal.aborted) throw err;
        throw new Error(this.lastError ?? describeRedisError(err, this.where));
      }
    }
    throw new Error(this.lastError ?? `${c.status === 'connecting' || c.status === 'connect' ? 'still connecting' : 'not connected'} to ${this.where}`);
  }

  /** A failure of a command on this link, as one line. */
  explain(err: unknown): string {
    // After a drop the socket error (say ECONNREFUSED on the retry) says more than "Connection is closed".
    const own = describeRedisError(err, this.where);
    return own.startsWith('connection to') && this.lastError ? this.lastError : own;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.status === 'ready') await this.client.quit().catch(() => undefined);
    this.client.disconnect();
  }
}

/** Rejects when the signal fires; the work itself carries on but nobody waits for it. */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
