/**
 * An idle dashboard costs nothing: a poll that brings back what the panel
 * holds keeps its snapshot and draws no frame; an age on screen still moves,
 * but only when its printed text changes; and nothing kept hides a real
 * change. Commits are counted with React's Profiler around the real App.
 */
import { Profiler } from 'react';
import { render as inkRender } from 'ink-testing-library';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { Store } from '../../src/engine/store.js';
import { sameData } from '../../src/engine/sameData.js';
import { createSandbox } from '../../src/sources/sandbox/index.js';
import { PANEL_IDS, type PanelData, type PanelId } from '../../src/model/panels.js';
import { App } from '../../views/App.js';
import { makeStore } from './render.js';
import { allData, env, T0 } from './fixtures.js';

const intervals = Object.fromEntries(PANEL_IDS.map((id) => [id, 1_000])) as Record<PanelId, number>;

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function mount(data: Partial<PanelData>, ageMs: number) {
  const clock = new ManualClock(T0);
  const store = makeStore(clock, data, ageMs);
  const runtime = { store, env, clock, refresh: vi.fn(), setEnv: () => undefined };
  let commits = 0;
  const inst = inkRender(
    <Profiler id="app" onRender={() => commits++}>
      <App runtime={runtime} noColor={true} onQuit={() => undefined} logSaveDirs={['/nonexistent/opsdeck-test-no-save']} />
    </Profiler>,
  );
  cleanup = () => {
    inst.unmount();
    inst.cleanup();
  };
  const frame = () => inst.lastFrame() ?? '';
  const waitFor = (pred: (f: string) => boolean, timeout = 5_000) =>
    vi.waitFor(
      () => {
        if (!pred(frame())) throw new Error(`no frame matched; last:\n${frame()}`);
      },
      { timeout, interval: 10 },
    );
  return { clock, store, frame, waitFor, commits: () => commits };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the store keeps what did not change', () => {
  test('a poll with the same data keeps the snapshot and tells nobody; different data does', async () => {
    const clock = new ManualClock(0);
    const store = new Store({ intervals, clock, coalesceMs: 0 });
    const heard = vi.fn();
    store.subscribe(heard);
    store.succeed('ecs', structuredClone(allData.ecs));
    const first = store.getSnapshots();
    await sleep(10);
    expect(heard).toHaveBeenCalledTimes(1);
    clock.advance(500);
    store.succeed('ecs', structuredClone(allData.ecs));
    expect(store.getSnapshots()).toBe(first);
    await sleep(10);
    expect(heard).toHaveBeenCalledTimes(1);
    const changed = structuredClone(allData.ecs);
    changed.services[0]!.running = 2;
    store.succeed('ecs', changed);
    expect(store.getSnapshots()).not.toBe(first);
    expect(store.get('ecs').data?.services[0]?.running).toBe(2);
    await sleep(10);
    expect(heard).toHaveBeenCalledTimes(2);
  });

  test('a panel whose polls keep confirming the same data is not stale; its error line counts from the last confirmation', () => {
    const clock = new ManualClock(0);
    const store = new Store({ intervals, clock, coalesceMs: 0 });
    store.succeed('queues', structuredClone(allData.queues));
    for (let i = 0; i < 5; i++) {
      clock.advance(1_000);
      store.succeed('queues', structuredClone(allData.queues));
      expect(store.markStale()).toBe(false);
    }
    expect(store.get('queues').updatedAt).toBe(0);
    clock.advance(400);
    store.fail('queues', 'ECONNRESET');
    expect(store.get('queues')).toMatchObject({ status: 'error', updatedAt: 5_000 });
    clock.advance(2_700);
    store.succeed('queues', structuredClone(allData.queues));
    clock.advance(2_001);
    expect(store.markStale()).toBe(true);
    expect(store.get('queues')).toMatchObject({ status: 'stale', updatedAt: 8_100 });
  });

  test("the sandbox's ECS read twice a second apart (nothing moved) gives equal data, so the store keeps it", async () => {
    const clock = new ManualClock(Date.parse('2026-11-22T09:00:00Z'));
    const sandbox = createSandbox({ scenario: 'calm', clock });
    const signal = new AbortController().signal;
    const store = new Store({ intervals, clock, coalesceMs: 0 });
    const a = await sandbox.sources.ecs.describe(signal);
    store.succeed('ecs', a);
    const kept = store.get('ecs');
    clock.advance(1_000);
    const b = await sandbox.sources.ecs.describe(signal);
    expect(b).not.toBe(a);
    expect(sameData(a, b)).toBe(true);
    store.succeed('ecs', b);
    expect(store.get('ecs')).toBe(kept);
  });
});

describe('the dashboard draws only what changed', () => {
  test('a poll with no visible change does not render; a changed snapshot draws a new frame', async () => {
    const v = mount(allData, 3_000);
    await v.waitFor((f) => f.includes('api'));
    await sleep(300);
    const before = v.commits();
    v.store.succeed('ecs', structuredClone(allData.ecs));
    v.store.flush();
    await sleep(300);
    expect(v.commits()).toBe(before);
    const shown = v.frame();
    const changed = structuredClone(allData.ecs);
    changed.services = changed.services.map((s) => ({ ...s, name: `${s.name}x` }));
    v.store.succeed('ecs', changed);
    v.store.flush();
    await v.waitFor((f) => f !== shown && f.includes('apix'));
    expect(v.commits()).toBeGreaterThan(before);
  });

  test('an age on screen ticks when its text changes, and only then', async () => {
    // queues only, not confirmed for 5 minutes (stale): the header's "updated … ago" is the one age that follows the clock
    const v = mount({ queues: allData.queues }, 5 * 60_000);
    v.store.markStale();
    v.store.flush();
    await v.waitFor((f) => f.includes('updated 5m ago'));
    await sleep(200);
    const before = v.commits();
    // seconds pass but "5m" stays "5m": the age clock looks and draws nothing
    for (let i = 0; i < 3; i++) {
      v.clock.advance(1_000);
      await sleep(700);
    }
    await sleep(700);
    expect(v.commits()).toBe(before);
    expect(v.frame()).toContain('updated 5m ago');
    // a minute later the printed age changes: a frame within the age clock's second
    v.clock.advance(60_000);
    await v.waitFor((f) => f.includes('updated 6m ago'), 3_000);
    expect(v.commits()).toBeGreaterThan(before);
  });

  test('seconds still tick when shown in seconds', async () => {
    const v = mount({ queues: allData.queues }, 33_000);
    v.store.markStale();
    v.store.flush();
    await v.waitFor((f) => f.includes('updated 33s ago'));
    v.clock.advance(4_000);
    await v.waitFor((f) => f.includes('updated 37s ago'), 3_000);
  });

  test('while every panel is confirmed by its polls the header says live, not an age that grows on a quiet environment', async () => {
    const v = mount({ queues: allData.queues }, 3_000);
    await v.waitFor((f) => f.includes(' live'));
    expect(v.frame()).not.toMatch(/updated \S+ ago/);
  });
});
