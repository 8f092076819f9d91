import type { Redis } from 'ioredis';
import { ensureLocksDir } from '../state/paths.js';
import type { LockOptions, TargetLock } from './lock.js';
import { FileTargetLock } from './lockFile.js';
import { RedisTargetLock } from './lockRedis.js';

export interface LockSelection extends LockOptions {
  /** the environment's Redis, when it configures one: the only lock that spans machines */
  redis?: Redis | null;
  env?: Record<string, string | undefined>;
}

export function createTargetLock(sel: LockSelection = {}): TargetLock {
  const { redis, env, ...opts } = sel;
  if (redis) return new RedisTargetLock(redis, opts);
  return new FileTargetLock(ensureLocksDir(env), opts);
}
