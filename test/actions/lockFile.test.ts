import { describe, it, expect, vi } from 'vitest';
import { existsSync, readFileSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { LockHeldError, LockLostError, lockKey } from '../../src/actions/lock.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { createTargetLock } from '../../src/actions/lockSelect.js';
import { locksDir } from '../../src/state/paths.js';
import { useTempStateDir } from '../support/tempState.js';
import { deadPid } from '../support/lineChild.js';

useTempStateDir();
const KEY = lockKey('demo', 'demo/api');
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
    const a = await lock.acquire(KEY, 60_000);
    expect(a.key).toBe(KEY);
    expect(a.owner.pid).toBe(process.pid);
    expect(JSON.parse(a.token)).toEqual(a.owner);

    const err = await heldError(lock.acquire(KEY, 60_000));
    expect(err.holder).toEqual(a.owner);
    expect(err.expiresInMs).toBeGreaterThan(59_000);
    expect(err.message).toMatch(new RegExp(`^demo/api is locked by ${a.owner.user}@${hostname()} \\(pid ${process.pid}\\) since \\d\\d:\\d\\d:\\d\\d UTC \\(\\d+s ago\\); try again when they are done$`));

    await a.release();
    await a.release(); // idempotent
    expect(existsSync(lock.pathFor(KEY))).toBe(false);
    const b = await lock.acquire(KEY, 60_000);
    expect(b.owner.nonce).not.toBe(a.owner.nonce);
  });

  it('says who holds it and since when, in UTC', async () => {
    const alice = new FileTargetLock(locksDir(), { identity: { user: 'alice', host: 'bastion-1', pid: 4242 }, now: () => T0 });
    await alice.acquire(KEY, 600_000);
    const bob = new FileTargetLock(locksDir(), { now: () => T0 + 2 * 60_000 + 5_000 });
    const err = await heldError(bob.acquire(KEY, 600_000));
    expect(err.message).toBe('demo/api is locked by alice@bastion-1 (pid 4242) since 05:41:09 UTC (2m ago); try again when they are done');
    expect(err.expiresInMs).toBe(600_000 - 125_000);
  });

  it('keeps locks on different targets apart', async () => {
    const lock = new FileTargetLock(locksDir());
    await lock.acquire(lockKey('demo', 'a/b'), 60_000);
    await expect(lock.acquire(lockKey('demo', 'a_b'), 60_000)).resolves.toBeDefined();
    await expect(lock.acquire(lockKey('prod', 'a/b'), 60_000)).resolves.toBeDefined();
  });

  it('takes over an expired lock, and the late release of the old owner leaves the new one alone', async () => {
    let now = T0;
    const clock = () => now;
    const first = await new FileTargetLock(locksDir(), { now: clock }).acquire(KEY, 1_000);
    now += 1_001;
    const second = await new FileTargetLock(locksDir(), { now: clock }).acquire(KEY, 60_000);

    await first.release();
    const err = await heldError(new FileTargetLock(locksDir(), { now: clock }).acquire(KEY, 60_000));
    expect(err.holder).toEqual(second.owner);
    await expect(first.extend(60_000)).rejects.toBeInstanceOf(LockLostError);
    await second.release();
    expect(existsSync(new FileTargetLock(locksDir()).pathFor(KEY))).toBe(false);
  });

  it('expires for real after its ttl', async () => {
    const lock = new FileTargetLock(locksDir());
    const started = Date.now();
    await lock.acquire(KEY, 200);
    await heldError(lock.acquire(KEY, 200));
    // acquire rejects while the lock is held, and vi.waitFor retries on a rejection
    await vi.waitFor(() => lock.acquire(KEY, 60_000), { timeout: 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('extend pushes the expiry back', async () => {
    let now = T0;
    const lock = new FileTargetLock(locksDir(), { now: () => now });
    const a = await lock.acquire(KEY, 1_000);
    await a.extend(10_000);
    now += 5_000;
    expect((await heldError(lock.acquire(KEY, 1_000))).holder).toEqual(a.owner);
    now += 5_001;
    await expect(lock.acquire(KEY, 1_000)).resolves.toBeDefined();
  });

  it('takes over the lock of a dead process on this host, but not of a live one or one on another host', async () => {
    const dead = await deadPid();
    await new FileTargetLock(locksDir(), { identity: { pid: dead } }).acquire(KEY, 600_000);
    await expect(new FileTargetLock(locksDir()).acquire(KEY, 600_000)).resolves.toBeDefined();

    const other = lockKey('demo', 'demo/worker');
    await new FileTargetLock(locksDir(), { identity: { pid: dead, host: 'elsewhere' } }).acquire(other, 600_000);
    expect((await heldError(new FileTargetLock(locksDir()).acquire(other, 600_000))).holder?.host).toBe('elsewhere');

    const live = lockKey('demo', 'demo/cron');
    await new FileTargetLock(locksDir()).acquire(live, 600_000);
    await heldError(new FileTargetLock(locksDir()).acquire(live, 600_000));
  });

  it('respects an unreadable lock file for a while, then clears it', async () => {
    const lock = new FileTargetLock(locksDir());
    mkdirSync(locksDir(), { recursive: true });
    writeFileSync(lock.pathFor(KEY), 'not json');
    const err = await heldError(lock.acquire(KEY, 60_000));
    expect(err.message).toBe('demo/api is locked by an unknown holder; try again later');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock.pathFor(KEY), old, old);
    const h = await lock.acquire(KEY, 60_000);
    expect(JSON.parse(readFileSync(lock.pathFor(KEY), 'utf8')).nonce).toBe(h.owner.nonce);
  });

  it('rejects a ttl that is not a positive number of milliseconds', async () => {
    await expect(new FileTargetLock(locksDir()).acquire(KEY, 0)).rejects.toThrow(RangeError);
  });

  it('is the flavour chosen when no Redis is configured', async () => {
    const lock = createTargetLock({});
    expect(lock).toBeInstanceOf(FileTargetLock);
    expect((lock as FileTargetLock).dir).toBe(locksDir());
  });
});
