// Against the real local Redis; every test works under its own key prefix and deletes its keys.
// The restart test runs its own redis-server and kills it.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { LockHeldError, LockUnavailableError, parseOwner, type LockPurpose } from '../../src/actions/lock.js';
import { resourceKey } from '../../src/actions/lockResource.js';
import { RedisTargetLock } from '../../src/actions/lockRedis.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { createTargetLock } from '../../src/actions/lockSelect.js';
import { deadPid } from '../support/lineChild.js';
import { RedisServer } from '../support/redisServer.js';
import { useTempStateDir } from '../support/tempState.js';

const URL = process.env.OPSDECK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY = resourceKey({ kind: 'ecs-service', account: '111122223333', region: 'eu-west-1', cluster: 'demo', service: 'api' });
const SUBJECT = 'ecs/111122223333/eu-west-1/demo/api';
const P: LockPurpose = { action: 'scale', environment: 'demo', target: 'demo/api' };
const T0 = Date.UTC(2024, 4, 1, 5, 41, 9);

useTempStateDir();
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
    const a = await lock.acquire(KEY, 30_000, P);
    expect(parseOwner(await raw.get(prefix + KEY))).toEqual(a.owner);
    const pttl = await raw.pttl(prefix + KEY);
    expect(pttl).toBeGreaterThan(29_000);
    expect(pttl).toBeLessThanOrEqual(30_000);

    const err = await heldError(lock.acquire(KEY, 30_000, P));
    expect(err.holder).toEqual(a.owner);
    expect(err.expiresInMs).toBeGreaterThan(29_000);
    expect(err.message).toMatch(/^ecs\/111122223333\/eu-west-1\/demo\/api is locked: scale of demo\/api by .+@.+ \(pid \d+\), since \d\d:\d\d:\d\d UTC \(\d+s ago\); its lease lapses at \d\d:\d\d:\d\d UTC \(in (29|30) s\) unless the holder renews it$/);

    await a.release();
    expect(await raw.exists(prefix + KEY)).toBe(0);
    await expect(lock.acquire(KEY, 30_000, P)).resolves.toBeDefined();
  });

  it('says who holds it, since when, for which action and when the lease lapses', async () => {
    await new RedisTargetLock(redis, 'Redis', { identity: { operator: 'alice', host: 'bastion-1', pid: 4242 }, now: () => T0 }).acquire(KEY, 30_000, { action: 'rollback', environment: 'staging', target: 'staging/api' });
    const err = await heldError(new RedisTargetLock(redis, 'Redis', { now: () => T0 + 150_000 }).acquire(KEY, 30_000, P));
    expect(err.message).toMatch(/^ecs\/111122223333\/eu-west-1\/demo\/api is locked: rollback of staging\/api by alice@bastion-1 \(pid 4242\), since 05:41:09 UTC \(2m ago\); its lease lapses at 05:44:(08|09) UTC \(in (29|30) s\)/);
  });

  it('a release or renewal by anyone but the holder changes nothing', async () => {
    const lock = new RedisTargetLock(redis);
    const first = await lock.acquire(KEY, 200, P);
    await expect.poll(() => raw.exists(prefix + KEY), { message: 'the first lock to lapse' }).toBe(0);
    const second = await lock.acquire(KEY, 30_000, P);

    expect(await first.renew(30_000)).toEqual({ status: 'lost', holder: second.owner });
    await first.release();
    expect(parseOwner(await raw.get(prefix + KEY))).toEqual(second.owner);
    await second.release();
    expect(await raw.exists(prefix + KEY)).toBe(0);
  });

  it('lapses after its lease unless renewed; renewal moves the lease and the recorded expiry', async () => {
    const lock = new RedisTargetLock(redis);
    const started = Date.now();
    const a = await lock.acquire(KEY, 300, P);
    expect(await a.renew(30_000)).toEqual({ status: 'renewed' });
    expect(await raw.pttl(prefix + KEY)).toBeGreaterThan(20_000);
    expect(parseOwner(await raw.get(prefix + KEY))!.leaseExpiresAt).toBe(a.owner.leaseExpiresAt);
    expect(a.owner.leaseExpiresAt).toBeGreaterThanOrEqual(started + 30_000);
    await a.release();

    await lock.acquire(KEY, 200, P);
    await heldError(lock.acquire(KEY, 200, P));
    await vi.waitFor(() => lock.acquire(KEY, 30_000, P), { timeout: 5_000 });
  });

  it('frees at once the lock of a dead pid on this host, and names the holder it freed', async () => {
    const dead = await deadPid();
    const ghost = await new RedisTargetLock(redis, 'Redis', { identity: { pid: dead } }).acquire(KEY, 30_000, P);
    const mine = await new RedisTargetLock(redis).acquire(KEY, 30_000, P);
    expect(mine.freed).toEqual(ghost.owner);
    expect(parseOwner(await raw.get(prefix + KEY))).toEqual(mine.owner);
  });

  it('does not free a dead pid of another host, nor a live pid of this one', async () => {
    const dead = await deadPid();
    await new RedisTargetLock(redis, 'Redis', { identity: { pid: dead, host: 'elsewhere' } }).acquire(KEY, 30_000, P);
    expect((await heldError(new RedisTargetLock(redis).acquire(KEY, 30_000, P))).holder?.host).toBe('elsewhere');
    const other = KEY + '#x';
    await new RedisTargetLock(redis).acquire(other, 30_000, P);
    await heldError(new RedisTargetLock(redis).acquire(other, 30_000, P));
  });

  it('reports a value it did not write as an unknown holder and leaves it alone', async () => {
    await raw.set(prefix + KEY, 'someone else', 'PX', 60_000);
    const err = await heldError(new RedisTargetLock(redis).acquire(KEY, 30_000, P));
    expect(err.message).toMatch(new RegExp(`^${SUBJECT} is locked by an unknown holder; its lease lapses at .+; try again later$`));
    expect(err.holder).toBeNull();
    expect(await raw.get(prefix + KEY)).toBe('someone else');
  });

  it('inspect and forceRelease remove exactly the holder seen', async () => {
    const lock = new RedisTargetLock(redis);
    expect(await lock.inspect(KEY)).toBeNull();
    const a = await lock.acquire(KEY, 30_000, P);
    const seen = (await lock.inspect(KEY))!;
    expect(seen.holder).toEqual(a.owner);
    await new Promise((r) => setTimeout(r, 5)); // a renewal in the same millisecond would write the same record
    await a.renew(30_000); // the stored record moved on
    expect(await lock.forceRelease(KEY, seen.raw)).toBe(false);
    expect(await lock.forceRelease(KEY, (await lock.inspect(KEY))!.raw)).toBe(true);
    expect(await raw.exists(prefix + KEY)).toBe(0);
  });

  it('after a Redis restart lost the lock, the renewal takes it again and says so', async () => {
    const server = await RedisServer.start();
    const client = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    client.on('error', () => undefined);
    try {
      await vi.waitFor(() => client.ping(), { timeout: 5_000 });
      const lock = new RedisTargetLock(client);
      const a = await lock.acquire(KEY, 30_000, P);
      await server.stop();
      await server.start();
      await vi.waitFor(() => client.ping(), { timeout: 10_000 });
      expect(await client.exists(KEY)).toBe(0);
      expect(await a.renew(30_000)).toEqual({ status: 'retaken' });
      expect(parseOwner(await client.get(KEY))).toEqual(a.owner);
      // and if someone took it in between, the renewal names them
      await client.del(KEY);
      const b = await new RedisTargetLock(client, 'Redis', { identity: { operator: 'bob' } }).acquire(KEY, 30_000, P);
      expect(await a.renew(30_000)).toEqual({ status: 'lost', holder: b.owner });
    } finally {
      client.disconnect();
      await server.dispose();
    }
  });
});

describe('createTargetLock', () => {
  const shared = { name: 'jobs', place: '10.0.0.5:6379/0' };

  it('is the Redis lock when the configured Redis answers, a lock file when none is configured', () => {
    expect(createTargetLock({ redis, shared })).toBeInstanceOf(RedisTargetLock);
    expect(createTargetLock({})).toBeInstanceOf(FileTargetLock);
  });

  it('refuses, with the reason and the way out, when the configured Redis does not answer', async () => {
    const lock = createTargetLock({ shared, unreachable: 'connection refused by 10.0.0.5:6379', localLockHint: 'run again with --local-lock' });
    const err = await lock.acquire(KEY, 30_000, P).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockUnavailableError);
    expect((err as Error).message).toBe(
      'the shared lock in Redis "jobs" (10.0.0.5:6379/0) does not answer (connection refused by 10.0.0.5:6379), so nothing was done; to use a lock file that guards only this machine, run again with --local-lock',
    );
  });

  it('--local-lock: a lock file whose handles carry the choice, to be journaled', async () => {
    const lock = createTargetLock({ shared, unreachable: 'timed out', localLock: true });
    expect(lock).toBeInstanceOf(FileTargetLock);
    const h = await lock.acquire(KEY, 30_000, P);
    expect(h.choice).toBe('--local-lock: a lock file on this machine instead of the shared lock in Redis "jobs" (10.0.0.5:6379/0), which does not answer (timed out)');
    await h.release();
  });
});
