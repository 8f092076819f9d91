import { describe, it, expect, vi, beforeEach, afterEach } from 'vitest';
import { Store, dataAgeMs } from '../../src/engine/store.js';
import { ManualClock } from '../../src/engine/clock.js';
import { RingBuffer } from '../../src/engine/ring.js';
import { PANEL_IDS, type PanelId } from '../../src/model/panels.js';

const intervals = Object.fromEntries(PANEL_IDS.map((id) => [id, 1000])) as Record<PanelId, number>;
const ecs = (n: number) => ({ services: Array.from({ length: n }, () => ({}) as never) });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Store', () => {
  it('starts loading and keeps immutable snapshots', () => {
    const s = new Store({ intervals, clock: new ManualClock(0) });
    expect(s.get('ecs').status).toBe('loading');
    const before = s.getSnapshots();
    s.succeed('ecs', ecs(1));
    expect(s.getSnapshots()).not.toBe(before);
    expect(before.ecs.status).toBe('loading');
    expect(Object.isFrozen(s.get('ecs'))).toBe(true);
    expect(s.getSnapshots().rds).toBe(before.rds);
  });

  it('coalesces a burst of updates into one notification', async () => {
    const s = new Store({ intervals, coalesceMs: 50, clock: new ManualClock(0) });
    const listener = vi.fn();
    s.subscribe(listener);
    s.succeed('ecs', ecs(1));
    s.succeed('rds', { instances: [], snapshots: [] });
    s.fail('logs', 'nope');
    expect(listener).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(50);
    expect(listener).toHaveBeenCalledTimes(1);
    s.succeed('ecs', ecs(2));
    await vi.advanceTimersByTimeAsync(50);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('keeps the last good data through an error', () => {
    const clock = new ManualClock(1000);
    const s = new Store({ intervals, clock });
    s.succeed('ecs', ecs(3));
    clock.advance(500);
    s.fail('ecs', 'ThrottlingException: Rate exceeded');
    const snap = s.get('ecs');
    expect(snap.status).toBe('error');
    expect(snap.data?.services).toHaveLength(3);
    expect(snap.error).toBe('ThrottlingException: Rate exceeded');
    expect(snap.updatedAt).toBe(1000);
    expect(dataAgeMs(snap, clock.now())).toBe(500);
  });

  it('marks data older than two intervals stale, and fresh data clears it', () => {
    const clock = new ManualClock(0);
    const s = new Store({ intervals, clock });
    s.succeed('ecs', ecs(1));
    clock.advance(2000);
    expect(s.markStale()).toBe(false);
    clock.advance(1);
    expect(s.markStale()).toBe(true);
    expect(s.get('ecs').status).toBe('stale');
    expect(s.get('rds').status).toBe('loading');
    s.succeed('ecs', ecs(1));
    expect(s.get('ecs').status).toBe('ok');
  });

  it('unsubscribe stops notifications', async () => {
    const s = new Store({ intervals, coalesceMs: 10, clock: new ManualClock(0) });
    const listener = vi.fn();
    const off = s.subscribe(listener);
    off();
    s.succeed('ecs', ecs(1));
    await vi.advanceTimersByTimeAsync(20);
    expect(listener).not.toHaveBeenCalled();
  });
});

describe('RingBuffer', () => {
  it('keeps the newest items and counts what fell out', () => {
    const r = new RingBuffer<number>(3);
    r.pushAll([1, 2, 3, 4, 5]);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.toArray(2)).toEqual([4, 5]);
    expect(r.dropped).toBe(2);
    expect(r.total).toBe(5);
    expect(r.size).toBe(3);
  });

  it('rejects a useless capacity', () => {
    expect(() => new RingBuffer(0)).toThrow(/positive integer/);
  });
});

describe('Runtime start', () => {
  it('polls only once the first view subscribes, or after the fallback wait', async () => {
    const { Runtime } = await import('../../src/engine/runtime.js');
    const { createSandbox } = await import('../../src/sources/sandbox/index.js');
    const sandbox = createSandbox({ scenario: 'calm', clock: new ManualClock(Date.parse('2026-11-22T09:00:00Z')) });
    let reads = 0;
    const describe = sandbox.sources.ecs.describe;
    const sources = { ...sandbox.sources, ecs: { describe: (s: AbortSignal) => (reads++, describe(s)) } };
    const rt = new Runtime({ sources, env: sandbox.info });
    rt.start(5_000);
    await vi.advanceTimersByTimeAsync(100);
    expect(reads).toBe(0);
    const off = rt.store.subscribe(() => {});
    await vi.advanceTimersByTimeAsync(1);
    expect(reads).toBe(1);
    off();
    await rt.stop();

    const rt2 = new Runtime({ sources, env: sandbox.info });
    rt2.start(300);
    await vi.advanceTimersByTimeAsync(299);
    expect(reads).toBe(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(reads).toBe(2);
    await rt2.stop();
  });
});
