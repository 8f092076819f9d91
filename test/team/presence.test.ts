// Presence on the real local PostgreSQL: two dashboards see each other, a killed one drops out after the TTL,
// a closed one at once; a live lease of the environment and pending approvals (when the table exists) are counted.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';
import { openTeamStore, type TeamStore } from '../../src/team/store.js';
import { migrate } from '../../src/team/migrations.js';
import { TeamPresence } from '../../src/team/presence.js';
import { PgTargetLock } from '../../src/actions/lockPg.js';

let db: TestDatabase;
let store: TeamStore;

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'presence');
  store = openTeamStore(db.url);
  await migrate(store.pool);
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
});

const session = (operator: string, host: string, pid: number, env = 'blue') => new TeamPresence(store.pool, { env, operator, host, pid, awsIdentity: () => `arn:aws:iam::1:user/${operator}`, beatMs: 200, ttlMs: 1_500 });

async function until(ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('presence', () => {
  it('two sessions see each other; a killed one disappears after the TTL, a closed one at the next beat', async () => {
    const a = session('alice@h1', 'h1', 11);
    const b = session('bob@h2', 'h2', 22);
    const c = session('carol@h3', 'h3', 33);
    const elsewhere = session('dan@h4', 'h4', 44, 'green');
    for (const s of [a, b, c, elsewhere]) s.start();
    await until(() => a.view.get().others.length === 2 && b.view.get().others.length === 2, 3_000);
    const names = (s: TeamPresence) => s.view.get().others.map((o) => o.operator).sort();
    expect(names(a)).toEqual(['bob@h2', 'carol@h3']);
    expect(names(b)).toEqual(['alice@h1', 'carol@h3']);
    expect(a.view.get().others.find((o) => o.operator === 'bob@h2')!.awsIdentity).toBe('arn:aws:iam::1:user/bob@h2');
    // killed: its row stays but stops being renewed; still shown inside the TTL, gone after it
    b.stopBeating();
    const killedAt = Date.now();
    await until(() => !a.view.get().others.some((o) => o.operator === 'bob@h2'), 4_000);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(1_000);
    await c.close();
    await until(() => a.view.get().others.length === 0, 1_000);
    for (const s of [a, elsewhere]) await s.close();
    const rows = await store.pool.query('SELECT count(*)::int AS n FROM opsdeck.presence WHERE pid <> 22');
    expect(rows.rows[0].n).toBe(0);
  });

  it('counts the environment\u2019s live leases and its pending, unexpired approval requests', async () => {
    const a = session('alice@h1', 'h1', 55, 'locks');
    const lock = new PgTargetLock(store.pool, 'the team store');
    const held = await lock.acquire('opsdeck:lock:test-presence', 10_000, { action: 'scale', environment: 'locks', target: 'locks/api' });
    const other = await lock.acquire('opsdeck:lock:test-presence-2', 10_000, { action: 'scale', environment: 'other', target: 'other/api' });
    await a.beat();
    expect(a.view.get().locks).toEqual([{ holder: expect.stringMatching(/@/), target: 'locks/api' }]);
    expect(a.view.get().approvals).toBe(0);
    const row = (id: string, env: string, status: string, expires: string) =>
      store.pool.query(
        `INSERT INTO opsdeck.approval_requests (id, env, plan_hash, plan, action, target, tier, requester_user, requester_aws, requester_host, expires_at, status)
         VALUES ($1, $2, 'h', '{}', 'scale', 'x/api', 'destructive', 'bob', 'sandbox:bob', 'h2', now() + $3::interval, $4)`,
        [id, env, expires, status],
      );
    await row('1', 'locks', 'pending', '1 hour');
    await row('2', 'locks', 'approved', '1 hour');
    await row('3', 'other', 'pending', '1 hour');
    await row('4', 'locks', 'pending', '-1 minute');
    await a.beat();
    expect(a.view.get().approvals).toBe(1);
    await held.release();
    await other.release();
    await a.beat();
    expect(a.view.get().locks).toEqual([]);
    await a.close();
  });
});
