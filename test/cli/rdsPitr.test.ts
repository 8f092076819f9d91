// `opsdeck rds restore-pitr` on the sandbox: the dry run's plan and phrase,
// a time outside the window refused with the window (and journaled when
// confirmed), and bad input as one line with the usage exit code. The run
// itself (a minute of the sandbox's RDS) is in test/actions/rdsPitr.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opsdeck } from './run.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'opsdeck-pitr-cli-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));
const run = (args: string[]) => opsdeck(['--demo', 'rds', 'restore-pitr', ...args], { env: { OPSDECK_STATE_DIR: join(root, 'state') } });
const journal = () => {
  try {
    return readFileSync(join(root, 'state-demo', 'audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};

describe('opsdeck rds restore-pitr', () => {
  it('--time … --dry-run --json: the plan, its phrase (the default id stamped with the time) and the call; nothing journaled', () => {
    const at = new Date(Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000);
    const stamp = at.toISOString().slice(0, 16).replace(/[-T:]/g, '');
    const r = run(['demo-db', '--time', at.toISOString().slice(0, 16), '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ action: 'restore-pitr', tier: 'destructive', phrase: `demo-db-pitr-${stamp}`, target: { kind: 'db-instance', name: `demo-db-pitr-${stamp}`, parent: 'demo-db' } });
    expect(plan.refusal).toBeUndefined();
    expect(plan.calls[0]).toMatchObject({ api: 'rds:RestoreDBInstanceToPointInTime', params: { SourceDBInstanceIdentifier: 'demo-db', TargetDBInstanceIdentifier: `demo-db-pitr-${stamp}`, RestoreTime: at.toISOString() } });
    expect(plan.details[0]).toMatch(/^restorable window of demo-db: \d{4}-\d\d-\d\d 03:1\d:\d\d UTC → /);
    expect(journal()).toEqual([]);
  });

  it('--latest --target-id: UseLatestRestorableTime, the id given is the phrase', () => {
    const r = run(['demo-db', '--latest', '--target-id', 'demo-db-before-incident', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('"UseLatestRestorableTime":true');
    expect(r.stdout).toMatch(/confirm +type demo-db-before-incident\n/);
  });

  it('a time outside the window: refused with the window in one line, exit 1; confirmed, the refusal is journaled', () => {
    const dry = run(['demo-db', '--time', '2020-01-01T00:00:00Z', '--target-id', 'old-copy', '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(/refused +2020-01-01 00:00:00 UTC is outside demo-db's restorable window \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC → \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(.+ ago\)\n/);
    const r = run(['demo-db', '--time', '2020-01-01T00:00:00Z', '--target-id', 'old-copy', '--confirm', 'old-copy']);
    expect(r.code).toBe(1);
    expect(journal().map((l) => [l.phase, l.outcome, l.action])).toEqual([['refusal', 'refused', 'restore-pitr']]);
  });

  it('bad input is one line with the usage exit code, before anything is read', () => {
    for (const [args, line] of [
      [['demo-db', '--dry-run'], 'opsdeck: say which moment: --time ISO (e.g. 2026-11-26T08:04:00Z) or --latest, one of the two\n'],
      [['demo-db', '--latest', '--time', '2026-11-26T08:04:00Z', '--dry-run'], 'opsdeck: say which moment: --time ISO (e.g. 2026-11-26T08:04:00Z) or --latest, one of the two\n'],
      [['demo-db', '--time', 'yesterday', '--dry-run'], 'opsdeck: --time: the time is an ISO 8601 time like 2026-11-26T08:04:00Z (no zone: UTC) or latest, not "yesterday"\n'],
      [['demo-db', '--latest', '--target-id', 'a--b', '--dry-run'], 'opsdeck: --target-id "a--b" is not an RDS instance identifier: 1-63 letters, digits and hyphens, starting with a letter, with no "--" and no hyphen at the end\n'],
    ] as const) {
      const r = run([...args]);
      expect(r.code, args.join(' ')).toBe(64);
      expect(r.stderr).toBe(line);
      expect(r.stdout).toBe('');
    }
  });
});
