// Shared incidents on the real local PostgreSQL: two operators (two store clients with their own identities),
// a note delivered to the other's dashboard state by NOTIFY, a killed listener connection, the one-open race, the review.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';
import { openTeamStore, type TeamStore } from '../../src/team/store.js';
import { migrate } from '../../src/team/migrations.js';
import { TeamIncidents } from '../../src/team/incidents.js';
import { appendToChain } from '../../src/team/chain.js';
import { LiveTeamIncident, openTeamDashboardSession, type TeamDashboardSession } from '../../src/team/incidentsLive.js';
import { TuiIncident } from '../../src/dashboard/incident.js';
import { useTempStateDir } from '../support/tempState.js';

const state = useTempStateDir();
let db: TestDatabase;
let store: TeamStore;
const sessions: TeamDashboardSession[] = [];

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'incidents');
  store = openTeamStore(db.url);
  await migrate(store.pool);
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await store?.close();
  await db?.drop();
});

async function until<T>(what: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = what();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function dashboard(env: string, by: string): { tui: TuiIncident; session: TeamDashboardSession } {
  // polling far slower than the 2 s promise: a note arriving in time came by NOTIFY
  const session = openTeamDashboardSession({ url: db.url, env, by, awsIdentity: () => '', pollMs: 60_000 });
  sessions.push(session);
  const tui = new TuiIncident({ env: { OPSDECK_STATE_DIR: state.dir }, environment: () => env, findings: () => [], by });
  tui.attachTeam(session);
  return { tui, session };
}

function action(env: string, user: string, phase: 'intent' | 'verify', time: string) {
  return {
    id: randomUUID(),
    entry: { operator: { user, host: 'h' }, environment: env, action: 'scale', target: `${env}/api`, phase, plan: { summary: `scale ${env}/api to 3` }, phraseAccepted: true, outcome: phase === 'verify' ? ('ok' as const) : null, detail: `scale by ${user}`, requestIds: [], durationMs: null, time },
  };
}

describe('shared incidents', () => {
  it('a note from another operator reaches the dashboard within 2 s by NOTIFY, and again after its connection is killed', async () => {
    const env = 'blue';
    const alice = dashboard(env, 'alice@h1');
    await until(() => alice.session.live.listener.listening, 5_000);
    const r = alice.tui.start('api returns 502');
    expect(r.ok).toBe(true);
    await until(() => alice.tui.getState().status, 5_000);

    const bob = new TeamIncidents(store, 'bob@h2');
    // bob's start is refused with the open one, which he then joins
    const again = await bob.start(env, 'something else');
    expect(again.started).toBe(false);
    expect(again.incident.openedBy).toBe('alice@h1');
    await bob.join(env);
    const t0 = Date.now();
    await bob.append(env, { kind: 'note', time: new Date().toISOString(), text: 'replica lag 40 s', by: 'bob@h2' });
    await until(() => alice.tui.getState().team?.lastNote?.text === 'replica lag 40 s', 2_000);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(alice.tui.getState().team?.with).toEqual(['bob@h2']);

    // the listener's connection dies: it reconnects (a new backend) and still delivers
    const pid = alice.session.live.listener.backendPid()!;
    const admin = await db.client();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await until(() => alice.session.live.listener.listening && alice.session.live.listener.backendPid() !== pid, 10_000);
    await bob.append(env, { kind: 'note', time: new Date().toISOString(), text: 'failing over', by: 'bob@h2' });
    await until(() => alice.tui.getState().team?.lastNote?.text === 'failing over', 2_000);
    alice.tui.stop();
  });

  it('while LISTEN cannot connect, the state is polled instead', async () => {
    const env = 'poll';
    const bob = new TeamIncidents(store, 'bob@h2');
    // the listener's server does not answer (nothing listens on port 1); the reads go to the real store
    const live = new LiveTeamIncident(new TeamIncidents(store, 'alice@h1'), env, 'postgres://postgres@127.0.0.1:1/none', { pollMs: 300 });
    live.start();
    try {
      await bob.start(env, 'polled');
      await bob.append(env, { kind: 'note', time: new Date().toISOString(), text: 'seen by polling', by: 'bob@h2' });
      await until(() => live.state.get().events.some((e) => e.entry.kind === 'note' && e.entry.text === 'seen by polling'), 3_000);
      expect(live.listener.listening).toBe(false);
    } finally {
      await live.close();
    }
  });

  it('two starts at once open one incident; the other is told to join it', async () => {
    const env = 'race';
    const ops = Array.from({ length: 4 }, (_, i) => new TeamIncidents(store, `op${i}@h${i}`));
    const results = await Promise.all(ops.map((o) => o.start(env, `started by ${o.by}`)));
    expect(results.filter((r) => r.started)).toHaveLength(1);
    const id = results.find((r) => r.started)!.incident.id;
    expect(results.every((r) => r.incident.id === id)).toBe(true);
    const open = await store.pool.query(`SELECT count(*)::int AS n FROM opsdeck.incidents WHERE env = $1 AND closed_at IS NULL`, [env]);
    expect(open.rows[0].n).toBe(1);
    // the index itself refuses a second open row, whatever the code does
    await expect(store.pool.query(`INSERT INTO opsdeck.incidents (id, env, title, opened_by, opened_at) VALUES ('x', $1, 't', 'z', now())`, [env])).rejects.toThrow(/incidents_one_open_per_env/);
  });

  it('the review lists both operators\u2019 notes and actions; after the end a new incident can start', async () => {
    const env = 'green';
    const alice = new TeamIncidents(store, 'alice@h1');
    const bob = new TeamIncidents(store, 'bob@h2');
    const started = await alice.start(env, 'queue backlog', Date.now() - 5_000);
    expect(started.started).toBe(true);
    await bob.join(env);
    await alice.append(env, { kind: 'note', time: new Date().toISOString(), text: 'alice looks at the workers', by: 'alice@h1' });
    await bob.append(env, { kind: 'note', time: new Date().toISOString(), text: 'bob scales the api', by: 'bob@h2' });
    const now = new Date().toISOString();
    await appendToChain(store.pool, action(env, 'alice', 'intent', now));
    await appendToChain(store.pool, action(env, 'bob', 'intent', now));
    await appendToChain(store.pool, action(env, 'bob', 'verify', now));
    // another environment's action stays out
    await appendToChain(store.pool, action('blue', 'carol', 'intent', now));
    const ended = await alice.end(env, { OPSDECK_STATE_DIR: state.dir }, Date.now() + 1_000);
    const review = ended.review;
    expect(review).toContain('alice@h1: alice looks at the workers');
    expect(review).toContain('bob@h2: bob scales the api');
    expect(review).toMatch(/confirmed scale green\/api: .*by alice@h, journal/);
    expect(review).toMatch(/done scale green\/api: scale by bob \(by bob@h, journal/);
    expect(review).not.toMatch(/carol/);
    const byOf = ended.incident.entries.filter((e) => e.kind === 'action').map((e) => (e.kind === 'action' ? e.by : ''));
    expect(new Set(byOf)).toEqual(new Set(['alice@h', 'bob@h']));
    expect(await alice.openIncident(env)).toBeUndefined();
    expect((await bob.start(env, 'next one')).started).toBe(true);
  });
});
