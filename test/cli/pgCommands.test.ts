// `opsdeck pg sessions|cancel|terminate` as a script runs them, against the local server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type pg from 'pg';
import { opsdeck } from './run.js';
import { SHARED, createTestDatabase, type TestDatabase } from '../postgres/helpers.js';

const PASSWORD = 'Adm1n#Secret/pw';
let db: TestDatabase;
let dir: string;
let setup: pg.Client;
const host = new URL(SHARED).host;

function config(admin?: string): string {
  const file = join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  const lines = ['environments:', '  local:', '    postgres:', `      - name: primary`, `        url: ${JSON.stringify(db.url)}`];
  if (admin !== undefined) lines.push(`        admin: ${JSON.stringify(admin)}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const run = (file: string, args: string[]) => opsdeck(['--config', file, ...args], { env: { OPSDECK_STATE_DIR: join(dir, 'state') } });

/** Each test locks a row of its own: an earlier test's holder may still hold its row. */
async function holderAndWaiter(row: number) {
  const holder = await db.client('cli-holder');
  const waiter = await db.client('cli-waiter');
  const pid = async (c: pg.Client): Promise<number> => (await c.query('SELECT pg_backend_pid() AS p')).rows[0].p;
  // asked first: a client queues its queries behind the blocked one
  const holderPid = await pid(holder);
  const waiterPid = await pid(waiter);
  await holder.query('BEGIN');
  await holder.query('UPDATE t SET v = v + 1 WHERE id = $1', [row]);
  const blocked = waiter.query(`UPDATE t SET v = v + 1 WHERE id = ${row}`).then(() => 'finished', (e: Error) => e.message);
  await vi.waitFor(async () => expect((await setup.query('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [waiterPid])).rows[0]?.wait_event_type).toBe('Lock'));
  return { holderPid, waiterPid, blocked };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-pgcli-'));
  db = await createTestDatabase(undefined, 'cli');
  setup = await db.client('opsdeck-test-setup');
  await setup.query('CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL)');
  await setup.query('INSERT INTO t VALUES (1, 0), (2, 0), (3, 0)');
});

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('opsdeck pg', () => {
  it('sessions lists the blocked pid and its blocker; terminate --confirm ends the holder and the waiter goes on', async () => {
    const { holderPid, waiterPid, blocked } = await holderAndWaiter(1);
    // the test's sessions connect as the superuser postgres, so the admin URL is one too
    const file = config(`${SHARED}/${db.name}`);
    const list = run(file, ['pg', 'sessions', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const primary = JSON.parse(list.stdout).databases[0];
    expect(primary.blocked.map((b: { pid: number; blockedBy: number[] }) => [b.pid, b.blockedBy])).toEqual([[waiterPid, [holderPid]]]);
    expect(run(file, ['pg', 'sessions']).stdout).toMatch(new RegExp(`blocked .* pid ${waiterPid} +by ${holderPid} postgres  UPDATE t SET v = v \\+ 1 WHERE id = 1`));

    const noConfirm = run(file, ['pg', 'terminate', String(holderPid)]);
    expect(noConfirm.code).toBe(1);
    expect(noConfirm.stdout).toContain(`refused: no confirmation given; type (or pass --confirm) ${holderPid}: nothing was done`);

    const done = run(file, ['pg', 'terminate', String(holderPid), '--confirm', String(holderPid), '--json']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ outcome: 'done', verified: true, message: `local/primary/pid ${holderPid}: pid ${holderPid} is gone from pg_stat_activity` });
    expect(await blocked).toBe('finished');
    expect((await setup.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [holderPid])).rows[0].n).toBe(0);
    expect(run(file, ['audit', '--json']).stdout).toContain('"action": "pg-terminate"');
  });

  it('without postgres[].admin: refused in one line naming the key and the privilege, exit 1, nothing signalled', async () => {
    const { waiterPid } = await holderAndWaiter(2);
    const r = run(config(), ['pg', 'cancel', String(waiterPid), '--confirm', String(waiterPid)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('refused: primary has no admin connection: add postgres[].admin to the config (a URL whose role has pg_signal_backend, or is a superuser; the monitoring url stays read-only)\n');
    expect((await setup.query('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [waiterPid])).rows[0]?.wait_event_type).toBe('Lock');
  });

  it('the admin URL\'s password is never shown: not by config validate, nor by a failed connection', async () => {
    const { waiterPid } = await holderAndWaiter(3);
    // unencoded # and /: the URL cannot be used, and says so with the password masked
    const bad = run(config(`postgres://ops:${PASSWORD}@${host}/${db.name}`), ['config', 'validate']);
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain('environments.local.postgres[0].admin: "postgres://ops:***@');
    expect(bad.stderr + bad.stdout).not.toContain('Secret');
    const down = run(config(`postgres://ops:${encodeURIComponent(PASSWORD)}@127.0.0.1:1/${db.name}`), ['pg', 'cancel', String(waiterPid), '--dry-run']);
    expect(down.code).toBe(1);
    expect(down.stdout).toContain('refused  the admin connection of primary failed: primary (admin): cannot connect to 127.0.0.1:1 (ECONNREFUSED)');
    expect(down.stdout + down.stderr).not.toContain('Secret');
  });

  it('a pid that is not a number is a usage error', () => {
    const r = run(config(), ['pg', 'terminate', 'abc']);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe('opsdeck: pid must be a whole number from 1 to 2147483647, got "abc"\n');
  });
});
