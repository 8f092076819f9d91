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
import { checkSettings, configuredAreas, evaluate } from '../../src/checks/evaluate.js';
import { NOW, HOUR, MIN, healthy, rds, service, stopped } from './support.js';

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
  const base = { environment: 'prod', config: { ecs: [{ cluster: 'main' }], postgres: [] }, remember: true, warn: (l: string) => lines.push(l) };

  it('counts failed tasks since the previous run, then remembers this one', async () => {
    const failedAt = [NOW - 50 * MIN, NOW - 20 * MIN, NOW - 5 * MIN];
    const first = await runChecklist({ ...base, sources: sources(failedAt), now: NOW - 30 * MIN });
    expect(first.window).toEqual({ from: new Date(NOW - 30 * MIN - 24 * HOUR).toISOString(), to: new Date(NOW - 30 * MIN).toISOString(), basis: 'first-run', moved: true });
    // at 08:30 only the 08:10 failure had happened
    expect(first.findings.find((f) => f.checkId === 'ecs.failed-tasks')?.figure).toBe('1 failed in the last 24.0 h');
    const second = await runChecklist({ ...base, sources: sources(failedAt), now: NOW });
    expect(second.window.basis).toBe('last-run');
    expect(second.window.from).toBe(new Date(NOW - 30 * MIN).toISOString());
    expect(second.findings.find((f) => f.checkId === 'ecs.failed-tasks')).toMatchObject({ severity: 'warn', figure: '2 failed in the last 30 min' });
    expect(readLastRun('prod')).toEqual({ at: NOW });
    expect(second.window.moved).toBe(true);
    expect(lines).toEqual([]);
  });

  it('a --since run does not move the window, and says so', async () => {
    recordRun('prod', NOW - 9 * HOUR);
    const r = await runChecklist({ ...base, sources: sources([]), now: NOW, sinceMs: 2 * HOUR });
    expect(r.window).toMatchObject({ from: new Date(NOW - 2 * HOUR).toISOString(), basis: 'flag', moved: false });
    expect(r.notes).toContain('this run used --since and does not move the checklist window: the next checklist still counts from 2026-11-22 00:00 UTC');
    expect(readLastRun('prod')).toEqual({ at: NOW - 9 * HOUR });
    // the next default run counts the whole night, the --since look included
    const next = await runChecklist({ ...base, sources: sources([]), now: NOW + MIN });
    expect(next.window).toMatchObject({ from: new Date(NOW - 9 * HOUR).toISOString(), basis: 'last-run', moved: true });
  });

  it('a run whose sources did not answer does not move the window', async () => {
    recordRun('prod', NOW - 9 * HOUR);
    const silent = { ...sources([]), ecs: { describe: () => new Promise<never>(() => {}) } };
    const r = await runChecklist({ ...base, sources: silent, now: NOW, timeoutMs: 1 });
    expect(r.summary.unknown).toBeGreaterThan(0);
    expect(r.window).toMatchObject({ basis: 'last-run', moved: false });
    expect(r.notes.at(-1)).toBe(`this run did not judge everything (${r.summary.unknown} unknown) and does not move the checklist window: the next checklist still counts from 2026-11-22 00:00 UTC`);
    expect(readLastRun('prod')).toEqual({ at: NOW - 9 * HOUR });
    // a first run that judged nothing leaves the next one looking back 24 h
    const fresh = await runChecklist({ ...base, environment: 'staging', sources: silent, now: NOW, timeoutMs: 1 });
    expect(fresh.notes.at(-1)).toMatch(/the next checklist still looks back 24 h$/);
    expect(readLastRun('staging')).toEqual({});
  });

  it('a run that read only part of the night\'s logs does not move the window', async () => {
    recordRun('prod', NOW - 9 * HOUR);
    // a log group that never runs dry: the read stops at its cap with the night half counted
    let t = NOW - 9 * HOUR;
    const endless = { groups: ['/ecs/api'], read: async () => ({ events: [{ id: String(t), group: '/ecs/api', stream: 's', timestamp: (t += MIN), message: 'ERROR boom', severity: 'error' as const }], cursor: { since: t, seenAtSince: [String(t)] }, mode: 'poll' as const }) };
    const r = await runChecklist({ ...base, config: { ...base.config, logs: [{ group: '/ecs/api' }] }, sources: { ...sources([]), logs: endless }, now: NOW });
    expect(r.summary.unknown).toBe(0);
    expect(r.window).toMatchObject({ basis: 'last-run', partial: true, moved: false });
    expect(r.notes.at(-1)).toBe("this run read only part of the window's logs and does not move the checklist window: the next checklist still counts from 2026-11-22 00:00 UTC");
    expect(readLastRun('prod')).toEqual({ at: NOW - 9 * HOUR });
  });

  it('judges only what the environment configures: no RDS, no backup check', async () => {
    const r = await runChecklist({ ...base, sources: sources([]), now: NOW, timeoutMs: 1 });
    // the sandbox's RDS, queues, PostgreSQL and probes are there to read, but not configured here
    expect(new Set(r.findings.map((f) => f.area))).toEqual(new Set(['ecs']));
    expect(r.summary.unknown).toBe(0);
    expect(r.window.moved).toBe(true);
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

describe('checks of what the environment configures', () => {
  it('maps each area to its config key', () => {
    expect(configuredAreas({})).toEqual([]);
    expect(configuredAreas({ ecs: [{ cluster: 'main' }], redis: [{ name: 'jobs', url: 'redis://x', queues: [] }], http: [] })).toEqual(['ecs', 'queues']);
  });

  it('the dashboard judges the same: an environment without RDS has no backup finding, even with no snapshot in sight', () => {
    const data = { ...healthy(), rds: rds({ instances: [], snapshots: [] }) };
    const settings = checkSettings({ ecs: [{ cluster: 'main' }], postgres: [] });
    const { findings } = evaluate(data, { rds: 'not configured, never read' }, { env: 'prod', now: NOW, ...settings });
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.filter((f) => f.area !== 'ecs')).toEqual([]);
    // with RDS configured, the same unreadable panel is an unknown, and ECS is not judged
    const withRds = evaluate(data, { rds: 'no answer' }, { env: 'prod', now: NOW, ...checkSettings({ rds: [{ instance: 'prod-db' }], postgres: [] }) });
    expect(new Set(withRds.findings.map((f) => `${f.area} ${f.severity}`))).toEqual(new Set(['rds unknown']));
  });
});
