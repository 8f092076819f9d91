/**
 * One lock per target, so two operators cannot act on the same service at
 * once. Two flavours share this interface: Redis (lockRedis.ts), which
 * coordinates everyone who reaches that Redis, and lock files (lockFile.ts),
 * which only coordinate processes sharing a state directory on one machine.
 */
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';

/** Who holds a lock. Serialised as JSON it is the owner token: unique per acquisition thanks to `nonce`. */
export interface LockOwner {
  user: string;
  host: string;
  pid: number;
  nonce: string;
  /** epoch ms */
  acquiredAt: number;
}

export interface LockHandle {
  readonly key: string;
  readonly owner: LockOwner;
  /** the exact value stored in the lock; only this token can release or extend it */
  readonly token: string;
  /** Gives the lock up if it is still ours; a no-op if it expired and someone else holds it now. */
  release(): Promise<void>;
  /** Pushes the expiry to `ttlMs` from now, for long verifications; LockLostError if it is no longer ours. */
  extend(ttlMs: number): Promise<void>;
}

export interface TargetLock {
  /** Takes the lock or throws LockHeldError at once: an operator should see who is busy, not a spinner. */
  acquire(key: string, ttlMs: number): Promise<LockHandle>;
}

export interface LockOptions {
  /** overrides for who we claim to be (tests use a dead pid or another host) */
  identity?: Partial<Pick<LockOwner, 'user' | 'host' | 'pid'>>;
  now?: () => number;
}

const PREFIX = 'opsdeck:lock:';

export function lockKey(environment: string, target: string): string {
  return `${PREFIX}${environment}:${target}`;
}

/** "opsdeck:lock:demo:demo/api" → "demo/api"; anything else is shown as is. */
export function lockSubject(key: string): string {
  const at = key.lastIndexOf(PREFIX);
  if (at < 0) return key;
  const rest = key.slice(at + PREFIX.length);
  const colon = rest.indexOf(':');
  return colon >= 0 ? rest.slice(colon + 1) : rest;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

export function newOwner(opts: LockOptions = {}): LockOwner {
  return {
    user: opts.identity?.user ?? osUser(),
    host: opts.identity?.host ?? hostname(),
    pid: opts.identity?.pid ?? process.pid,
    nonce: randomBytes(8).toString('hex'),
    acquiredAt: (opts.now ?? Date.now)(),
  };
}

export function parseOwner(value: string | null | undefined): LockOwner | null {
  if (!value) return null;
  try {
    const o = JSON.parse(value) as Partial<LockOwner> | null;
    if (o && typeof o.user === 'string' && typeof o.host === 'string' && typeof o.pid === 'number' && typeof o.acquiredAt === 'number') {
      return { user: o.user, host: o.host, pid: o.pid, nonce: String(o.nonce ?? ''), acquiredAt: o.acquiredAt };
    }
  } catch {
    // a value some other tool left under our key
  }
  return null;
}

export function validateTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`lock ttl must be a positive whole number of milliseconds, got ${ttlMs}`);
}

/** "2m ago", "1h 5m ago" */
export function ago(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m ago` : `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

/** UTC so that operators on different hosts and time zones read the same clock. */
function clockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 19)} UTC`;
}

export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  constructor(
    readonly key: string,
    /** null when the lock holds something that is not an opsdeck owner token */
    readonly holder: LockOwner | null,
    /** time left before the lock lapses on its own, when known */
    readonly expiresInMs: number | null,
    now: number = Date.now(),
  ) {
    super(describeHolder(key, holder, now));
  }
}

export function describeHolder(key: string, holder: LockOwner | null, now: number): string {
  const subject = lockSubject(key);
  if (!holder) return `${subject} is locked by an unknown holder; try again later`;
  return `${subject} is locked by ${holder.user}@${holder.host} (pid ${holder.pid}) since ${clockTime(holder.acquiredAt)} (${ago(now - holder.acquiredAt)}); try again when they are done`;
}

export class LockLostError extends Error {
  override readonly name = 'LockLostError';
  constructor(readonly key: string) {
    super(`the lock on ${lockSubject(key)} expired and is no longer ours; someone else may be acting on it`);
  }
}
