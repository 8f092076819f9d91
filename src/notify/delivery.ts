/**
 * One request to a target, tried again the way the services ask: on a
 * network error, a timeout, 429 (after its Retry-After) and 5xx, with
 * exponential backoff and full jitter; never on another 4xx, which says the
 * payload or the key is wrong and will stay wrong. Stopped at once by
 * `signal` (opsdeck exiting). Errors name the target's label, never its URL.
 */
import { oneLine } from '../text/sanitize.js';
import type { NotifyRequest } from './targets.js';

export interface RetryPolicy {
  /** tries in all, the first included */
  attempts: number;
  /** the first pause; doubled for each try after it */
  baseMs: number;
  /** no pause longer than this, a Retry-After included */
  capMs: number;
  /** one try gives up after this long */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 500, capMs: 30_000, timeoutMs: 10_000 };

export type DeliveryOutcome = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

interface DeliverOptions {
  policy: RetryPolicy;
  signal: AbortSignal;
  fetch?: typeof fetch;
  userAgent: string;
  random?: () => number;
}

class Retryable extends Error {
  constructor(message: string, readonly afterMs?: number) {
    super(message);
  }
}

export async function deliver(req: NotifyRequest, opts: DeliverOptions): Promise<DeliveryOutcome> {
  const doFetch = opts.fetch ?? fetch;
  const random = opts.random ?? Math.random;
  let last = '';
  for (let attempt = 1; attempt <= opts.policy.attempts; attempt++) {
    if (opts.signal.aborted) return { ok: false, attempts: attempt - 1, error: `${last ? `${last}; ` : ''}not sent: ${reason(opts.signal)}` };
    let retryAfter: number | undefined;
    try {
      await once(doFetch, req, opts);
      return { ok: true, attempts: attempt };
    } catch (err) {
      if (!(err instanceof Retryable)) return { ok: false, attempts: attempt, error: err instanceof Error ? err.message : String(err) };
      last = err.message;
      retryAfter = err.afterMs;
    }
    if (attempt === opts.policy.attempts) break;
    const backoff = Math.min(opts.policy.capMs, opts.policy.baseMs * 2 ** (attempt - 1));
    // full jitter keeps many opsdeck processes from retrying in step; Retry-After is a floor, not a guess
    const wait = retryAfter !== undefined ? Math.min(opts.policy.capMs, retryAfter) : Math.round(backoff / 2 + (random() * backoff) / 2);
    if (!(await pause(wait, opts.signal))) return { ok: false, attempts: attempt, error: `${last}; not retried: ${reason(opts.signal)}` };
  }
  return { ok: false, attempts: opts.policy.attempts, error: `${last} (gave up after ${opts.policy.attempts} tries)` };
}

async function once(doFetch: typeof fetch, req: NotifyRequest, opts: DeliverOptions): Promise<void> {
  const timeout = AbortSignal.timeout(opts.policy.timeoutMs);
  let res: Response;
  try {
    res = await doFetch(req.url, {
      method: 'POST',
      headers: { 'user-agent': opts.userAgent, ...req.headers },
      body: JSON.stringify(req.body),
      signal: AbortSignal.any([opts.signal, timeout]),
      redirect: 'error',
    });
  } catch (err) {
    if (opts.signal.aborted) throw new Retryable(`not sent: ${reason(opts.signal)}`);
    if (timeout.aborted) throw new Retryable(`no answer within ${opts.policy.timeoutMs / 1000} s`);
    throw new Retryable(networkError(err));
  }
  const body = await res.text().catch(() => '');
  if (res.ok) return;
  const said = body.trim() ? `: ${oneLine(body, 200)}` : '';
  if (res.status === 429) throw new Retryable(`HTTP 429 (rate limited)${said}`, retryAfterMs(res.headers.get('retry-after')));
  if (res.status >= 500 || res.status === 408) throw new Retryable(`HTTP ${res.status}${said}`);
  throw new Error(`HTTP ${res.status}${said} (not retried: the request itself was refused)`);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** undici says "fetch failed" and keeps the reason in `cause`: ECONNREFUSED, ENOTFOUND, a TLS error… */
function networkError(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  const what = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  // the cause's message names the host and port, which are not secret; the path never appears in it
  return `network error: ${oneLine(String(what), 200)}`;
}

function reason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : 'stopped';
}

/** Resolves true after `ms`, false at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
