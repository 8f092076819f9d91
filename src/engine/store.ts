/**
 * The store keeps one immutable snapshot per panel. Views read it with
 * useSyncExternalStore; watchers write to it. Notifications are coalesced
 * (see observable.ts) so a burst of updates costs one render.
 */
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { PanelData, PanelId, PanelSnapshot, PanelSnapshots } from '../model/panels.js';
import { PANEL_IDS } from '../model/panels.js';
import { Observable } from './observable.js';

interface StoreOptions {
  intervals: Record<PanelId, number>;
  /** how long to wait to fold several updates into one notification */
  coalesceMs?: number;
  clock?: Clock;
}

export class Store {
  private readonly snapshots: Observable<PanelSnapshots>;
  private readonly clock: Clock;

  constructor(opts: StoreOptions) {
    this.clock = opts.clock ?? systemClock;
    const initial = {} as Record<PanelId, PanelSnapshot<unknown>>;
    for (const id of PANEL_IDS) initial[id] = { status: 'loading', intervalMs: opts.intervals[id] };
    this.snapshots = new Observable(Object.freeze(initial) as PanelSnapshots, { coalesceMs: opts.coalesceMs ?? 50 });
    this.getSnapshots = this.snapshots.get;
    this.subscribe = this.snapshots.subscribe;
  }

  /** The whole set; a new object whenever any panel changed, so identity comparison works. */
  readonly getSnapshots: () => PanelSnapshots;

  readonly subscribe: (listener: () => void) => () => void;

  get<K extends PanelId>(id: K): PanelSnapshots[K] {
    return this.snapshots.get()[id];
  }

  /** Runs `cb` once something subscribes (at once if something already has). */
  onFirstSubscriber(cb: () => void): void {
    this.snapshots.onFirstSubscriber(cb);
  }

  succeed<K extends PanelId>(id: K, data: PanelData[K]): void {
    const now = this.clock.now();
    this.replace(id, { status: 'ok', data, updatedAt: now, attemptedAt: now, intervalMs: this.get(id).intervalMs } as PanelSnapshots[K]);
  }

  /** Keeps the last good data so the panel still shows it, marked with the error. */
  fail(id: PanelId, error: string): void {
    const prev = this.get(id);
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
      const s = this.get(id);
      if (s.status === 'ok' && s.updatedAt !== undefined && now - s.updatedAt > 2 * s.intervalMs) {
        this.replace(id, { ...s, status: 'stale' } as PanelSnapshots[typeof id]);
        changed = true;
      }
    }
    return changed;
  }

  /** Something besides the panels changed (the environment's identity): re-render. */
  touch(): void {
    this.snapshots.update((all) => Object.freeze({ ...all }) as PanelSnapshots);
  }

  /** Deliver pending notifications now (tests, shutdown). */
  flush(): void {
    this.snapshots.flush();
  }

  dispose(): void {
    this.snapshots.dispose();
  }

  private replace<K extends PanelId>(id: K, snap: PanelSnapshots[K]): void {
    this.snapshots.update((all) => Object.freeze({ ...all, [id]: Object.freeze(snap) }) as PanelSnapshots);
  }
}

/** How old the last good data is, for "stale 2m" / "error, last good 40s ago". */
export function dataAgeMs(snap: PanelSnapshot<unknown>, now: number): number | undefined {
  return snap.updatedAt === undefined ? undefined : Math.max(0, now - snap.updatedAt);
}
