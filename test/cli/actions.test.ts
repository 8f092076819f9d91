import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opsdeck } from './run.js';

// every command here runs --demo, which keeps its records in <OPSDECK_STATE_DIR>-demo: `state` is that directory
let root: string;
let state: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'opsdeck-state-'));
  state = join(root, 'state-demo');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));
const run = (args: string[]) => opsdeck(args, { env: { OPSDECK_STATE_DIR: join(root, 'state') } });
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
    const v = run(['audit', '--verify', '--demo']);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('3 records, chain intact');
  });

  it('read-only refuses, and says how to lift it', () => {
    const r = run(['scale', 'api', '0', '--demo', '--read-only', '--confirm', 'api']);
    expect(r.code).toBe(1);
    // the sandbox is not protected: --write would change nothing, so it is not offered
    expect(r.stdout).toMatch(/^refused: demo is read-only: .* \(to act, restart without --read-only\)$/m);
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

  it('rollback --dry-run shows the diff of the two revisions, and warns that the previous one is not known good', () => {
    const r = run(['rollback', 'api', '--demo', '--scenario', 'bad-deploy', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/taskDefinition: demo-api:46 → demo-api:45/);
    expect(r.stdout).toMatch(/image: 2\.15\.1 → 2\.15\.0/);
    expect(r.stdout).toMatch(/WARNING demo-api:45, the previous revision, is not known good/);
  });

  it('rollback --to last-good after two bad revisions picks 44 and says why; bad --to is one line, exit 64', () => {
    const r = run(['rollback', 'api', '--demo', '--scenario', 'bad-deploy', '--to', 'last-good', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/taskDefinition: demo-api:46 → demo-api:44/);
    expect(r.stdout).toMatch(/Last known good: demo-api:44/);
    expect(r.stdout).toMatch(/Passed over demo-api:45:\n.*✗ deployment \d+ at .* never reached a steady state: STOPPED/);
    expect(r.stdout).toMatch(/image: 2\.15\.1 → 2\.14\.2/);
    const bad = run(['rollback', 'api', '--demo', '--to', 'latest-good', '--dry-run']);
    expect(bad.code).toBe(64);
    expect(bad.stderr.trim()).toBe('opsdeck: --to takes a revision number like 43, or last-good; got "latest-good"');
  });

  it('a scale to 0 with active autoscaling warns; autoscaling suspend runs through the executor', () => {
    const plan = JSON.parse(run(['scale', 'api', '0', '--demo', '--dry-run', '--json']).stdout);
    expect(plan.details.join('\n')).toMatch(/WARNING autoscaling is active on api \(min 2, max 6\)/);
    const dry = JSON.parse(run(['autoscaling', 'suspend', 'api', '--demo', '--dry-run', '--json']).stdout);
    expect(dry).toMatchObject({ action: 'autoscaling-suspend', tier: 'reversible', phrase: 'y' });
    const r = run(['autoscaling', 'suspend', 'api', '--demo', '--confirm', 'y', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'done', verified: true });
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
    const v = run(['audit', '--verify', '--demo']);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/line 2/);
  });
});
