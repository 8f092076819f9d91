/**
 * One lock per resource (the ECS service, the DB instance, the queue — never
 * the environment that names it: see lockResource.ts), so two operators cannot
 * change the same thing at once. A lock is a short lease that its holder
 * renews while it works: a holder that dies stops renewing and its lock lapses
 * within LEASE_MS. On the holder's own host a dead pid frees it at once.
 *
 * Two flavours share this interface: Redis (lockRedis.ts), which coordinates
 * everyone who reaches that Redis, and lock files (lockFile.ts), which only
 * coordinate processes sharing a state directory on one machine and are used
 * only when the environment has no Redis or the operator asked for them
 * (--local-lock).
 */
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';

/** The lease: short, so that a killed holder's lock lapses within a minute. */
export const LEASE_MS = 30_000;
/** Renewed this often; two renewals can fail before the lease lapses. */
export const RENEW_EVERY_MS = 10_000;

/** Who holds a lock, as stored in it. Serialised as JSON it is the owner token: unique per acquisition thanks to `nonce`. */
export interface LockOwner {
  /** the OS user (the journal's operator) */
  operator: string;
  host: string;
  pid: number;
  /** epoch ms the lock was taken */
  since: number;
  /** the action id, e.g. "scale" */
  action: string;
  /** the environment that asked: another environment may name the same resource */
  environment: string;
  /** what the operator calls the target, e.g. "prod/api" */
  target: string;
  /** epoch ms the current lease lapses unless renewed */
  leaseExpiresAt: number;
  nonce: string;
}

/** What an acquisition is for; the lock records it in the holder record. */
export interface LockPurpose {
  action: string;
  environment: string;
  target: string;
}

/** What a renewal found. */
export type RenewResult =
  | { status: 'renewed' }
  /** the lock had vanished (Redis restarted, the file was deleted) and was free: taken again */
  | { status: 'retaken' }
  /** someone else holds it now */
  | { status: 'lost'; holder: LockOwner | null };

export interface LockHandle {
  readonly key: string;
  /** the holder record as it is now (its lease moves with each renewal) */
  readonly owner: LockOwner;
  /** a holder whose process was gone, whose lock this acquisition freed (to be journaled) */
  readonly freed?: LockOwner;
  /** set when the operator chose this lock over the shared one (--local-lock): journaled with the action */
  readonly choice?: string;
  /** Gives the lock up if it is still ours; a no-op if it lapsed and someone else holds it now. */
  release(): Promise<void>;
  /** Pushes the lease to `leaseMs` from now; takes the lock again if it vanished and is free. */
  renew(leaseMs: number): Promise<RenewResult>;
}

/** A lock as it is held now, for `opsdeck unlock`. */
export interface HeldLock {
  key: string;
  holder: LockOwner | null;
  /** the stored value, for a compare-and-delete of exactly this holder */
  raw: string;
  /** ms before the lease lapses, when known */
  expiresInMs: number | null;
}

export interface TargetLock {
  /** "Redis \"jobs\" (127.0.0.1:6379/0)" or "lock file (this machine only)": where the lock lives, for messages */
  readonly where: string;
  /** Takes the lock or throws LockHeldError at once: an operator should see who is busy, not a spinner. */
  acquire(key: string, leaseMs: number, purpose: LockPurpose): Promise<LockHandle>;
  /** The current holder, or null when the resource is free. */
  inspect(key: string): Promise<HeldLock | null>;
  /** Deletes the lock only while it still holds `raw`; false if it changed meanwhile. */
  forceRelease(key: string, raw: string): Promise<boolean>;
}

export interface LockOptions {
  /** overrides for who we claim to be (tests use a dead pid or another host) */
  identity?: Partial<Pick<LockOwner, 'operator' | 'host' | 'pid'>>;
  now?: () => number;
  /** whether a pid of this host is alive; default process.kill(pid, 0) */
  isAlive?: (pid: number) => boolean;
  /** why this lock stands in for the shared one, stamped on every handle */
  choice?: string;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

/** This process's host name as locks record it; OPSDECK_LOCK_HOST overrides it (tests play a second machine). */
export function lockHost(opts: LockOptions = {}): string {
  return opts.identity?.host ?? (process.env.OPSDECK_LOCK_HOST || hostname());
}

export function newOwner(purpose: LockPurpose, leaseMs: number, opts: LockOptions = {}): LockOwner {
  const since = (opts.now ?? Date.now)();
  return {
    operator: opts.identity?.operator ?? osUser(),
    host: lockHost(opts),
    pid: opts.identity?.pid ?? process.pid,
    since,
    action: purpose.action,
    environment: purpose.environment,
    target: purpose.target,
    leaseExpiresAt: since + leaseMs,
    nonce: randomBytes(8).toString('hex'),
  };
}

export function parseOwner(value: string | null | undefined): LockOwner | null {
  if (!value) return null;
  try {
    const o = JSON.parse(value) as Partial<LockOwner> | null;
    if (o && typeof o.operator === 'string' && typeof o.host === 'string' && typeof o.pid === 'number' && typeof o.since === 'number') {
      return {
        operator: o.operator,
        host: o.host,
        pid: o.pid,
        since: o.since,
        action: String(o.action ?? '?'),
        environment: String(o.environment ?? '?'),
        target: String(o.target ?? '?'),
        leaseExpiresAt: typeof o.leaseExpiresAt === 'number' ? o.leaseExpiresAt : o.since,
        nonce: String(o.nonce ?? ''),
      };
    }
  } catch {
    // a value some other tool left under our key
  }
  return null;
}

/** A process of this host that no longer exists. EPERM means it exists but belongs to someone else. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** True when the holder ran on this host and its process is gone: its lock may be freed at once. */
export function holderGone(holder: LockOwner | null, opts: LockOptions = {}): boolean {
  if (!holder || holder.host !== lockHost(opts) || holder.pid <= 0) return false;
  return !(opts.isAlive ?? pidAlive)(holder.pid);
}

export function validateLease(leaseMs: number): void {
  if (!Number.isInteger(leaseMs) || leaseMs <= 0 || leaseMs > 3_600_000) throw new RangeError(`a lock lease must be a whole number of milliseconds from 1 to 3600000, got ${leaseMs}`);
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
export function clockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 19)} UTC`;
}

/** "scale of prod/api by ana@bastion-1 (pid 4242), since 09:51:02 UTC (2m ago)" */
export function holderLine(holder: LockOwner, now: number): string {
  return `${holder.action} of ${holder.target} by ${holder.operator}@${holder.host} (pid ${holder.pid}), since ${clockTime(holder.since)} (${ago(now - holder.since)})`;
}

/** When the lease lapses, and whether its holder is known to be gone. */
function leaseLine(holder: LockOwner | null, expiresInMs: number | null, now: number, opts: LockOptions): string {
  const parts: string[] = [];
  if (expiresInMs !== null) parts.push(`its lease lapses at ${clockTime(now + expiresInMs)} (in ${Math.ceil(Math.max(0, expiresInMs) / 1000)} s) unless the holder renews it`);
  if (holder && holderGone(holder, opts)) parts.push(`the holder pid ${holder.pid} on this host is gone (\`opsdeck unlock\` frees it)`);
  return parts.join('; ');
}

export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  constructor(
    /** what the operator calls the resource, e.g. "ecs 123456789012/us-east-1/prod/api" */
    readonly subject: string,
    /** null when the lock holds something that is not an opsdeck holder record */
    readonly holder: LockOwner | null,
    /** time left before the lock lapses on its own, when known */
    readonly expiresInMs: number | null,
    now: number = Date.now(),
    opts: LockOptions = {},
  ) {
    super(describeHolder(subject, holder, expiresInMs, now, opts));
  }
}

export function describeHolder(subject: string, holder: LockOwner | null, expiresInMs: number | null, now: number, opts: LockOptions = {}): string {
  const lease = leaseLine(holder, expiresInMs, now, opts);
  if (!holder) return `${subject} is locked by an unknown holder${lease ? `; ${lease}` : ''}; try again later`;
  return `${subject} is locked: ${holderLine(holder, now)}; ${lease || 'try again when they are done'}`;
}

/** The lock lives in a backend that does not answer: refuse rather than guess. */
export class LockUnavailableError extends Error {
  override readonly name = 'LockUnavailableError';
}
