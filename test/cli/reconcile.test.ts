/**
 * A real crash: the built CLI runs `scale` against the sandbox and is
 * SIGKILLed once its intent is on disk and before the call (the preload
 * stalls it there), then `check`, the next action and `audit reconcile` run
 * on the same state directory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsdeck } from './run.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
const STALL = new URL('../audit/support/stallAfterIntent.mjs', import.meta.url).pathname;

function killedAfterIntent(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', STALL, BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the action never stalled after its intent: ${err}`));
    }, 20_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('STALLED-AFTER-INTENT')) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(err);
      else reject(new Error(`the action ended by itself (${signal ?? _code}): ${err}`));
    });
  });
}

describe('crash recovery: an intent without an outcome', () => {
  let dir: string;
  let env: Record<string, string>;
  // --demo keeps its journal in <OPSDECK_STATE_DIR>-demo; the commands without --demo are pointed at it
  let sandbox: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsdeck-reconcile-'));
    env = { OPSDECK_STATE_DIR: join(dir, 'state') };
    sandbox = { OPSDECK_STATE_DIR: join(dir, 'state-demo') };
    await killedAfterIntent(['scale', 'api', '5', '--demo', '--confirm', 'y'], env);
  }, 30_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is in the journal as an intent with no outcome, and the chain is intact', () => {
    const records = JSON.parse(opsdeck(['audit', '--json'], { env: sandbox }).stdout) as { phase: string; target: string }[];
    expect(records.map((r) => r.phase)).toEqual(['intent']);
    expect(records[0]!.target).toBe('demo/api');
  });

  it('is a critical finding of check, naming the action, the target and the operator', () => {
    const r = opsdeck(['check', '--demo', '--format', 'json'], { env });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { findings: { checkId: string; severity: string; message: string }[] };
    const found = report.findings.filter((f) => f.checkId === 'audit.unreconciled');
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('crit');
    expect(found[0]!.message).toMatch(/^scale of demo\/api started \d{4}-\d\d-\d\d \d\d:\d\d UTC by .+, outcome unknown \(journal #1\)/);
  }, 30_000);

  it('is named on one line before the plan of the next action on that target, and only that target', () => {
    const api = opsdeck(['scale', 'api', '4', '--demo', '--dry-run'], { env });
    const lines = api.stderr.split('\n').filter((l) => l.includes('unknown outcome'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('scale of demo/api');
    const worker = opsdeck(['scale', 'worker', '4', '--demo', '--dry-run'], { env });
    expect(worker.stderr).not.toContain('unknown outcome');
  }, 30_000);

  it('is listed by audit reconcile, refused with a wrong id, and cleared by a reconcile record', () => {
    const list = opsdeck(['audit', 'reconcile', '--json'], { env: sandbox });
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { seq: number }[]).map((i) => i.seq)).toEqual([1]);
    // with the environment named, the target's state is read (the sandbox starts afresh in each process, at 3)
    const withState = JSON.parse(opsdeck(['audit', 'reconcile', '--json', '--demo'], { env }).stdout) as { now?: string }[];
    expect(withState[0]!.now).toMatch(/^service api wants 3, runs \d+, /);
    expect(opsdeck(['audit', 'reconcile', '--id', '1'], { env: sandbox }).code).toBe(64);
    const wrong = opsdeck(['audit', 'reconcile', '--id', '7', '--record', 'x'], { env: sandbox });
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toContain('#7 is not an intent waiting');

    const done = opsdeck(['audit', 'reconcile', '--id', '1', '--record', 'api still wants 3 tasks: the call never went'], { env: sandbox });
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('reconciled #1 as journal record #2');
    expect(JSON.parse(opsdeck(['audit', 'reconcile', '--json'], { env: sandbox }).stdout)).toEqual([]);

    const records = JSON.parse(opsdeck(['audit', '--json'], { env: sandbox }).stdout) as { phase: string; detail: string; plan: unknown; operator: { user: string } }[];
    expect(records[1]).toMatchObject({ phase: 'reconcile', detail: 'api still wants 3 tasks: the call never went', plan: { reconciles: 1 } });
    expect(records[1]!.operator.user).toBeTruthy();
    const verify = opsdeck(['audit', '--verify'], { env: sandbox });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('2 records, chain intact');

    const report = JSON.parse(opsdeck(['check', '--demo', '--format', 'json'], { env }).stdout) as { findings: { checkId: string; severity: string }[] };
    expect(report.findings.filter((f) => f.checkId === 'audit.unreconciled').map((f) => f.severity)).toEqual(['ok']);
    expect(opsdeck(['scale', 'api', '4', '--demo', '--dry-run'], { env }).stderr).not.toContain('unknown outcome');
  }, 60_000);
});
