// `opsdeck drill` as a script runs it: the built binary (npm run build first),
// no terminal, a temp state directory, the sandbox's time sped up so a
// restore takes a second instead of a minute.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PG_URL } from './support.js';
import { listPending, writePending } from '../../src/drills/records.js';
import type { DrillReport } from '../../src/drills/types.js';

let state: string;
// every drill here runs --demo, which keeps its records in <OPSDECK_STATE_DIR>-demo: `state` is that directory
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'opsdeck-state-'));
  state = join(root, 'state-demo');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({ OPSDECK_STATE_DIR: join(root, 'state'), OPSDECK_SANDBOX_SPEED: '50', OPSDECK_SANDBOX_PG: 'postgres', DATABASE_URL: PG_URL, ...extra });
const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
// like test/cli/run.ts, with room for seeding PGlite on a busy machine
function run(args: string[], extra?: Record<string, string>) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env(extra) }, input: '', timeout: 90_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The databases the run named on stderr ("opsdeck_demo_*_<unique>") that still exist. */
async function leftover(stderr: string): Promise<string[]> {
  const unique = /opsdeck_demo_\*_(\d+_[0-9a-f]+)/.exec(stderr)?.[1];
  expect(unique, stderr).toBeDefined();
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return (await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`%${unique}%`])).rows.map((r) => r.datname);
  } finally {
    await c.end();
  }
}

describe('opsdeck drill backup', { timeout: 100_000 }, () => {
  it('runs the drill on the sandbox: one line per step, PARITY 100 %, both reports, exit 0, its databases dropped', async () => {
    const r = run(['drill', 'backup', 'demo-db', '--demo']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 7).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['ok snapshot', 'ok restore', 'ok available', 'ok connect', 'ok verify', 'ok cleanup', 'ok report']);
    // a step's time has a tenth below 10 s and none above (a busy machine takes that long)
    expect(lines[0]).toMatch(/^ok\s+snapshot\s+\d+(?:\.\d)? s {2}rds:demo-db-\d{4}-\d\d-\d\d-03-10 \(automated/);
    expect(lines[7]).toMatch(/^PARITY: 100% {2}RTO: \d+\.\d minutes$/);
    const md = /^report: (.+\.md)$/.exec(lines[8]!)![1]!;
    const json = lines[9]!.trim();
    expect(md.startsWith(join(state, 'drills', 'demo-db-'))).toBe(true);
    expect(readFileSync(md, 'utf8')).toContain('| table `order_items` | pass |');
    expect((JSON.parse(readFileSync(json, 'utf8')) as DrillReport).parity).toBe(100);
    expect(r.stderr).toMatch(/the sandbox's databases: PostgreSQL at 127\.0\.0\.1:5432/);
    expect(await leftover(r.stderr)).toEqual([]);
    const journal = readFileSync(join(state, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).action);
    expect(journal).toEqual(['backup-drill', 'restore', 'restore', 'restore', 'delete-drill-instance', 'delete-drill-instance', 'delete-drill-instance', 'backup-drill', 'backup-drill']);
  });

  it('needs nothing installed: embedded PGlite when told so, the report as JSON on stdout', () => {
    const r = run(['drill', 'backup', 'demo-db', '--demo', '--json'], { OPSDECK_SANDBOX_PG: 'pglite' });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as DrillReport;
    expect(report).toMatchObject({ kind: 'opsdeck-backup-drill', outcome: 'passed', parity: 100, cleanup: { status: 'deleted' } });
    expect(r.stderr).toContain("the sandbox's databases: embedded PGlite on 127.0.0.1 (OPSDECK_SANDBOX_PG=pglite)");
    // with --json the steps go to stderr
    expect(r.stderr).toMatch(/^ok\s+verify\s+.*4\/4 checks passed$/m);
  });

  it('a backup without users (they cascade to orders and items) fails every check: exit 1, the lines name them', async () => {
    const r = run(['drill', 'backup', 'demo-db', '--demo'], { OPSDECK_SANDBOX_STALE: 'users:1' });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^PARITY: 0% {2}RTO: — \(verification failed \d+\.\d minutes after the restore request\)$/m);
    expect(r.stdout).toContain('  failed table users: expected 2412 rows (production) ± 2 %, got 0 rows (−100 %)');
    expect(r.stdout).toContain('  failed assertion select count(*) > 0 from users: expected true, got false');
    expect(await leftover(r.stderr)).toEqual([]);
  });

  it('bad input is one line', () => {
    const unknown = run(['drill', 'backup', 'nope-db', '--demo']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr.trim()).toBe("opsdeck: nope-db is not among demo's RDS instances (demo-db)");
    const stale = run(['drill', 'backup', 'demo-db', '--demo'], { OPSDECK_SANDBOX_STALE: 'orders' });
    expect(stale.code).toBe(64);
    expect(stale.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^opsdeck: OPSDECK_SANDBOX_STALE is "orders"; write TABLE:FRACTION/)]);
    const timeout = run(['drill', 'backup', 'demo-db', '--demo', '--timeout', 'soon']);
    expect(timeout.code).toBe(64);
  });

  it('ctrl-c during the restore: it stops, says what it left, keeps the record; its databases are dropped', async () => {
    const child = spawn(process.execPath, [BIN, 'drill', 'backup', 'demo-db', '--demo'], {
      env: { ...process.env, NO_COLOR: '1', ...env({ OPSDECK_SANDBOX_SPEED: '5' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect.poll(() => stdout, { timeout: 15_000, message: 'the restore step' }).toMatch(/^ok\s+restore/m);
    child.kill('SIGINT');
    expect(await exited).toBe(2);
    expect(stderr).toContain('opsdeck: stopping the drill: deleting what it created');
    expect(stdout).toMatch(/^STOPPED\s+available/m);
    expect(stdout).toMatch(/^PARITY: — {2}RTO: — \(interrupted\)$/m);
    expect(stdout).toMatch(/clean-up: .*run `opsdeck drill cleanup`/);
    expect(listPending({ OPSDECK_STATE_DIR: state }).map((e) => e.record?.status)).toEqual(['restored']);
    expect(await leftover(stderr)).toEqual([]);

    // another process, another sandbox: that instance is not there, so the record is simply cleared
    const c = run(['drill', 'cleanup', '--demo']);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/^gone\s+demo-db-drill-\d{14}\s+demo-db-drill-\d{14} does not exist/);
    expect(listPending({ OPSDECK_STATE_DIR: state })).toEqual([]);
  });
});

describe('opsdeck drill cleanup', () => {
  it('refuses an instance without the drill tag, keeps its record, exits 1', () => {
    writePending(
      { kind: 'opsdeck-drill-pending', runId: 'x', environment: 'demo', instance: 'demo-db', drillInstance: 'demo-db', snapshot: 's', tag: 'x', status: 'restored', startedAt: '', updatedAt: '', pid: 1, host: 'elsewhere' },
      { OPSDECK_STATE_DIR: state },
    );
    const r = run(['drill', 'cleanup', '--demo']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^REFUSED\s+demo-db\s+demo-db does not carry the tag opsdeck:drill/);
    expect(existsSync(join(state, 'drills', 'pending', 'x.json'))).toBe(true);
    const j = run(['drill', 'cleanup', '--demo', '--json']);
    expect(JSON.parse(j.stdout)).toEqual([expect.objectContaining({ drillInstance: 'demo-db', status: 'refused' })]);
  });

  it('with nothing left over it says so', () => {
    const r = run(['drill', 'cleanup', '--demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`nothing to clean up: no interrupted drill left a record in ${join(state, 'drills', 'pending')}\n`);
  });
});
