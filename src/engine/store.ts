/**
 * The store keeps one immutable snapshot per panel. Views read it with
 * useSyncExternalStore; watchers write to it. Notifications are coalesced so
 * a burst of updates (six panels finishing together, a flood of log lines)
 * costs one render.
 */
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { PanelData, PanelId, PanelSnapshot, PanelSnapshots } from '../model/panels.js';
import { PANEL_IDS } from '../model/panels.js';

export type Listener = () => void;

export interface StoreOptions {
  intervals: Record<PanelId, number>;
  /** how long to wait to fold several updates into one notification */
  coalesceMs?: number;
  clock?: Clock;
}

export class Store {
  private snapshots: PanelSnapshots;
  private listeners = new Set<Listener>();
  private firstSubscriber: (() => void)[] = [];
  private pending: ReturnType<typeof setTimeout> | undefined;
  private readonly coalesceMs: number;
  private readonly clock: Clock;

  constructor(opts: StoreOptions) {
    this.coalesceMs = opts.coalesceMs ?? 50;
    this.clock = opts.clock ?? systemClock;
    const initial = {} as Record<PanelId, PanelSnapshot<unknown>>;
    for (const id of PANEL_IDS) initial[id] = { status: 'loading', intervalMs: opts.intervals[id] };
    this.snapshots = Object.freeze(initial) as PanelSnapshots;
  }

  /** The whole set; a new object whenever any panel changed, so identity comparison works. */
  getSnapshots = (): PanelSnapshots => this.snapshots;

  get<K extends PanelId>(id: K): PanelSnapshots[K] {
    return this.snapshots[id];
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) for (const cb of this.firstSubscriber.splice(0)) cb();
    return () => this.listeners.delete(listener);
  };

  /** Runs `cb` once something subscribes (at once if something already has). */
  onFirstSubscriber(cb: () => void): void {
    if (this.listeners.size > 0) cb();
    else this.firstSubscriber.push(cb);
  }

  succeed<K extends PanelId>(id: K, data: PanelData[K]): void {
    const now = this.clock.now();
    this.replace(id, { status: 'ok', data, updatedAt: now, attemptedAt: now, intervalMs: this.snapshots[id].intervalMs } as PanelSnapshots[K]);
  }

  /** Keeps the last good data so the panel still shows it, marked with the error. */
  fail(id: PanelId, error: string): void {
    const prev = this.snapshots[id];
    const next: PanelSnapshot<unknown> = { ...prev, status: 'error', error, attemptedAt: this.clock.now() };
    this.replace(id, next as PanelSnapshots[typeof id]);
  }

  /**
   * Marks panels whose last good data is older than two intervals as stale.
   * Called on a timer by the runtime; returns whether anything changed.
   */
  markStale(): boolean {
    const now = this.clock.now();
    let changed = false;
    for (const id of PANEL_IDS) {
      const s = this.snapshots[id];
      if (s.status === 'ok' && s.updatedAt !== undefined && now - s.updatedAt > 2 * s.intervalMs) {
        this.replace(id, { ...s, status: 'stale' } as PanelSnapshots[typeof id]);
        changed = true;
      }
    }
    return changed;
  }

  /** Something besides the panels changed (the environment's identity): re-render. */
  touch(): void {
    this.snapshots = Object.freeze({ ...this.snapshots }) as PanelSnapshots;
    this.schedule();
  }

  /** Deliver pending notifications now (tests, shutdown). */
  flush(): void {
    if (this.pending !== undefined) {
      clearTimeout(this.pending);
      this.pending = undefined;
    }
    for (const l of [...this.listeners]) l();
  }

  dispose(): void {
    if (this.pending !== undefined) clearTimeout(this.pending);
    this.pending = undefined;
    this.listeners.clear();
  }

  private replace<K extends PanelId>(id: K, snap: PanelSnapshots[K]): void {
    this.snapshots = Object.freeze({ ...this.snapshots, [id]: Object.freeze(snap) }) as PanelSnapshots;
    this.schedule();
  }

  private schedule(): void {
    if (this.pending !== undefined || this.listeners.size === 0) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      for (const l of [...this.listeners]) l();
    }, this.coalesceMs);
  }
}

/** How old the last good data is, for "stale 2m" / "error, last good 40s ago". */
export function dataAgeMs(snap: PanelSnapshot<unknown>, now: number): number | undefined {
  return snap.updatedAt === undefined ? undefined : Math.max(0, now - snap.updatedAt);
}
