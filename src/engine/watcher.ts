/**
 * A watcher polls one source on an interval. While a poll is in flight the
 * next tick is dropped rather than queued, so a slow API never piles up
 * requests. Failures back off exponentially (capped at a minute) and the
 * first success returns to the normal interval. Jitter spreads the panels'
 * polls so they do not all hit the network in the same millisecond.
 */

interface WatcherOptions<T> {
  name: string;
  intervalMs: number;
  poll: (signal: AbortSignal) => Promise<T>;
  onData: (data: T) => void;
  onError: (error: unknown) => void;
  /** fraction of the interval added or removed at random, 0..0.5 */
  jitter?: number;
  maxBackoffMs?: number;
  /** stops the watcher and aborts a poll in flight */
  signal: AbortSignal;
  random?: () => number;
}

export const MAX_BACKOFF_MS = 60_000;

/** The delay before the next poll after `failures` consecutive failures. */
export function nextDelay(intervalMs: number, failures: number, jitter: number, rnd: number, maxBackoffMs = MAX_BACKOFF_MS): number {
  const base = failures === 0 ? intervalMs : Math.min(maxBackoffMs, intervalMs * 2 ** failures);
  const spread = base * jitter * (rnd * 2 - 1);
  return Math.max(0, Math.min(maxBackoffMs, Math.round(base + spread)));
}

export class Watcher<T> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: AbortController | undefined;
  private failures = 0;
  private droppedTicks = 0;
  private polls = 0;
  private readonly opts: WatcherOptions<T>;

  constructor(opts: WatcherOptions<T>) {
    this.opts = opts;
    opts.signal.addEventListener('abort', () => this.stop(), { once: true });
  }

  /** Polls at once, then on the interval. */
  start(): void {
    if (this.opts.signal.aborted) return;
    this.tick();
  }

  /** Ask for a poll now (a key press); dropped if one is already running. */
  refresh(): void {
    if (this.opts.signal.aborted) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.tick();
  }

  get stats(): { polls: number; droppedTicks: number; failures: number; inFlight: boolean } {
    return { polls: this.polls, droppedTicks: this.droppedTicks, failures: this.failures, inFlight: this.inFlight !== undefined };
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort(new Error('watcher stopped'));
    this.inFlight = undefined;
  }

  private tick(): void {
    if (this.inFlight) {
      this.droppedTicks++;
      this.schedule();
      return;
    }
    const ctl = new AbortController();
    this.inFlight = ctl;
    this.polls++;
    const startedAt = Date.now();
    const onParentAbort = () => ctl.abort(this.opts.signal.reason);
    this.opts.signal.addEventListener('abort', onParentAbort, { once: true });
    let p: Promise<T>;
    try {
      p = this.opts.poll(ctl.signal);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (data) => {
        if (ctl.signal.aborted) return;
        this.failures = 0;
        this.opts.onData(data);
      },
      (err: unknown) => {
        if (ctl.signal.aborted) return;
        this.failures++;
        this.opts.onError(err);
      },
    ).finally(() => {
      this.opts.signal.removeEventListener('abort', onParentAbort);
      if (this.inFlight === ctl) this.inFlight = undefined;
      // The next poll is timed from the end of this one: after a failure the
      // backoff starts now; after a success the interval counts from the start.
      const elapsed = this.failures === 0 ? Date.now() - startedAt : 0;
      this.schedule(elapsed);
    });
    // Fires only if the poll outlives the interval; that tick is then dropped.
    this.schedule();
  }

  private schedule(elapsedMs = 0): void {
    if (this.opts.signal.aborted) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const full = nextDelay(this.opts.intervalMs, this.failures, this.opts.jitter ?? 0.1, (this.opts.random ?? Math.random)(), this.opts.maxBackoffMs);
    const delay = Math.max(0, full - elapsedMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick();
    }, delay);
  }
}
