import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opsdeck } from './run.js';

let state: string;
beforeEach(() => {
  state = mkdtempSync(join(tmpdir(), 'opsdeck-state-'));
});
afterEach(() => rmSync(state, { recursive: true, force: true }));
const run = (args: string[]) => opsdeck(args, { env: { OPSDECK_STATE_DIR: state } });
const journalLines = () => {
  try {
    return readFileSync(join(state, 'audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};

describe('opsdeck scale on the sandbox', () => {
  it('--dry-run --json prints the plan with its phrase and changes nothing', () => {
    const r = run(['scale', 'api', '0', '--demo', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ action: 'scale', tier: 'destructive', phrase: 'api', summary: 'demo / cluster demo / service api: desiredCount 3 → 0; running 3' });
    expect(plan.calls).toEqual([{ api: 'ecs:UpdateService', params: { cluster: 'demo', service: 'api', desiredCount: 0 } }]);
    expect(journalLines()).toEqual([]);
  });

  it('a wrong phrase: exit 1, nothing changes, a refusal is journaled', () => {
    const r = run(['scale', 'api', '0', '--demo', '--confirm', 'API']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: the confirmation "API" is not "api"');
    expect(journalLines().map((l) => [l.phase, l.outcome, l.phraseAccepted])).toEqual([['refusal', 'refused', false]]);
  });

  it('no terminal and no --confirm: refused', () => {
    const r = run(['scale', 'api', '0', '--demo']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no confirmation given');
  });

  it('the right phrase scales api to 0, verified, with two journal records that verify', () => {
    const r = run(['scale', 'api', '0', '--demo', '--confirm', 'api', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ outcome: 'done', verified: true });
    expect(result.message).toContain('running 0/0');
    expect(journalLines().map((l) => [l.phase, l.outcome])).toEqual([['intent', null], ['outcome', 'ok'], ['verify', 'ok']]);
    const v = run(['audit', '--verify']);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('3 records, chain intact');
  });

  it('read-only refuses, and says how to lift it', () => {
    const r = run(['scale', 'api', '0', '--demo', '--read-only', '--confirm', 'api']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/read-only/);
  });

  it('the topology rule refuses scaling the scheduler above 1', () => {
    const r = run(['scale', 'scheduler', '3', '--demo', '--confirm', 'y']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('scaling scheduler above 1 is refused: no Redis named "locks" is configured');
  });

  it('a big scale-up without --confirm is refused with the phrase to type; past maxTasks it is refused outright', () => {
    const big = run(['scale', 'api', '10', '--demo']);
    expect(big.code).toBe(1);
    expect(big.stdout).toContain('refused: no confirmation given; type (or pass --confirm) api: nothing was done');
    expect(big.stderr).toContain('A big scale-up: 10 is more than 6 (twice 3)');
    const y = run(['scale', 'api', '10', '--demo', '--confirm', 'y']);
    expect(y.stdout).toContain('the confirmation "y" is not "api"');
    const huge = run(['scale', 'api', '100000', '--demo']);
    expect(huge.code).toBe(1);
    expect(huge.stdout).toContain('refused: scaling api to 100000 is refused: its maxTasks is 12 (ecs[].maxTasks in the config)');
    expect(journalLines().map((l) => [l.phase, l.outcome])).toEqual([
      ['refusal', 'refused'],
      ['refusal', 'refused'],
      ['refusal', 'refused'],
    ]);
  });

  it('rollback --dry-run shows the diff of the two revisions', () => {
    const r = run(['rollback', 'api', '--demo', '--scenario', 'bad-deploy', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/taskDefinition: demo-api:45 → demo-api:44/);
    expect(r.stdout).toMatch(/image: 2\.15\.0 → 2\.14\.2/);
  });

  it('bad input is one line, exit 64', () => {
    const r = run(['scale', 'api', 'lots', '--demo']);
    expect(r.code).toBe(64);
    expect(r.stderr.trim()).toBe('opsdeck: count must be a whole number from 0 to 2147483647, got "lots"');
    const u = run(['scale', 'nosuch', '1', '--demo', '--dry-run']);
    expect(u.code).not.toBe(0);
    expect(u.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('opsdeck audit', () => {
  it('--verify names the first broken record of a tampered journal', () => {
    run(['scale', 'api', '0', '--demo', '--confirm', 'nope']);
    run(['scale', 'api', '0', '--demo', '--confirm', 'nope']);
    run(['scale', 'api', '0', '--demo', '--confirm', 'nope']);
    const file = join(state, 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"refused"', '"ok"');
    writeFileSync(file, lines.join('\n'));
    const v = run(['audit', '--verify']);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/line 2/);
  });
});
