/**
 * The verdicts the rows draw follow new panel data at once, not at the next
 * throttled run: a row's figure and its mark come from the same reading.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { LiveFindings } from '../../src/checks/live.js';
import { instanceRef } from '../../src/model/subjects.js';
import { makeStore } from './render.js';
import { allData, T0 } from './fixtures.js';

let live: LiveFindings | undefined;
afterEach(() => {
  live?.dispose();
  live = undefined;
});

test('new RDS data is judged at once; a burst of log lines still waits for the interval', async () => {
  const clock = new ManualClock(T0);
  const store = makeStore(clock, allData, 1_000);
  const runs: number[] = [];
  // an interval far longer than the test: only the prompt path can make the second run
  live = new LiveFindings({ store, clock, env: () => 'prod', intervalMs: 600_000, onEvaluated: () => runs.push(Date.now()) });
  const off = store.subscribe(() => undefined);
  live.evaluateNow();
  const db = allData.rds.instances[0]!;
  expect(live.getState().verdicts.of(instanceRef(db), ['rds.cpu'])).toBe('ok');
  store.succeed('logs', allData.logs);
  store.flush();
  await new Promise((r) => setTimeout(r, 50));
  expect(runs).toHaveLength(1);
  store.succeed('rds', { ...allData.rds, instances: [{ ...db, cpuPercent: 93 }] });
  store.flush();
  await vi.waitFor(() => expect(live!.getState().verdicts.of(instanceRef(db), ['rds.cpu'])).toBe('crit'), { timeout: 2_000 });
  expect(runs).toHaveLength(2);
  off();
});
