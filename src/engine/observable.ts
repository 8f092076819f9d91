/**
 * The one observable value every store the dashboard draws is built on: the
 * panels' snapshots, the view state, the incident, the drill. Views read it
 * with `useSyncExternalStore(subscribe, get)`, so `get` must hand back the
 * same object until something changed, and `set` must replace, never mutate.
 * Notifications can be coalesced: a burst of updates (six panels finishing
 * together, a flood of log lines) then costs one render.
 */
type Listener = () => void;

interface ObservableOptions {
  /** fold the updates of this many ms into one notification; absent: notify at once */
  coalesceMs?: number;
  /**
   * at least this many ms between two coalesced notifications: a steady
   * trickle of updates (polls finishing at their own pace) then costs at
   * most one render per gap; the first after a quiet spell still waits only
   * `coalesceMs`
   */
  minGapMs?: number;
}

export class Observable<T> {
  private value: T;
  private readonly listeners = new Set<Listener>();
  private firstSubscriber: (() => void)[] = [];
  private pending: ReturnType<typeof setTimeout> | undefined;
  private lastNotified = -Infinity;

  constructor(
    initial: T,
    private readonly opts: ObservableOptions = {},
  ) {
    this.value = initial;
  }

  get = (): T => this.value;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) for (const cb of this.firstSubscriber.splice(0)) cb();
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Runs `cb` once something subscribes (at once if something already has). */
  onFirstSubscriber(cb: () => void): void {
    if (this.listeners.size > 0) cb();
    else this.firstSubscriber.push(cb);
  }

  /** Replaces the value; the same value again tells nobody. */
  set(next: T): void {
    if (Object.is(next, this.value)) return;
    this.value = next;
    this.changed();
  }

  update(fn: (prev: T) => T): void {
    this.set(fn(this.value));
  }

  /** Delivers a pending coalesced notification now (tests, shutdown). */
  flush(): void {
    if (this.pending !== undefined) {
      clearTimeout(this.pending);
      this.pending = undefined;
    }
    this.notify();
  }

  /** Forgets every listener and drops a pending notification. */
  dispose(): void {
    if (this.pending !== undefined) clearTimeout(this.pending);
    this.pending = undefined;
    this.listeners.clear();
  }

  private changed(): void {
    if (this.opts.coalesceMs === undefined) return this.notify();
    if (this.pending !== undefined || this.listeners.size === 0) return;
    const gapLeft = this.lastNotified + (this.opts.minGapMs ?? 0) - Date.now();
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.notify();
    }, Math.max(this.opts.coalesceMs, gapLeft));
  }

  private notify(): void {
    this.lastNotified = Date.now();
    for (const l of [...this.listeners]) l();
  }
}
