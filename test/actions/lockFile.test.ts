import { describe, it, expect, vi } from 'vitest';
import { existsSync, readFileSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { LockHeldError, type LockPurpose } from '../../src/actions/lock.js';
import { resourceKey } from '../../src/actions/lockResource.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { createTargetLock } from '../../src/actions/lockSelect.js';
import { locksDir } from '../../src/state/paths.js';
import { useTempStateDir } from '../support/tempState.js';
import { deadPid } from '../support/lineChild.js';

useTempStateDir();
const ecs = (service: string, cluster = 'demo') => resourceKey({ kind: 'ecs-service', account: '111122223333', region: 'eu-west-1', cluster, service });
const KEY = ecs('api');
const P: LockPurpose = { action: 'scale', environment: 'demo', target: 'demo/api' };
const T0 = Date.UTC(2024, 4, 1, 5, 41, 9);

async function heldError(p: Promise<unknown>): Promise<LockHeldError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LockHeldError);
  return err as LockHeldError;
}

describe('FileTargetLock', () => {
  it('acquires, refuses a second holder naming the first, and frees on release', async () => {
    const lock = new FileTargetLock(locksDir());
    const a = await lock.acquire(KEY, 60_000, P);
    expect(a.key).toBe(KEY);
    expect(a.owner.pid).toBe(process.pid);
    expect(JSON.parse(readFileSync(lock.pathFor(KEY), 'utf8'))).toEqual(a.owner);
    expect(a.owner).toMatchObject({ action: 'scale', environment: 'demo', target: 'demo/api' });

    const err = await heldError(lock.acquire(KEY, 60_000, P));
    expect(err.holder).toEqual(a.owner);
    expect(err.expiresInMs).toBeGreaterThan(59_000);
    expect(err.message).toMatch(
      new RegExp(`^ecs/111122223333/eu-west-1/demo/api is locked: scale of demo/api by ${a.owner.operator}@${hostname()} \\(pid ${process.pid}\\), since \\d\\d:\\d\\d:\\d\\d UTC \\(\\d+s ago\\); its lease lapses at \\d\\d:\\d\\d:\\d\\d UTC \\(in (59|60) s\\) unless the holder renews it$`),
    );

    await a.release();
    await a.release(); // idempotent
    expect(existsSync(lock.pathFor(KEY))).toBe(false);
    const b = await lock.acquire(KEY, 60_000, P);
    expect(b.owner.nonce).not.toBe(a.owner.nonce);
  });

  it('says who holds it, since when, for what and when its lease lapses, in UTC', async () => {
    const alice = new FileTargetLock(locksDir(), { identity: { operator: 'alice', host: 'bastion-1', pid: 4242 }, now: () => T0 });
    await alice.acquire(KEY, 600_000, { action: 'rollback', environment: 'staging', target: 'staging/api' });
    const bob = new FileTargetLock(locksDir(), { now: () => T0 + 2 * 60_000 + 5_000 });
    const err = await heldError(bob.acquire(KEY, 600_000, P));
    expect(err.message).toBe('ecs/111122223333/eu-west-1/demo/api is locked: rollback of staging/api by alice@bastion-1 (pid 4242), since 05:41:09 UTC (2m ago); its lease lapses at 05:51:09 UTC (in 475 s) unless the holder renews it');
    expect(err.expiresInMs).toBe(600_000 - 125_000);
  });

  it('says so when the holder is a dead pid of this host it could not free', async () => {
    const dead = await deadPid();
    const alice = new FileTargetLock(locksDir(), { identity: { pid: dead }, now: () => T0 });
    await alice.acquire(KEY, 600_000, P);
    const err = new LockHeldError('ecs/x', JSON.parse(readFileSync(alice.pathFor(KEY), 'utf8')), 10_000, T0);
    expect(err.message).toContain(`the holder pid ${dead} on this host is gone`);
  });

  it('keeps locks on different targets apart', async () => {
    const lock = new FileTargetLock(locksDir());
    await lock.acquire(ecs('a/b'), 60_000, P);
    await expect(lock.acquire(ecs('a_b'), 60_000, P)).resolves.toBeDefined();
    await expect(lock.acquire(ecs('a/b', 'other'), 60_000, P)).resolves.toBeDefined();
  });

  it('takes over an expired lock, and the late release of the old owner leaves the new one alone', async () => {
    let now = T0;
    const clock = () => now;
    const first = await new FileTargetLock(locksDir(), { now: clock }).acquire(KEY, 1_000, P);
    now += 1_001;
    const second = await new FileTargetLock(locksDir(), { now: clock }).acquire(KEY, 60_000, P);

    expect(await first.renew(60_000)).toEqual({ status: 'lost', holder: second.owner });
    await first.release();
    const err = await heldError(new FileTargetLock(locksDir(), { now: clock }).acquire(KEY, 60_000, P));
    expect(err.holder).toEqual(second.owner);
    await second.release();
    expect(existsSync(new FileTargetLock(locksDir()).pathFor(KEY))).toBe(false);
  });

  it('expires for real after its ttl', async () => {
    const lock = new FileTargetLock(locksDir());
    const started = Date.now();
    await lock.acquire(KEY, 200, P);
    await heldError(lock.acquire(KEY, 200, P));
    // acquire rejects while the lock is held, and vi.waitFor retries on a rejection
    await vi.waitFor(() => lock.acquire(KEY, 60_000, P), { timeout: 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('renew pushes the lease back, and takes the lock again when its file vanished', async () => {
    let now = T0;
    const lock = new FileTargetLock(locksDir(), { now: () => now });
    const a = await lock.acquire(KEY, 1_000, P);
    expect(await a.renew(10_000)).toEqual({ status: 'renewed' });
    expect(a.owner.leaseExpiresAt).toBe(T0 + 10_000);
    now += 5_000;
    expect((await heldError(lock.acquire(KEY, 1_000, P))).holder).toEqual(a.owner);
    now += 5_001;
    const b = await lock.acquire(KEY, 1_000, P);
    await b.release();
    expect(await a.renew(10_000)).toEqual({ status: 'retaken' });
    expect((await heldError(lock.acquire(KEY, 1_000, P))).holder).toEqual(a.owner);
  });

  it('takes over the lock of a dead process on this host, but not of a live one or one on another host', async () => {
    const dead = await deadPid();
    const ghost = await new FileTargetLock(locksDir(), { identity: { pid: dead } }).acquire(KEY, 600_000, P);
    const mine = await new FileTargetLock(locksDir()).acquire(KEY, 600_000, P);
    expect(mine.freed).toEqual(ghost.owner);

    const other = ecs('worker');
    await new FileTargetLock(locksDir(), { identity: { pid: dead, host: 'elsewhere' } }).acquire(other, 600_000, P);
    expect((await heldError(new FileTargetLock(locksDir()).acquire(other, 600_000, P))).holder?.host).toBe('elsewhere');

    const live = ecs('cron');
    await new FileTargetLock(locksDir()).acquire(live, 600_000, P);
    await heldError(new FileTargetLock(locksDir()).acquire(live, 600_000, P));
  });

  it('respects an unreadable lock file for a while, then clears it', async () => {
    const lock = new FileTargetLock(locksDir());
    mkdirSync(locksDir(), { recursive: true });
    writeFileSync(lock.pathFor(KEY), 'not json');
    const err = await heldError(lock.acquire(KEY, 60_000, P));
    expect(err.message).toBe('ecs/111122223333/eu-west-1/demo/api is locked by an unknown holder; try again later');
    // past the 60 s grace by a clear margin: mtime is stored coarser than the clock reads
    const old = new Date(Date.now() - 61_000);
    utimesSync(lock.pathFor(KEY), old, old);
    const h = await lock.acquire(KEY, 60_000, P);
    expect(JSON.parse(readFileSync(lock.pathFor(KEY), 'utf8')).nonce).toBe(h.owner.nonce);
  });

  it('rejects a lease that is not a whole number of milliseconds up to an hour', async () => {
    await expect(new FileTargetLock(locksDir()).acquire(KEY, 0, P)).rejects.toThrow(RangeError);
    await expect(new FileTargetLock(locksDir()).acquire(KEY, 8.64e18, P)).rejects.toThrow(RangeError);
  });

  it('is the flavour chosen when no Redis is configured', async () => {
    const lock = createTargetLock({});
    expect(lock).toBeInstanceOf(FileTargetLock);
    expect((lock as FileTargetLock).dir).toBe(locksDir());
  });
});
