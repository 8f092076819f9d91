/**
 * Which lock an environment's actions take:
 *   - its Redis, when it configures one and it answers: the shared lock;
 *   - its Redis does not answer: every action is refused with the reason,
 *     unless the operator chose --local-lock for this run;
 *   - no Redis but a team store: a lease in the store (lockPg.ts), refused
 *     likewise when the store does not answer;
 *   - --local-lock, or neither configured: a lock file on this machine.
 * A lock file in place of a configured Redis is the operator's choice, and the
 * executor journals it with each action (the handle's `choice`).
 */
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { ensureLocksDir } from '../state/paths.js';
import { LockUnavailableError, type LockOptions, type TargetLock } from './lock.js';
import { FileTargetLock } from './lockFile.js';
import { RedisTargetLock } from './lockRedis.js';
import { PgTargetLock } from './lockPg.js';

export interface LockSelection extends LockOptions {
  /** the environment's Redis, connected: the only lock that spans machines */
  redis?: Redis | null;
  /** the configured Redis's name and place ("jobs", "10.0.0.5:6379/0"), for messages */
  shared?: { name: string; place: string };
  /** why the configured Redis could not be reached */
  unreachable?: string;
  /** the operator asked for a lock file (--local-lock) */
  localLock?: boolean;
  /** how the operator asks for a local lock where they are: "run again with --local-lock" */
  localLockHint?: string;
  env?: Record<string, string | undefined>;
  /** the environment's team store, when it has no Redis: the lease table there spans machines too */
  team?: { pool: Pool; where: string; describe(err: unknown): string };
}

export function createTargetLock(sel: LockSelection = {}): TargetLock {
  const { redis, env, shared, unreachable, localLock, localLockHint, team, ...opts } = sel;
  const named = shared ? `Redis "${shared.name}" (${shared.place})` : team && !redis ? `the team store (${team.where})` : 'Redis';
  if (localLock && (shared || team)) {
    const choice = `--local-lock: a lock file on this machine instead of the shared lock in ${named}${unreachable ? `, which does not answer (${unreachable})` : ''}`;
    return new FileTargetLock(ensureLocksDir(env), { ...opts, choice });
  }
  if (redis) return new RedisTargetLock(redis, named, opts);
  if (team && !shared) return new PgTargetLock(team.pool, named, { ...opts, describe: team.describe, hint: localLockHint ?? 'run again with --local-lock' });
  if (unreachable !== undefined) return new UnavailableLock(`${named} does not answer (${unreachable})`, localLockHint ?? 'run again with --local-lock');
  return new FileTargetLock(ensureLocksDir(env), opts);
}

/** The shared lock's backend is down: nothing may run on a guess that nobody else is acting. */
export class UnavailableLock implements TargetLock {
  constructor(
    readonly where: string,
    private readonly hint: string,
  ) {}

  private fail(): never {
    throw new LockUnavailableError(`the shared lock in ${this.where}, so nothing was done; to use a lock file that guards only this machine, ${this.hint}`);
  }

  async acquire(): Promise<never> {
    this.fail();
  }

  async inspect(): Promise<never> {
    this.fail();
  }

  async forceRelease(): Promise<never> {
    this.fail();
  }
}

/** A lock still being opened (the dashboard reaches Redis in the background, so as not to delay its first frame). */
export function deferredLock(pending: Promise<TargetLock>): TargetLock {
  return {
    where: "the environment's lock",
    acquire: async (key, leaseMs, purpose) => (await pending).acquire(key, leaseMs, purpose),
    inspect: async (key) => (await pending).inspect(key),
    forceRelease: async (key, raw) => (await pending).forceRelease(key, raw),
  };
}
