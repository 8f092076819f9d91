/**
 * How fast a queue empties, from what consecutive refreshes saw. Redis holds
 * depths, not rates, so the source keeps a short history per queue and
 * compares its ends:
 *
 *  - a counter of jobs taken or finished, where the library keeps one: the rate is its growth;
 *  - else a counter of jobs added: taken = added − growth of what still waits;
 *  - else only the depth: taken = how much the depth fell (0 while it grows).
 *
 * A counter that went backwards (a flushed Redis, an obliterated queue) is
 * not trusted and the next rule is used. The time to empty is the depth over
 * that rate while the depth is not growing; a queue that grows is not
 * draining, whatever its throughput, and gets no ETA.
 */
interface DrainSample {
  t: number;
  waiting: number;
  queued: number;
  arrived?: number;
  departed?: number;
}

interface Drain {
  drainPerMinute: number | null;
  etaToEmptyMs: number | null;
}

export interface DrainOptions {
  /** how far back the rate looks; default 5 min */
  windowMs?: number;
  /** the shortest history that gives a rate; default 1 min */
  minSpanMs?: number;
}

const MAX_SAMPLES = 600;

const grew = (a: number | undefined, b: number | undefined): number | null => (a !== undefined && b !== undefined && b >= a ? b - a : null);

export function drainOf(samples: readonly DrainSample[], minSpanMs: number): Drain {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || last.t - first.t < minSpanMs) return { drainPerMinute: null, etaToEmptyMs: null };
  const minutes = (last.t - first.t) / 60_000;
  const departed = grew(first.departed, last.departed);
  const arrived = grew(first.arrived, last.arrived);
  const taken = departed ?? (arrived !== null ? Math.max(0, arrived - (last.queued - first.queued)) : Math.max(0, first.waiting - last.waiting));
  const drainPerMinute = Math.round((taken / minutes) * 10) / 10;
  let etaToEmptyMs: number | null = null;
  if (last.waiting === 0) etaToEmptyMs = 0;
  else if (drainPerMinute > 0 && last.waiting <= first.waiting) etaToEmptyMs = Math.round((last.waiting / drainPerMinute) * 60_000);
  return { drainPerMinute, etaToEmptyMs };
}

export class DrainHistory {
  private readonly windowMs: number;
  private readonly minSpanMs: number;
  private readonly byQueue = new Map<string, DrainSample[]>();

  constructor(opts: DrainOptions = {}) {
    this.windowMs = opts.windowMs ?? 5 * 60_000;
    this.minSpanMs = opts.minSpanMs ?? 60_000;
  }

  record(key: string, sample: DrainSample): Drain {
    let list = this.byQueue.get(key);
    // a clock that jumped back makes every rate meaningless: start again
    if (!list || (list.length > 0 && list[list.length - 1]!.t > sample.t)) {
      list = [];
      this.byQueue.set(key, list);
    }
    list.push(sample);
    const from = sample.t - this.windowMs;
    while (list.length > 2 && (list[0]!.t < from || list.length > MAX_SAMPLES)) list.shift();
    if (list.length === 2 && list[0]!.t < from) list.shift();
    return drainOf(list, this.minSpanMs);
  }
}
