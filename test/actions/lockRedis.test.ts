// Against the real local Redis; every test works under its own key prefix and deletes its keys.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { LockHeldError, LockLostError, lockKey } from '../../src/actions/lock.js';
import { RedisTargetLock } from '../../src/actions/lockRedis.js';
import { createTargetLock } from '../../src/actions/lockSelect.js';

const URL = process.env.OPSDECK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY = lockKey('demo', 'demo/api');
const T0 = Date.UTC(2024, 4, 1, 5, 41, 9);

let prefix = '';
let redis: Redis;
let raw: Redis;

beforeEach(() => {
  prefix = `opsdeck-test:${randomBytes(6).toString('hex')}:`;
  redis = new Redis(URL, { keyPrefix: prefix, lazyConnect: false });
  raw = new Redis(URL);
});

afterEach(async () => {
  const keys: string[] = [];
  for (let cursor = '0'; ; ) {
    const [next, batch] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    keys.push(...batch);
    if ((cursor = next) === '0') break;
  }
  if (keys.length) await raw.del(...keys);
  redis.disconnect();
  raw.disconnect();
});

async function heldError(p: Promise<unknown>): Promise<LockHeldError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LockHeldError);
  return err as LockHeldError;
}

describe('RedisTargetLock', () => {
  it('acquires with SET NX PX, refuses a second holder naming the first, and frees on release', async () => {
    const lock = new RedisTargetLock(redis);
    const a = await lock.acquire(KEY, 60_000);
    expect(await raw.get(prefix + KEY)).toBe(a.token);
    const pttl = await raw.pttl(prefix + KEY);
    expect(pttl).toBeGreaterThan(59_000);
    expect(pttl).toBeLessThanOrEqual(60_000);

    const err = await heldError(lock.acquire(KEY, 60_000));
    expect(err.holder).toEqual(a.owner);
    expect(err.expiresInMs).toBeGreaterThan(59_000);
    expect(err.message).toMatch(/^demo\/api is locked by .+@.+ \(pid \d+\) since \d\d:\d\d:\d\d UTC \(\d+s ago\); try again when they are done$/);

    await a.release();
    expect(await raw.exists(prefix + KEY)).toBe(0);
    await expect(lock.acquire(KEY, 60_000)).resolves.toBeDefined();
  });

  it('says who holds it and since when', async () => {
    await new RedisTargetLock(redis, { identity: { user: 'alice', host: 'bastion-1', pid: 4242 }, now: () => T0 }).acquire(KEY, 60_000);
    const err = await heldError(new RedisTargetLock(redis, { now: () => T0 + 150_000 }).acquire(KEY, 60_000));
    expect(err.message).toBe('demo/api is locked by alice@bastion-1 (pid 4242) since 05:41:09 UTC (2m ago); try again when they are done');
  });

  it('a release by anyone but the owner deletes nothing', async () => {
    const lock = new RedisTargetLock(redis);
    const first = await lock.acquire(KEY, 200);
    await expect.poll(() => raw.exists(prefix + KEY), { message: 'the first lock to expire' }).toBe(0);
    const second = await lock.acquire(KEY, 60_000);

    await first.release();
    expect(await raw.get(prefix + KEY)).toBe(second.token);
    await expect(first.extend(60_000)).rejects.toBeInstanceOf(LockLostError);
    expect(await raw.get(prefix + KEY)).toBe(second.token);
    await second.release();
    expect(await raw.exists(prefix + KEY)).toBe(0);
  });

  it('expires after its ttl', async () => {
    const lock = new RedisTargetLock(redis);
    const started = Date.now();
    await lock.acquire(KEY, 200);
    await heldError(lock.acquire(KEY, 200));
    // acquire rejects while the lock is held, and vi.waitFor retries on a rejection
    await vi.waitFor(() => lock.acquire(KEY, 60_000), { timeout: 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('extend moves the expiry of a lock it still owns', async () => {
    const a = await new RedisTargetLock(redis).acquire(KEY, 200);
    await a.extend(30_000);
    expect(await raw.pttl(prefix + KEY)).toBeGreaterThan(20_000);
    await a.release();
    await expect(a.extend(30_000)).rejects.toBeInstanceOf(LockLostError);
  });

  it('reports a value it did not write as an unknown holder and leaves it alone', async () => {
    await raw.set(prefix + KEY, 'someone else', 'PX', 60_000);
    const err = await heldError(new RedisTargetLock(redis).acquire(KEY, 60_000));
    expect(err.message).toBe('demo/api is locked by an unknown holder; try again later');
    expect(err.holder).toBeNull();
    expect(await raw.get(prefix + KEY)).toBe('someone else');
  });

  it('is the flavour chosen when a Redis is configured', () => {
    expect(createTargetLock({ redis })).toBeInstanceOf(RedisTargetLock);
  });
});
