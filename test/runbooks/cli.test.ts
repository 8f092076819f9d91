import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { opsdeck } from '../cli/run.js';
import { useTempStateDir } from '../support/tempState.js';

const state = useTempStateDir();
const env = () => ({ OPSDECK_STATE_DIR: state.dir });

describe('opsdeck runbook', () => {
  it('list names the built-in runbooks; show prints one to copy', () => {
    const list = opsdeck(['runbook', 'list', '--demo'], { env: env() });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^stop-all-writes\s+5 steps\s+built-in\s+Stop all writes/m);
    const show = opsdeck(['runbook', 'show', 'restore-writes', '--demo'], { env: env() });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('name: restore-writes');
  });

  it('run --dry-run --json carries the run\'s one phrase and every step\'s changes, and changes nothing', () => {
    const r = opsdeck(['runbook', 'run', 'stop-all-writes', '--demo', '--dry-run', '--json'], { env: env() });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { phrase: string; tier: string; changes: { field: string }[] };
    expect(plan.phrase).toBe('stop-all-writes');
    expect(plan.tier).toBe('destructive');
    expect(plan.changes.map((c) => c.field)).toEqual(expect.arrayContaining(['api desiredCount', 'worker desiredCount', 'scheduler desiredCount']));
    expect(opsdeck(['audit', '--demo'], { env: env() }).stdout).toMatch(/empty/);
  });

  it('without a terminal and without --confirm a run is refused (exit 1), journaled, and nothing runs', () => {
    const r = opsdeck(['runbook', 'run', 'stop-all-writes', '--demo'], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^refused: no confirmation given; type \(or pass --confirm\) stop-all-writes/m);
    expect(opsdeck(['audit', '--demo'], { env: env() }).stdout).toMatch(/runbook\s+demo\/runbook:stop-all-writes\s+refusal/);
  });

  it('usage errors are one line with exit 64; a broken team runbook is exit 78 naming the file', () => {
    const unknown = opsdeck(['runbook', 'run', 'stop-everything', '--demo'], { env: env() });
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/^opsdeck: no runbook "stop-everything" \(known: .*stop-all-writes.*\)/);
    expect(opsdeck(['runbook', 'resume', '--demo'], { env: env() }).stderr).toMatch(/no runbook run is unfinished/);
    const answer = opsdeck(['runbook', 'run', 'dlq-overflow', '--demo', '--answer', 'yes', '--dry-run'], { env: env() });
    expect(answer.code).toBe(64);
    expect(answer.stderr).toMatch(/--answer "yes": write it as STEP=CHOICE/);

    const dir = join(state.dir, 'cfg');
    mkdirSync(join(dir, 'runbooks'), { recursive: true });
    writeFileSync(join(dir, 'opsdeck.yaml'), 'environments:\n  lab:\n    protected: false\n');
    writeFileSync(join(dir, 'runbooks', 'mine.yaml'), 'name: mine\ntitle: Mine\nsteps:\n  - id: a\n    nope: 1\n');
    const bad = opsdeck(['runbook', 'list', '--config', join(dir, 'opsdeck.yaml')], { env: env() });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain(join(dir, 'runbooks', 'mine.yaml'));
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('a team runbook beside the config replaces the built-in of the same name', () => {
    const dir = join(state.dir, 'cfg2');
    mkdirSync(join(dir, 'runbooks'), { recursive: true });
    writeFileSync(join(dir, 'opsdeck.yaml'), 'environments:\n  lab:\n    protected: false\n');
    writeFileSync(join(dir, 'runbooks', 'bad-deploy.yaml'), 'name: bad-deploy\ntitle: Our own bad deploy\nsteps:\n  - id: a\n    note: hi\n');
    const list = opsdeck(['runbook', 'list', '--config', join(dir, 'opsdeck.yaml')], { env: env() });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^bad-deploy\s+1 steps\s+team\s+Our own bad deploy/m);
  });

  it('rehearse runs on the sandbox without a phrase and prints the end state', () => {
    const r = opsdeck(['runbook', 'rehearse', 'dlq-overflow', '--scenario', 'dlq-backlog', '--answer', 'cause-fixed=no'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^done: runbook dlq-overflow ran to its end/m);
    expect(r.stdout).toMatch(/end state of the sandbox:\n {2}ecs api: desired 3/);
  });
});
