import { describe, it, expect, vi, afterEach, beforeEach } from 'vitest';
import { Watcher, nextDelay, MAX_BACKOFF_MS } from '../../src/engine/watcher.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('nextDelay', () => {
  it('doubles per failure and caps at a minute', () => {
    expect(nextDelay(1000, 0, 0, 0.5)).toBe(1000);
    expect(nextDelay(1000, 1, 0, 0.5)).toBe(2000);
    expect(nextDelay(1000, 3, 0, 0.5)).toBe(8000);
    expect(nextDelay(1000, 20, 0, 0.5)).toBe(MAX_BACKOFF_MS);
    expect(nextDelay(5000, 5, 0.5, 1)).toBe(MAX_BACKOFF_MS);
  });

  it('spreads by the jitter fraction both ways', () => {
    expect(nextDelay(1000, 0, 0.1, 0)).toBe(900);
    expect(nextDelay(1000, 0, 0.1, 1)).toBe(1100);
  });
});

describe('Watcher', () => {
  it('polls at once, then on the interval', async () => {
    const ctl = new AbortController();
    const poll = vi.fn(async () => 'x');
    const onData = vi.fn();
    const w = new Watcher({ name: 't', intervalMs: 1000, poll, onData, onError: vi.fn(), signal: ctl.signal, jitter: 0 });
    w.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(poll).toHaveBeenCalledTimes(1);
    expect(onData).toHaveBeenCalledWith('x');
    await vi.advanceTimersByTimeAsync(1000);
    expect(poll).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(poll).toHaveBeenCalledTimes(5);
    ctl.abort();
  });

  it('drops ticks while a poll is in flight instead of stacking them', async () => {
    const ctl = new AbortController();
    const slow = deferred<string>();
    const poll = vi.fn(() => slow.promise);
    const w = new Watcher({ name: 't', intervalMs: 1000, poll, onData: vi.fn(), onError: vi.fn(), signal: ctl.signal, jitter: 0 });
    w.start();
    await vi.advanceTimersByTimeAsync(5500);
    expect(poll).toHaveBeenCalledTimes(1);
    expect(w.stats.droppedTicks).toBe(5);
    w.refresh();
    expect(poll).toHaveBeenCalledTimes(1);
    slow.resolve('late');
    await vi.advanceTimersByTimeAsync(0);
    expect(w.stats.inFlight).toBe(false);
    ctl.abort();
  });

  it('backs off exponentially on failure and recovers on success', async () => {
    const ctl = new AbortController();
    let fail = true;
    const poll = vi.fn(async () => {
      if (fail) throw new Error('boom');
      return 1;
    });
    const onError = vi.fn();
    const w = new Watcher({ name: 't', intervalMs: 1000, poll, onData: vi.fn(), onError, signal: ctl.signal, jitter: 0 });
    w.start();
    await vi.advanceTimersByTimeAsync(0); // fails #1 → next in 2 s
    expect(onError).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(poll).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1); // fails #2 → next in 4 s
    expect(poll).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3999);
    expect(poll).toHaveBeenCalledTimes(2);
    fail = false;
    await vi.advanceTimersByTimeAsync(1); // succeeds → back to 1 s
    expect(poll).toHaveBeenCalledTimes(3);
    expect(w.stats.failures).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(poll).toHaveBeenCalledTimes(4);
    ctl.abort();
  });

  it('never waits more than a minute between attempts, however long it fails', async () => {
    const ctl = new AbortController();
    const poll = vi.fn(async () => {
      throw new Error('down');
    });
    const w = new Watcher({ name: 't', intervalMs: 5000, poll, onData: vi.fn(), onError: vi.fn(), signal: ctl.signal, jitter: 0 });
    w.start();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    const before = poll.mock.calls.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(poll.mock.calls.length).toBe(before + 1);
    ctl.abort();
  });

  it('abort stops polling and aborts the poll in flight', async () => {
    const ctl = new AbortController();
    let seen: AbortSignal | undefined;
    const poll = vi.fn((signal: AbortSignal) => {
      seen = signal;
      return new Promise<never>(() => {});
    });
    const onData = vi.fn();
    const onError = vi.fn();
    const w = new Watcher({ name: 't', intervalMs: 1000, poll, onData, onError, signal: ctl.signal });
    w.start();
    ctl.abort();
    expect(seen?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(poll).toHaveBeenCalledTimes(1);
    expect(onError).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
