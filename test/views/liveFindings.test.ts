/**
 * The pieces under the dashboard's findings and incident mode, without a
 * terminal: the live checks on a store (when they run, what they leave out),
 * the incident header row, and the timeline an action leaves through the
 * executor's observer, refusals included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { LiveFindings } from '../../src/checks/live.js';
import type { CheckDefinition } from '../../src/checks/types.js';
import { TuiIncident } from '../../src/dashboard/incident.js';
import { currentIncident } from '../../src/incident/index.js';
import type { ActionEntry } from '../../src/incident/types.js';
import { incidentLine } from '../../views/incidentLine.js';
import { colorTheme } from '../../views/theme.js';
import { makeStore } from './render.js';
import { allData, T0 } from './fixtures.js';
import { actionHarness, type ActionHarness } from './actionSupport.js';

let live: LiveFindings | undefined;
let a: ActionHarness | undefined;
let dir: string | undefined;
afterEach(() => {
  vi.useRealTimers();
  live?.dispose();
  a?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
  live = a = dir = undefined;
});

const until = (cond: () => boolean, ms = 3_000) => expect.poll(cond, { timeout: ms, interval: 5 }).toBe(true);

describe('LiveFindings', () => {
  test('runs only once the store has a subscriber (the first frame), then at most once per interval', async () => {
    // fake timers: that nothing ran is proven by moving time on, not by sleeping
    vi.useFakeTimers();
    try {
      const clock = new ManualClock(T0);
      const store = makeStore(clock, allData, 1_000);
      const runs: number[] = [];
      live = new LiveFindings({ store, clock, env: () => 'prod', intervalMs: 40, onEvaluated: () => runs.push(clock.now()) });
      // nothing subscribed: the dashboard has not drawn, the runtime has not started polling
      await vi.advanceTimersByTimeAsync(200);
      expect(runs).toEqual([]);
      const off = store.subscribe(() => undefined);
      await vi.advanceTimersByTimeAsync(39);
      expect(runs.length).toBe(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(runs.length).toBe(1);
      // a burst of updates (the log tail) costs one run
      for (let i = 0; i < 20; i++) {
        store.succeed('logs', { ...allData.logs, total: allData.logs.total + i + 1 });
        store.flush();
      }
      await vi.advanceTimersByTimeAsync(40);
      expect(runs.length).toBe(2);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(runs.length).toBe(2);
      off();
    } finally {
      vi.useRealTimers();
    }
  });

  test('a panel still loading is not judged: no wave of unknowns; a failing one is', async () => {
    const clock = new ManualClock(T0);
    const store = makeStore(clock, { ecs: allData.ecs }, 1_000);
    live = new LiveFindings({ store, clock, env: () => 'prod', intervalMs: 5 });
    const off = store.subscribe(() => undefined);
    await until(() => live!.getState().evaluatedAt !== undefined);
    const areas = new Set(live.getState().findings.map((t) => t.finding.area));
    expect([...areas]).toEqual(['ecs']);
    expect(live.getState().findings.some((t) => t.finding.severity === 'unknown')).toBe(false);
    store.fail('postgres', 'connect ECONNREFUSED 10.0.0.5:5432');
    store.flush();
    await until(() => live!.getState().findings.some((t) => t.finding.area === 'postgres'));
    expect(live.getState().findings.filter((t) => t.finding.area === 'postgres').every((t) => t.finding.severity === 'unknown' && t.finding.message.includes('ECONNREFUSED'))).toBe(true);
    off();
  });

  test('a critical finding keeps the age of when it turned critical', async () => {
    const clock = new ManualClock(T0);
    const store = makeStore(clock, allData, 1_000);
    let crit = false;
    const check: CheckDefinition = {
      id: 'test.flip',
      area: 'ecs',
      title: 'flips',
      reads: ['ecs'],
      thresholds: [],
      actions: [],
      evaluate: (ctx) => [{ checkId: 'test.flip', area: 'ecs', subject: `${ctx.env}/api`, ref: { kind: 'ecs-service', name: 'api', cluster: 'conflicto-prod-cluster' }, severity: crit ? 'crit' : 'ok', message: crit ? 'down' : 'up' }],
    };
    live = new LiveFindings({ store, clock, env: () => 'prod', intervalMs: 5, checks: [check] });
    const off = store.subscribe(() => undefined);
    await until(() => live!.getState().evaluatedAt === T0);
    clock.advance(60_000);
    crit = true;
    store.touch();
    await until(() => live!.at('crit').length === 1);
    clock.advance(120_000);
    store.touch();
    // the same verdicts keep the state as it was: the run shows in checkedAt
    await until(() => live!.checkedAt() === T0 + 180_000);
    expect(live.at('crit')[0]).toMatchObject({ since: T0 + 60_000, finding: { subject: 'prod/api' } });
    off();
  });
});

describe('the incident row', () => {
  const status = (elapsedMs: number) => ({ id: 'x', title: 'api down', startedAt: 0, elapsedMs, next: { minutes: 2, advice: 'page the secondary on-call; if …', inMs: 120_000 - elapsedMs } });
  test('warn until the first escalation mark, crit after', () => {
    const before = incidentLine({ status: status(90_000) }, 100)!;
    expect(before[0]).toMatchObject({ text: ' INCIDENT 01:30 ', tone: 'warn' });
    const after = incidentLine({ status: { ...status(150_000), next: { minutes: 5, advice: 'post an Investigating status update; …', inMs: 150_000 } } }, 100)!;
    expect(after[0]).toMatchObject({ text: ' INCIDENT 02:30 ', tone: 'crit' });
    expect(after.map((s) => s.text).join('')).toContain('next: 5 min in 2:30 — post an Investigating status update · api down');
    expect(colorTheme.tones.crit.color).toBe('red');
    expect(incidentLine({}, 100)).toBeUndefined();
  });

  test('a timeline that cannot be written is said in the row', () => {
    const line = incidentLine({ status: status(10_000), problem: 'incident timeline: EACCES' }, 120)!;
    expect(line.map((s) => s.text).join('')).toContain('✗ incident timeline: EACCES');
  });
});

describe('actions on the timeline', () => {
  test('a plan refused by the topology rule is one refused entry; a cancelled plan is planned only', async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsdeck-views-observer-'));
    const env = { OPSDECK_STATE_DIR: dir };
    const inc = new TuiIncident({ env, environment: () => 'demo', findings: () => [], by: 'alice@laptop' });
    inc.start('scheduler stuck');
    a = await actionHarness({ scenario: 'calm', observer: inc.observer });
    const { controller, requests } = a.actions;
    const phase = (p: string) => until(() => controller.getState().phase === p);
    controller.begin(requests.ecs!.scale('demo', 'scheduler'));
    controller.key({ input: '3' });
    controller.key({ input: '', return: true });
    await phase('finished');
    expect(controller.getState().result?.outcome).toBe('refused');
    controller.close();
    controller.begin(requests.ecs!.redeploy('demo', 'api'));
    await phase('confirm');
    controller.key({ input: '', escape: true });
    const entries = currentIncident({ env })!.entries.filter((e): e is ActionEntry => e.kind === 'action');
    expect(entries.map((e) => [e.phase, e.action, e.target])).toEqual([
      ['refused', 'scale', 'demo/scheduler'],
      ['planned', 'redeploy', 'demo/api'],
    ]);
    expect(entries[0]!.message).toMatch(/scheduler/);
  });

  test('an observer that throws does not stop the action', async () => {
    a = await actionHarness({ scenario: 'calm', observer: { planned: () => { throw new Error('disk full'); }, confirmed: () => { throw new Error('disk full'); }, outcome: () => { throw new Error('disk full'); } } });
    const { controller, requests } = a.actions;
    controller.begin(requests.rds!.snapshot('demo-db'));
    await until(() => controller.getState().phase === 'confirm');
    controller.key({ input: 'y' });
    a.release();
    await until(() => controller.getState().phase === 'finished');
    expect(controller.getState().result?.outcome).toBe('done');
  });
});
