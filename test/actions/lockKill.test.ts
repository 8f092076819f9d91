// A holder killed with SIGKILL cannot release its lock. From another host its
// lease lapses on its own within a minute (LEASE_MS, 30 s); on its own host
// its dead pid frees the lock at once. Real processes, the real Redis.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { LEASE_MS, LockHeldError, type LockOwner, type TargetLock } from '../../src/actions/lock.js';
import { resourceKey } from '../../src/actions/lockResource.js';
import { RedisTargetLock } from '../../src/actions/lockRedis.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { bundleForNode } from '../support/bundle.js';
import { LineChild } from '../support/lineChild.js';

const URL = process.env.OPSDECK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const P = { action: 'scale', environment: 'green', target: 'green/api' };
let work = '';
let script = '';
let raw: Redis;
const keys: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'opsdeck-kill-'));
  script = await bundleForNode('test/support/lockHolder.ts', work);
  raw = new Redis(URL);
});
afterAll(async () => {
  if (keys.length) await raw.del(...keys);
  raw.disconnect();
  rmSync(work, { recursive: true, force: true });
});

function freshKey(): string {
  const key = resourceKey({ kind: 'ecs-service', account: '111122223333', region: 'eu-west-1', cluster: `kill-${randomBytes(4).toString('hex')}`, service: 'api' });
  keys.push(key);
  return key;
}

/** Starts a holder, waits until it holds the lock, and kills it with SIGKILL; returns its holder record and the kill time. */
async function killedHolder(args: string[]): Promise<{ owner: LockOwner; killedAt: number }> {
  const child = new LineChild(script, args);
  const said = await child.next<{ held?: LockOwner }>();
  expect(said.held, child.errors).toBeDefined();
  const exited = new Promise((resolve) => child.proc.once('exit', resolve));
  child.proc.kill('SIGKILL');
  await exited;
  return { owner: said.held!, killedAt: Date.now() };
}

/** Tries the lock every 250 ms until it is granted; returns when, and what the last refusal said. */
async function acquireWhenFree(lock: TargetLock, key: string, limitMs: number) {
  const started = Date.now();
  let refusal = '';
  for (;;) {
    try {
      const h = await lock.acquire(key, LEASE_MS, P);
      return { handle: h, at: Date.now(), refusal };
    } catch (err) {
      if (!(err instanceof LockHeldError)) throw err;
      refusal = err.message;
    }
    if (Date.now() - started > limitMs) throw new Error(`still locked after ${limitMs} ms: ${refusal}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('a holder killed with kill -9', () => {
  it('Redis: from another host its lock lapses within 60 s, with the refusal saying when', async () => {
    const key = freshKey();
    const { owner, killedAt } = await killedHolder(['redis', URL, key]);
    const elsewhere = new RedisTargetLock(raw, 'Redis', { identity: { host: 'bastion-2' } });
    const got = await acquireWhenFree(elsewhere, key, 65_000);
    const lapsedAfter = got.at - killedAt;
    console.log(`kill -9 → lock free from another host after ${lapsedAfter} ms (lease ${LEASE_MS} ms)`);
    expect(lapsedAfter).toBeLessThan(60_000);
    expect(lapsedAfter).toBeGreaterThan(LEASE_MS - 11_000); // it lapsed, nobody freed it early
    expect(got.refusal).toMatch(new RegExp(`^ecs/.+/api is locked: scale of blue/api by .+ \\(pid ${owner.pid}\\), since .+; its lease lapses at \\d\\d:\\d\\d:\\d\\d UTC \\(in \\d+ s\\) unless the holder renews it$`));
    expect(got.handle.freed).toBeUndefined();
    await got.handle.release();
  }, 90_000);

  it('Redis: on the same host its dead pid frees the lock at once, naming the holder freed', async () => {
    const key = freshKey();
    const { owner, killedAt } = await killedHolder(['redis', URL, key]);
    const here = new RedisTargetLock(raw);
    const h = await here.acquire(key, LEASE_MS, P);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(h.freed).toEqual(owner);
    await h.release();
  }, 30_000);

  it('lock file: the same on this host; another host name waits for the lease', async () => {
    const key = freshKey();
    const dir = join(work, 'locks');
    const { owner } = await killedHolder(['file', dir, key]);
    const err = await new FileTargetLock(dir, { identity: { host: 'bastion-2' } }).acquire(key, LEASE_MS, P).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockHeldError);
    const h = await new FileTargetLock(dir).acquire(key, LEASE_MS, P);
    expect(h.freed).toEqual(owner);
    await h.release();
  }, 30_000);
});
