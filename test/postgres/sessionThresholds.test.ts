// The long-query and idle-in-transaction thresholds against a real session:
// `opsdeck check` (the built binary) on a database of the test's own, with one
// client running a long statement and another idle in its transaction. The
// config's thresholds (seconds) are far below the defaults (60 / 60), so the
// severities say which thresholds judged; the pid and the age in each finding
// are what pg_stat_activity says of those backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from './helpers.js';
import { opsdeck } from '../cli/run.js';

let db: TestDatabase;
let observer: pg.Client;
let runnerPid: number;
let holderPid: number;
let running: Promise<unknown>;
let tmp: string;

/** seconds since the statement started (runner) and since the transaction began (holder), as pg_stat_activity has them */
async function ages(): Promise<{ query: number; xact: number; holderState: string }> {
  const r = await observer.query<{ pid: number; query_s: number; xact_s: number; state: string }>(
    `SELECT pid, extract(epoch FROM now() - query_start)::float8 AS query_s, extract(epoch FROM now() - xact_start)::float8 AS xact_s, state
       FROM pg_stat_activity WHERE pid = ANY($1)`,
    [[runnerPid, holderPid]],
  );
  const runner = r.rows.find((x) => x.pid === runnerPid)!;
  const holder = r.rows.find((x) => x.pid === holderPid)!;
  return { query: runner.query_s, xact: holder.xact_s, holderState: holder.state };
}

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'sessions');
  observer = await db.client('opsdeck-test-observer');
  const holder = await db.client();
  holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  await holder.query('BEGIN');
  await holder.query('CREATE TABLE t (id int)');
  const runner = await db.client();
  runnerPid = (await runner.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  // cancelled in afterAll; its rejection is expected then
  running = runner.query('SELECT pg_sleep(600)').catch(() => undefined);
  // both past 3 s: above the config's crit for the query (2) and warn for the idle transaction (2)
  for (;;) {
    const a = await ages();
    if (a.query >= 3 && a.xact >= 3) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  tmp = mkdtempSync(join(tmpdir(), 'opsdeck-pgsessions-'));
  writeFileSync(
    join(tmp, 'opsdeck.yaml'),
    [
      'environments:',
      '  db:',
      `    postgres: [{ name: primary, url: "${db.url}" }]`,
      '    thresholds:',
      '      longQuery: { warn: 1, crit: 2 }',
      '      idleInTransaction: { warn: 2, crit: 3600 }',
      '',
    ].join('\n'),
  );
}, 60_000);

afterAll(async () => {
  await observer?.query('SELECT pg_cancel_backend($1)', [runnerPid]).catch(() => {});
  await running;
  await db?.drop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Finding {
  checkId: string;
  severity: string;
  message: string;
  figure?: string;
}

/** "1 long, oldest 4 s" → 4 */
const seconds = (figure: string | undefined) => Number(/oldest (\d+) s$/.exec(figure ?? '')?.[1]);

describe('PostgreSQL session thresholds on a real server', () => {
  it('a long statement and an idle transaction are judged by the config thresholds, with the ages pg_stat_activity gives', async () => {
    const before = await ages();
    expect(before.holderState).toBe('idle in transaction');
    const r = opsdeck(['--config', join(tmp, 'opsdeck.yaml'), 'check', '--format', 'json'], { env: { OPSDECK_STATE_DIR: join(tmp, 'state') } });
    const after = await ages();
    const doc = JSON.parse(r.stdout) as { findings: Finding[]; exitCode: number };
    const long = doc.findings.find((f) => f.checkId === 'postgres.long-query');
    const idle = doc.findings.find((f) => f.checkId === 'postgres.idle-in-transaction');

    // the defaults (60 s warn) would call both ok
    expect(long).toMatchObject({ severity: 'crit', message: expect.stringContaining(`pid ${runnerPid} (postgres) has run one query for`) });
    expect(idle).toMatchObject({ severity: 'warn', message: expect.stringContaining(`pid ${holderPid} (postgres) has held a transaction open, idle, for`) });
    expect(long?.figure).toMatch(/^1 long, oldest \d+ s$/);
    expect(idle?.figure).toMatch(/^1 idle in transaction, oldest \d+ s$/);
    // read between the two looks at pg_stat_activity, whole seconds cut as the figure cuts them
    expect(seconds(long?.figure)).toBeGreaterThanOrEqual(Math.floor(before.query));
    expect(seconds(long?.figure)).toBeLessThanOrEqual(Math.floor(after.query));
    expect(seconds(idle?.figure)).toBeGreaterThanOrEqual(Math.floor(before.xact));
    expect(seconds(idle?.figure)).toBeLessThanOrEqual(Math.floor(after.xact));
    expect(doc.exitCode).toBe(2);
    expect(r.code).toBe(2);
  }, 60_000);
});
