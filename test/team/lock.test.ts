/**
 * The lease lock in the team store (lockPg.ts) on the real local PostgreSQL:
 * across two processes, the lease, the holder's renewals, a dead holder of
 * this host freed at once, one of another host only when its lease lapses,
 * and the refusal when the store does not answer.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';
import { bundleForNode } from '../support/bundle.js';
import { LineChild } from '../support/lineChild.js';
import { openTeamStore, type TeamStore } from '../../src/team/store.js';
import { migrate } from '../../src/team/migrations.js';
import { PgTargetLock } from '../../src/actions/lockPg.js';
import { LockHeldError, LockUnavailableError, type LockOwner, type LockPurpose } from '../../src/actions/lock.js';
import { resourceKey } from '../../src/actions/lockResource.js';
import { createTargetLock } from '../../src/actions/lockSelect.js';
import { useTempStateDir } from '../support/tempState.js';

useTempStateDir();
const KEY = resourceKey({ kind: 'ecs-service', account: '111122223333', region: 'eu-west-1', cluster: 'demo', service: 'api' });
const P: LockPurpose = { action: 'scale', environment: 'demo', target: 'demo/api' };
let db: TestDatabase;
let store: TeamStore;
let dir = '';
let script = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-team-lock-'));
  script = await bundleForNode('test/team/support/teamChild.ts', dir);
  db = await createTestDatabase(undefined, 'team');
  store = openTeamStore(db.url);
  await migrate(store.pool);
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function refusal(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(err).toBeInstanceOf(Error);
  return err!;
}

describe('PgTargetLock', () => {
  it('is what lockSelect gives an environment with a team store and no Redis', () => {
    const lock = createTargetLock({ team: { pool: store.pool, where: '127.0.0.1:5432', describe: String } });
    expect(lock).toBeInstanceOf(PgTargetLock);
    expect(lock.where).toBe('the team store (127.0.0.1:5432)');
    expect(createTargetLock({ team: { pool: store.pool, where: 'x', describe: String }, localLock: true }).where).toMatch(/lock file/);
  });

  it('one holder at a time; renew moves the lease, a stranger cannot release it, release frees it', async () => {
    const lock = new PgTargetLock(store.pool, 'the team store');
    const a = await lock.acquire(KEY, 30_000, P);
    const err = await refusal(lock.acquire(KEY, 30_000, P));
    expect(err).toBeInstanceOf(LockHeldError);
    expect((err as LockHeldError).holder).toEqual(a.owner);
    expect(err.message).toMatch(/^ecs\/111122223333\/eu-west-1\/demo\/api is locked: scale of demo\/api by .+ \(pid \d+\), since .+; its lease lapses at \d\d:\d\d:\d\d UTC \(in (29|30) s\) unless the holder renews it$/);

    const held = await lock.inspect(KEY);
    expect(held?.holder).toEqual(a.owner);
    expect(await lock.forceRelease(KEY, '{"someone":"else"}')).toBe(false);
    expect(await a.renew(60_000)).toEqual({ status: 'renewed' });
    expect((await lock.inspect(KEY))!.expiresInMs).toBeGreaterThan(55_000);
    await a.release();
    expect(await lock.inspect(KEY)).toBeNull();
    const b = await lock.acquire(KEY, 30_000, P);
    expect(await a.renew(30_000)).toEqual({ status: 'lost', holder: null });
    await b.release();
  });

  it('a lapsed lease is taken over; its late renewal finds it lost', async () => {
    const lock = new PgTargetLock(store.pool, 'the team store');
    const a = await lock.acquire(KEY, 200, P);
    await new Promise((r) => setTimeout(r, 400));
    const b = await lock.acquire(KEY, 30_000, P);
    expect(await a.renew(30_000)).toMatchObject({ status: 'lost' });
    await a.release();
    expect((await lock.inspect(KEY))?.holder).toEqual(b.owner);
    await b.release();
  });

  it('across processes: held while the other renews; a killed holder on this host is freed at once', async () => {
    const child = new LineChild(script, ['lock', db.url, KEY, '2000']);
    try {
      const first = await child.next<{ held: LockOwner }>();
      expect(first).toHaveProperty('held');
      const { held } = first;
      expect(held.pid).toBe(child.pid);
      const lock = new PgTargetLock(store.pool, 'the team store');
      // longer than the lease: only the child's renewals keep it
      await new Promise((r) => setTimeout(r, 2_500));
      expect((await refusal(lock.acquire(KEY, 30_000, P)) as LockHeldError).holder).toMatchObject({ pid: child.pid, nonce: held.nonce });
      child.proc.kill('SIGKILL');
      await new Promise((r) => child.proc.once('exit', r));
      const mine = await lock.acquire(KEY, 30_000, P);
      expect(mine.freed).toMatchObject({ pid: held.pid, nonce: held.nonce });
      await mine.release();
    } finally {
      child.kill();
    }
  });

  it("a killed holder of another host keeps the lock until its lease lapses", async () => {
    const child = new LineChild(script, ['lock', db.url, KEY, '1500'], { ...process.env, OPSDECK_LOCK_HOST: 'other-machine' });
    try {
      const first = await child.next<{ held: LockOwner }>();
      expect(first).toHaveProperty('held');
      const { held } = first;
      expect(held.host).toBe('other-machine');
      child.proc.kill('SIGKILL');
      await new Promise((r) => child.proc.once('exit', r));
      const lock = new PgTargetLock(store.pool, 'the team store');
      expect(await refusal(lock.acquire(KEY, 30_000, P))).toBeInstanceOf(LockHeldError);
      await new Promise((r) => setTimeout(r, 1_700));
      const mine = await lock.acquire(KEY, 30_000, P);
      expect(mine.freed).toBeUndefined();
      await mine.release();
    } finally {
      child.kill();
    }
  });

  it('a store that does not answer refuses the action, naming the way out', async () => {
    const dead = openTeamStore('postgres://postgres:s3cret-pw@127.0.0.1:1/none', { connectTimeoutMs: 500 });
    try {
      const err = await refusal(new PgTargetLock(dead.pool, 'the team store (127.0.0.1:1)', { describe: dead.describe }).acquire(KEY, 30_000, P));
      expect(err).toBeInstanceOf(LockUnavailableError);
      expect(err.message).toMatch(/^the shared lock in the team store \(127\.0\.0\.1:1\), which could not be reached or read \(.+\), so nothing was done; to use a lock file that guards only this machine, run again with --local-lock$/);
      expect(err.message).not.toContain('s3cret-pw');
    } finally {
      await dead.close();
    }
  });
});
