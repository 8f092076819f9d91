// "Since the last checklist": the window of `opsdeck check` remembered per environment.
import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { useTempStateDir } from '../support/tempState.js';
import { checklistWindow, lastRunPath, readLastRun, recordRun, FIRST_RUN_WINDOW_MS } from '../../src/checks/lastRun.js';
import { runChecklist } from '../../src/checks/checklist.js';
import { createSandbox } from '../../src/sources/sandbox/index.js';
import { ManualClock } from '../../src/engine/clock.js';
import type { Sources } from '../../src/sources/ports.js';
import { NOW, HOUR, MIN, service, stopped } from './support.js';

const state = useTempStateDir();

describe('the last run, per environment', () => {
  it('a first run looks back 24 h; the next one from the first', () => {
    expect(checklistWindow({ environment: 'prod', now: NOW })).toEqual({ since: NOW - FIRST_RUN_WINDOW_MS, basis: 'first-run' });
    recordRun('prod', NOW);
    expect(lastRunPath()).toBe(join(state.dir, 'checklist.json'));
    expect(checklistWindow({ environment: 'prod', now: NOW + 9 * HOUR })).toEqual({ since: NOW, basis: 'last-run' });
    // environments do not share it
    expect(checklistWindow({ environment: 'staging', now: NOW + 9 * HOUR }).basis).toBe('first-run');
    recordRun('staging', NOW + HOUR);
    expect(readLastRun('prod')).toEqual({ at: NOW });
    expect(readLastRun('staging')).toEqual({ at: NOW + HOUR });
  });

  it('--since wins over the memory', () => {
    recordRun('prod', NOW - HOUR);
    expect(checklistWindow({ environment: 'prod', now: NOW, sinceMs: 12 * HOUR })).toEqual({ since: NOW - 12 * HOUR, basis: 'flag' });
  });

  it('a damaged file or a time in the future is told in one line and the run counts from 24 h back', () => {
    mkdirSync(state.dir, { recursive: true });
    writeFileSync(lastRunPath(), '{"lastRun": ');
    const w = checklistWindow({ environment: 'prod', now: NOW });
    expect(w).toMatchObject({ since: NOW - FIRST_RUN_WINDOW_MS, basis: 'first-run' });
    expect(w.problem).toMatch(/^cannot read .*checklist\.json \(.*\); counting from 24 h ago$/);
    // the next record replaces the damaged file
    recordRun('prod', NOW);
    expect(JSON.parse(readFileSync(lastRunPath(), 'utf8'))).toEqual({ lastRun: { prod: new Date(NOW).toISOString() } });
    expect(checklistWindow({ environment: 'prod', now: NOW - MIN }).problem).toMatch(/in the future/);
  });
});

describe('runChecklist', () => {
  /** the sandbox's sources, with the ECS panel replaced by one scheduler whose tasks failed at given times */
  function sources(failedAt: number[]): Sources {
    const sandbox = createSandbox({ scenario: 'calm', seed: 7, clock: new ManualClock(NOW) });
    const svc = service({ name: 'scheduler', desired: 0, running: 0, cpu: [], memory: [], stoppedTasks: failedAt.map((t) => stopped({ stoppedAt: t, stopCode: 'EssentialContainerExited' })) });
    return { ...sandbox.sources, ecs: { describe: async () => ({ services: [svc] }) } };
  }
  const lines: string[] = [];
  const base = { environment: 'prod', config: { postgres: [] }, remember: true, warn: (l: string) => lines.push(l) };

  it('counts failed tasks since the previous run, then remembers this one', async () => {
    const failedAt = [NOW - 50 * MIN, NOW - 20 * MIN, NOW - 5 * MIN];
    const first = await runChecklist({ ...base, sources: sources(failedAt), now: NOW - 30 * MIN });
    expect(first.window).toEqual({ from: new Date(NOW - 30 * MIN - 24 * HOUR).toISOString(), to: new Date(NOW - 30 * MIN).toISOString(), basis: 'first-run' });
    // at 08:30 only the 08:10 failure had happened
    expect(first.findings.find((f) => f.checkId === 'ecs.failed-tasks')?.figure).toBe('1 failed in the last 24.0 h');
    const second = await runChecklist({ ...base, sources: sources(failedAt), now: NOW });
    expect(second.window.basis).toBe('last-run');
    expect(second.window.from).toBe(new Date(NOW - 30 * MIN).toISOString());
    expect(second.findings.find((f) => f.checkId === 'ecs.failed-tasks')).toMatchObject({ severity: 'warn', figure: '2 failed in the last 30 min' });
    expect(readLastRun('prod')).toEqual({ at: NOW });
    expect(lines).toEqual([]);
  });

  it('the sandbox is not remembered', async () => {
    await runChecklist({ ...base, remember: false, sources: sources([]), now: NOW });
    expect(existsSync(lastRunPath())).toBe(false);
  });

  it('a state directory it cannot write is one line, and the report still comes', async () => {
    // a file where the directory should be: fails for root too
    const blocked = join(state.dir, 'not-a-dir');
    mkdirSync(state.dir, { recursive: true });
    writeFileSync(blocked, '');
    const r = await runChecklist({ ...base, sources: sources([]), now: NOW, processEnv: { OPSDECK_STATE_DIR: blocked } });
    expect(r.findings.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^could not remember this checklist run in .*not-a-dir\/checklist\.json: /);
  });
});
