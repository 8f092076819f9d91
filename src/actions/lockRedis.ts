/**
 * The lock in Redis, for environments that configure one: it coordinates every
 * operator who reaches that Redis, whatever machine they run opsdeck on.
 * Single-instance Redis semantics (SET NX PX + compare-and-delete); no
 * Redlock, because the lock only has to keep two humans from colliding.
 */
import type { Redis } from 'ioredis';
import { LockHeldError, LockLostError, newOwner, parseOwner, validateTtl, type LockHandle, type LockOptions, type TargetLock } from './lock.js';

// Only the token that set the key may delete it or move its expiry: a lock that
// expired and was taken by someone else must survive our late release.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export class RedisTargetLock implements TargetLock {
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly opts: LockOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  async acquire(key: string, ttlMs: number): Promise<LockHandle> {
    validateTtl(ttlMs);
    const owner = newOwner({ ...this.opts, now: this.now });
    const token = JSON.stringify(owner);

    // Loop because the holder can expire between our failed SET and our GET.
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await this.redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') return this.handle(key, owner, token);
      const replies = await this.redis.multi().get(key).pttl(key).exec();
      const holder = replies?.[0]?.[1] as string | null | undefined;
      const pttl = replies?.[1]?.[1] as number | undefined;
      if (holder == null) continue;
      throw new LockHeldError(key, parseOwner(holder), typeof pttl === 'number' && pttl >= 0 ? pttl : null, this.now());
    }
    throw new LockHeldError(key, null, null, this.now());
  }

  private handle(key: string, owner: LockHandle['owner'], token: string): LockHandle {
    let released = false;
    return {
      key,
      owner,
      token,
      release: async () => {
        if (released) return;
        released = true;
        await this.redis.eval(RELEASE, 1, key, token);
      },
      extend: async (ttlMs: number) => {
        validateTtl(ttlMs);
        if (released || (await this.redis.eval(EXTEND, 1, key, token, String(ttlMs))) !== 1) throw new LockLostError(key);
      },
    };
  }
}
