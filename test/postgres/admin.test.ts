// Cancel a query and terminate a backend on the shared local server, through the one executor,
// with an admin role that has pg_signal_backend and is no superuser.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { createPostgresAdmin } from '../../src/sources/postgres/index.js';
import { cancelAction } from '../../src/actions/postgres/cancel.js';
import { terminateAction } from '../../src/actions/postgres/terminate.js';
import { noAdminLine, type PgActionContext, type PostgresAdmin } from '../../src/actions/postgres/context.js';
import { runAction, type ExecutorDeps } from '../../src/actions/executor.js';
import { environmentLocator, lockKeyFor } from '../../src/actions/lockResource.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { planLines } from '../../src/actions/format.js';
import { pause } from '../../src/sources/backend.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';
import { SHARED, createTestDatabase, type TestDatabase } from './helpers.js';

const signal = () => new AbortController().signal;
const suffix = randomBytes(4).toString('hex');
const ADMIN_ROLE = `opsdeck_sig_${suffix}`;
const APP_ROLE = `opsdeck_app_${suffix}`;
const ADMIN_PASSWORD = `Adm1nPw-${suffix}`;

let db: TestDatabase;
let setup: pg.Client;
let dir: string;
const admins: PostgresAdmin[] = [];
const clients: pg.Client[] = [];

const env: EnvironmentInfo = { name: 'test', protected: false, readOnly: false, region: '—', account: '—', identity: 'tester' };
const host = new URL(SHARED).host;
const adminUrl = () => `postgres://${ADMIN_ROLE}:${ADMIN_PASSWORD}@${host}/${db.name}`;

function context(admin: string | null = adminUrl()): PgActionContext {
  const postgres = createPostgresAdmin([{ name: 'primary', url: db.url, ...(admin ? { admin } : {}) }]);
  admins.push(postgres);
  return { env, now: () => Date.now(), sleep: pause, postgres };
}

function deps(): ExecutorDeps & { journal: AuditJournal } {
  return {
    journal: new AuditJournal(join(dir, `audit-${randomBytes(3).toString('hex')}.jsonl`)),
    lock: new FileTargetLock(join(dir, 'locks')),
    locate: environmentLocator(() => env, {}, undefined, { primary: db.url }),
  };
}

/** A session of the unprivileged application role: pg_signal_backend may signal it. */
async function appClient(name: string): Promise<{ c: pg.Client; pid: number }> {
  const c = new pg.Client({ connectionString: `postgres://${APP_ROLE}@${host}/${db.name}`, application_name: name });
  c.on('error', () => {});
  await c.connect();
  clients.push(c);
  return { c, pid: (await c.query('SELECT pg_backend_pid() AS p')).rows[0].p };
}

async function activity(pid: number): Promise<{ state: string; query: string; wait_event_type: string | null } | undefined> {
  return (await setup.query('SELECT state, query, wait_event_type FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0];
}

/** A holder in a transaction with the row locked, and a waiter blocked on it. */
async function lockChain() {
  const holder = await appClient('holder');
  const waiter = await appClient('waiter');
  await holder.c.query('BEGIN');
  await holder.c.query('UPDATE accounts SET balance = balance - 10 WHERE id = 1');
  const blocked = waiter.c.query('UPDATE accounts SET balance = balance + 10 WHERE id = 1').then(
    () => 'finished',
    (err: { code?: string; message: string }) => `${err.code}: ${err.message}`,
  );
  await vi.waitFor(async () => expect((await activity(waiter.pid))?.wait_event_type).toBe('Lock'), { timeout: 5_000 });
  return { holder, waiter, blocked };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-pgadmin-'));
  db = await createTestDatabase(undefined, 'adm');
  setup = await db.client('opsdeck-test-setup');
  await setup.query(`CREATE ROLE ${ADMIN_ROLE} LOGIN PASSWORD '${ADMIN_PASSWORD}' IN ROLE pg_signal_backend`);
  await setup.query(`CREATE ROLE ${APP_ROLE} LOGIN`);
  await setup.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)');
  await setup.query('INSERT INTO accounts VALUES (1, 100), (2, 200)');
  await setup.query(`GRANT SELECT, UPDATE ON accounts TO ${APP_ROLE}`);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
  await Promise.all(admins.splice(0).map((a) => a.close()));
});

afterAll(async () => {
  await db?.drop();
  const su = new pg.Client({ connectionString: `${SHARED}/postgres` });
  await su.connect();
  await su.query(`DROP ROLE IF EXISTS ${ADMIN_ROLE}`).catch(() => {});
  await su.query(`DROP ROLE IF EXISTS ${APP_ROLE}`).catch(() => {});
  await su.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('cancel and terminate on the local server', () => {
  it('the admin role has pg_signal_backend and is no superuser', async () => {
    const role = await context().postgres.adminRole('primary', signal());
    expect(role).toMatchObject({ role: ADMIN_ROLE, superuser: false, signalBackend: true });
  });

  it('cancel the blocked UPDATE: the plan shows both ends of the chain; afterwards the waiter runs it no more', async () => {
    const { holder, waiter, blocked } = await lockChain();
    const ctx = context();
    const plan = await cancelAction.plan(ctx, { database: 'primary', pid: waiter.pid }, signal());
    expect(plan.refusal).toBeUndefined();
    expect(plan.phrase).toBe(String(waiter.pid));
    expect(plan.tier).toBe('destructive');
    expect(plan.calls).toEqual([{ api: 'postgres:pg_cancel_backend', params: { database: 'primary', pid: waiter.pid } }]);
    const text = planLines(plan).join('\n');
    expect(text).toContain(`user ${APP_ROLE} · application waiter`);
    expect(text).toContain('query     UPDATE accounts SET balance = balance + 10 WHERE id = 1');
    expect(text).toContain(`waits for pid ${holder.pid}`);
    expect(text).toContain('waiting on Lock:transactionid');
    expect(text).toContain(`admin connection: role ${ADMIN_ROLE} (pg_signal_backend)`);
    // the query text is shown, never journaled
    expect(plan.summary).not.toContain('UPDATE');

    const holderPlan = await terminateAction.plan(ctx, { database: 'primary', pid: holder.pid }, signal());
    expect(planLines(holderPlan).join('\n')).toContain(`blocks    1 session: pid ${waiter.pid}`);

    const d = deps();
    const result = await runAction(d, { action: cancelAction, ctx, plan, typed: String(waiter.pid) });
    expect(result.outcome, result.message).toBe('done');
    expect(result.message).toContain(`pid ${waiter.pid}'s query ended`);
    expect(await blocked).toBe('57014: canceling statement due to user request');
    const after = await activity(waiter.pid);
    expect(after?.state).toBe('idle');
    // the holder is untouched
    expect((await activity(holder.pid))?.state).toBe('idle in transaction');
    expect(d.journal.read().map((r) => [r.phase, r.outcome, r.action, r.target])).toEqual([
      ['intent', null, 'pg-cancel', `test/primary/pid ${waiter.pid}`],
      ['outcome', 'ok', 'pg-cancel', `test/primary/pid ${waiter.pid}`],
      ['verify', 'ok', 'pg-cancel', `test/primary/pid ${waiter.pid}`],
    ]);
    expect(JSON.stringify(d.journal.read())).not.toContain('balance + 10');
  });

  it('terminate the holder: its pid leaves pg_stat_activity, its transaction rolls back and the waiter goes on', async () => {
    const { holder, waiter, blocked } = await lockChain();
    const ctx = context();
    const plan = await terminateAction.plan(ctx, { database: 'primary', pid: holder.pid }, signal());
    expect(plan.refusal).toBeUndefined();
    const text = planLines(plan).join('\n');
    expect(text).toContain('state     idle in transaction for');
    expect(text).toContain('transaction open');
    expect(text).toContain(`blocks    1 session: pid ${waiter.pid}`);
    expect(text).toContain('its open transaction rolls back');
    const result = await runAction(deps(), { action: terminateAction, ctx, plan, typed: String(holder.pid) });
    expect(result.outcome, result.message).toBe('done');
    expect(result.message).toBe(`test/primary/pid ${holder.pid}: pid ${holder.pid} is gone from pg_stat_activity`);
    expect(await activity(holder.pid)).toBeUndefined();
    expect(await blocked).toBe('finished');
    // the holder's -10 rolled back, the waiter's +10 went through
    expect((await setup.query('SELECT balance FROM accounts WHERE id = 1')).rows[0].balance).toBe(110);
    await setup.query('UPDATE accounts SET balance = 100 WHERE id = 1');
  });

  it('a plan whose pid went on to another statement is refused at the re-read, and nothing is signalled', async () => {
    const s = await appClient('busy');
    const running = s.c.query('SELECT pg_sleep(30)').catch(() => 'cancelled');
    await vi.waitFor(async () => expect((await activity(s.pid))?.query).toBe('SELECT pg_sleep(30)'), { timeout: 5_000 });
    const ctx = context();
    const plan = await cancelAction.plan(ctx, { database: 'primary', pid: s.pid }, signal());
    expect(plan.refusal).toBeUndefined();
    // the statement ends and another begins under the same pid
    await setup.query('SELECT pg_cancel_backend($1)', [s.pid]);
    await running;
    const next = s.c.query('SELECT pg_sleep(30), 2').catch(() => 'cancelled');
    await vi.waitFor(async () => expect((await activity(s.pid))?.query).toBe('SELECT pg_sleep(30), 2'), { timeout: 5_000 });
    const d = deps();
    const result = await runAction(d, { action: cancelAction, ctx, plan, typed: String(s.pid) });
    expect(result.outcome).toBe('aborted');
    expect(result.message).toMatch(new RegExp(`^test/primary/pid ${s.pid} changed since the plan was shown \\(.*queryStart .*\\); plan again$`));
    expect((await activity(s.pid))?.state).toBe('active');
    expect(d.journal.read().map((r) => r.phase)).toEqual(['refusal']);
    await setup.query('SELECT pg_cancel_backend($1)', [s.pid]);
    await next;
  });

  it('without an admin URL the action is refused in one line naming postgres[].admin and the privilege', async () => {
    const { holder } = await lockChain();
    const ctx = context(null);
    const plan = await terminateAction.plan(ctx, { database: 'primary', pid: holder.pid }, signal());
    expect(plan.refusal).toBe(noAdminLine('primary'));
    expect(plan.refusal).toContain('add postgres[].admin');
    expect(plan.refusal).toContain('pg_signal_backend');
    expect(plan.refusal).not.toContain('\n');
    const d = deps();
    const result = await runAction(d, { action: terminateAction, ctx, plan, typed: String(holder.pid) });
    expect(result).toMatchObject({ outcome: 'refused', message: noAdminLine('primary') });
    expect((await activity(holder.pid))?.state).toBe('idle in transaction');
    expect(d.journal.read().map((r) => [r.phase, r.outcome])).toEqual([['refusal', 'refused']]);
  });

  it('refuses what it must not signal: a superuser\'s session, an idle one for cancel, another database\'s, opsdeck\'s own', async () => {
    const ctx = context();
    // the test's setup client is the superuser postgres
    const suPid: number = (await setup.query('SELECT pg_backend_pid() AS p')).rows[0].p;
    const su = await terminateAction.plan(ctx, { database: 'primary', pid: suPid }, signal());
    expect(su.refusal).toBe(`pid ${suPid} is a session of superuser postgres: only a superuser may terminate it, and the admin role ${ADMIN_ROLE} is not one`);

    const { holder } = await lockChain();
    const idle = await cancelAction.plan(ctx, { database: 'primary', pid: holder.pid }, signal());
    expect(idle.refusal).toBe(`pid ${holder.pid} is idle in transaction: no query is running to cancel; terminate it (T, or opsdeck pg terminate) to end the session and roll back its transaction`);

    const elsewhere = new pg.Client({ connectionString: `postgres://${APP_ROLE}@${host}/postgres` });
    await elsewhere.connect();
    clients.push(elsewhere);
    const otherPid: number = (await elsewhere.query('SELECT pg_backend_pid() AS p')).rows[0].p;
    expect((await terminateAction.plan(ctx, { database: 'primary', pid: otherPid }, signal())).refusal).toBe(`pid ${otherPid} is a session of database "postgres", not of primary's; act on it from the postgres entry of that database`);

    const gone = await terminateAction.plan(ctx, { database: 'primary', pid: 2_000_000_000 }, signal());
    expect(gone.refusal).toBe('pid 2000000000 is not running on primary (it ended, or the number is wrong); nothing to do');
  });

  it('refuses a session the monitoring role cannot see: without pg_monitor there is nothing to re-read it by', async () => {
    const { holder } = await lockChain();
    // the monitoring URL as a plain role that sees its own sessions only; the holder is one, the superuser's is not
    const postgres = createPostgresAdmin([{ name: 'primary', url: `postgres://${APP_ROLE}@${host}/${db.name}`, admin: adminUrl() }]);
    admins.push(postgres);
    const ctx: PgActionContext = { env, now: () => Date.now(), sleep: pause, postgres };
    expect((await terminateAction.plan(ctx, { database: 'primary', pid: holder.pid }, signal())).refusal).toBeUndefined();
    const suPid: number = (await setup.query('SELECT pg_backend_pid() AS p')).rows[0].p;
    expect((await terminateAction.plan(ctx, { database: 'primary', pid: suPid }, signal())).refusal).toBe(`primary's monitoring role cannot see pid ${suPid}'s session (grant it pg_monitor): opsdeck signals only a session it can re-read before acting`);
  });

  it('an admin URL that does not connect is one line without its password', async () => {
    const { holder } = await lockChain();
    const ctx = context(`postgres://${ADMIN_ROLE}:${ADMIN_PASSWORD}@127.0.0.1:1/${db.name}`);
    const plan = await terminateAction.plan(ctx, { database: 'primary', pid: holder.pid }, signal());
    expect(plan.refusal).toBe('the admin connection of primary failed: primary (admin): cannot connect to 127.0.0.1:1 (ECONNREFUSED)');
    expect(JSON.stringify(plan)).not.toContain(ADMIN_PASSWORD);
  });

  it('the lock is per server, database and pid', async () => {
    const key = await lockKeyFor({ kind: 'pg-backend', name: '4242', parent: 'primary', display: 'test/primary/pid 4242' }, environmentLocator(() => env, {}, undefined, { primary: db.url }), signal());
    expect(key).toBe(`opsdeck:lock:pg/${host}/${db.name}/4242`);
  });
});
