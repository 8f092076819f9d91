import { describe, expect, it } from 'vitest';
import { DrainHistory, drainOf } from '../../src/sources/redis/drain.js';

const MIN = 60_000;

describe('drain rate and time to empty', () => {
  it('is unknown until the history spans the minimum', () => {
    const h = new DrainHistory({ minSpanMs: MIN });
    expect(h.record('q', { t: 0, waiting: 10, queued: 10 })).toEqual({ drainPerMinute: null, etaToEmptyMs: null });
    expect(h.record('q', { t: 30_000, waiting: 5, queued: 5 })).toEqual({ drainPerMinute: null, etaToEmptyMs: null });
    expect(h.record('q', { t: MIN, waiting: 4, queued: 4 })).toEqual({ drainPerMinute: 6, etaToEmptyMs: 40_000 });
  });

  it('prefers a departures counter, then an arrivals counter, then the fall of the depth', () => {
    const a = { t: 0, waiting: 100, queued: 100, arrived: 1000, departed: 500 };
    // 60 done in 2 min while 80 arrived: the depth grew by 20, so no ETA
    const b = { t: 2 * MIN, waiting: 120, queued: 120, arrived: 1080, departed: 560 };
    expect(drainOf([a, b], MIN)).toEqual({ drainPerMinute: 30, etaToEmptyMs: null });
    const noDeparted = [{ ...a, departed: undefined }, { ...b, departed: undefined }];
    expect(drainOf(noDeparted, MIN)).toEqual({ drainPerMinute: 30, etaToEmptyMs: null });
    const depthOnly = [{ t: 0, waiting: 100, queued: 100 }, { t: 2 * MIN, waiting: 40, queued: 40 }];
    expect(drainOf(depthOnly, MIN)).toEqual({ drainPerMinute: 30, etaToEmptyMs: 80_000 });
  });

  it('does not trust a counter that went backwards (a flushed Redis)', () => {
    const s = [
      { t: 0, waiting: 50, queued: 50, arrived: 900, departed: 800 },
      { t: MIN, waiting: 20, queued: 20, arrived: 3, departed: 1 },
    ];
    expect(drainOf(s, MIN)).toEqual({ drainPerMinute: 30, etaToEmptyMs: 40_000 });
  });

  it('an empty queue has nothing left to drain; a stalled one has no ETA', () => {
    expect(drainOf([{ t: 0, waiting: 5, queued: 5 }, { t: MIN, waiting: 0, queued: 0 }], MIN)).toEqual({ drainPerMinute: 5, etaToEmptyMs: 0 });
    expect(drainOf([{ t: 0, waiting: 5, queued: 5 }, { t: MIN, waiting: 5, queued: 5 }], MIN)).toEqual({ drainPerMinute: 0, etaToEmptyMs: null });
  });

  it('looks back over the window only, and starts again when the clock jumps back', () => {
    const h = new DrainHistory({ windowMs: 5 * MIN, minSpanMs: MIN });
    h.record('q', { t: 0, waiting: 1000, queued: 1000 });
    for (let m = 1; m <= 10; m++) h.record('q', { t: m * MIN, waiting: 1000 - (m <= 5 ? 0 : (m - 5) * 10), queued: 0 });
    // minutes 5..10: the depth fell 50 in 5 minutes
    expect(h.record('q', { t: 10 * MIN, waiting: 950, queued: 0 }).drainPerMinute).toBe(10);
    expect(h.record('q', { t: 9 * MIN, waiting: 950, queued: 0 })).toEqual({ drainPerMinute: null, etaToEmptyMs: null });
  });
});
