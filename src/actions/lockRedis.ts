/**
 * The lock in Redis, for environments that configure one: it coordinates every
 * operator who reaches that Redis, whatever machine they run opsdeck on.
 * Single-instance Redis semantics (SET NX PX + compare-and-swap scripts); no
 * Redlock, because the lock only has to keep two humans from colliding.
 *
 * The stored value is the holder record; each renewal rewrites it (its lease
 * expiry moves) only while it still holds what we last wrote. A Redis that
 * restarted without persistence has lost the key: the next renewal finds it
 * gone and takes it again if nobody else did meanwhile.
 */
import type { Redis } from 'ioredis';
import { holderGone, LockHeldError, newOwner, parseOwner, validateLease, type HeldLock, type LockHandle, type LockOptions, type LockOwner, type LockPurpose, type RenewResult, type TargetLock } from './lock.js';
import { lockSubject } from './lockResource.js';

// Only the value that set the key may delete it or move its lease: a lock that
// lapsed and was taken by someone else must survive our late release.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end`;

export class RedisTargetLock implements TargetLock {
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    readonly where: string = 'Redis',
    private readonly opts: LockOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  async acquire(key: string, leaseMs: number, purpose: LockPurpose): Promise<LockHandle> {
    validateLease(leaseMs);
    const owner = newOwner(purpose, leaseMs, { ...this.opts, now: this.now });
    let freed: LockOwner | undefined;
    // Loop because the holder can lapse between our failed SET and our GET, and after freeing a dead holder.
    for (let attempt = 0; attempt < 4; attempt++) {
      const value = JSON.stringify(owner);
      if ((await this.redis.set(key, value, 'PX', leaseMs, 'NX')) === 'OK') return this.handle(key, owner, freed);
      const held = await this.inspect(key);
      if (!held) continue;
      if (held.holder && holderGone(held.holder, this.opts) && (await this.forceRelease(key, held.raw))) {
        freed = held.holder;
        continue;
      }
      throw new LockHeldError(lockSubject(key), held.holder, held.expiresInMs, this.now(), this.opts);
    }
    throw new LockHeldError(lockSubject(key), null, null, this.now(), this.opts);
  }

  async inspect(key: string): Promise<HeldLock | null> {
    const replies = await this.redis.multi().get(key).pttl(key).exec();
    const raw = replies?.[0]?.[1] as string | null | undefined;
    const pttl = replies?.[1]?.[1] as number | undefined;
    if (raw == null) return null;
    return { key, holder: parseOwner(raw), raw, expiresInMs: typeof pttl === 'number' && pttl >= 0 ? pttl : null };
  }

  async forceRelease(key: string, raw: string): Promise<boolean> {
    return (await this.redis.eval(RELEASE, 1, key, raw)) === 1;
  }

  private handle(key: string, first: LockOwner, freed: LockOwner | undefined): LockHandle {
    let released = false;
    let owner = first;
    let value = JSON.stringify(owner);
    return {
      key,
      get owner() {
        return owner;
      },
      ...(freed ? { freed } : {}),
      release: async () => {
        if (released) return;
        released = true;
        await this.redis.eval(RELEASE, 1, key, value);
      },
      renew: async (leaseMs: number): Promise<RenewResult> => {
        validateLease(leaseMs);
        if (released) return { status: 'lost', holder: null };
        const next = { ...owner, leaseExpiresAt: this.now() + leaseMs };
        const nextValue = JSON.stringify(next);
        if ((await this.redis.eval(RENEW, 1, key, value, nextValue, String(leaseMs))) === 1) {
          owner = next;
          value = nextValue;
          return { status: 'renewed' };
        }
        if ((await this.redis.set(key, nextValue, 'PX', leaseMs, 'NX')) === 'OK') {
          owner = next;
          value = nextValue;
          return { status: 'retaken' };
        }
        return { status: 'lost', holder: parseOwner(await this.redis.get(key)) };
      },
    };
  }
}
