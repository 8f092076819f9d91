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
import { sameData } from './sameData.js';

interface StoreOptions {
  intervals: Record<PanelId, number>;
  /** how long to wait to fold several updates into one notification */
  coalesceMs?: number;
  /** at least this many ms between two notifications (see Observable); default none */
  minGapMs?: number;
  clock?: Clock;
}

export class Store {
  private readonly snapshots: Observable<PanelSnapshots>;
  private readonly clock: Clock;
  /**
   * When each panel's data was last confirmed by a successful poll. A poll
   * that returns what the panel holds keeps the snapshot (same object, no
   * notification, no frame), so its updatedAt stays at the last change; this
   * is what staleness and the error line's "data from … ago" count from.
   */
  private readonly confirmedAt = new Map<PanelId, number>();

  constructor(opts: StoreOptions) {
    this.clock = opts.clock ?? systemClock;
    const initial = {} as Record<PanelId, PanelSnapshot<unknown>>;
    for (const id of PANEL_IDS) initial[id] = { status: 'loading', intervalMs: opts.intervals[id] };
    this.snapshots = new Observable(Object.freeze(initial) as PanelSnapshots, { coalesceMs: opts.coalesceMs ?? 50, ...(opts.minGapMs ? { minGapMs: opts.minGapMs } : {}) });
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

  /** New data for a panel; the same data as held (structurally) changes nothing anyone can see. */
  succeed<K extends PanelId>(id: K, data: PanelData[K]): void {
    const now = this.clock.now();
    this.confirmedAt.set(id, now);
    const prev = this.get(id);
    if (prev.status === 'ok' && sameData(prev.data, data)) return;
    this.replace(id, { status: 'ok', data, updatedAt: now, attemptedAt: now, intervalMs: this.get(id).intervalMs } as PanelSnapshots[K]);
  }

  /** Keeps the last good data so the panel still shows it, marked with the error. */
  fail(id: PanelId, error: string): void {
    const prev = this.get(id);
    const next: PanelSnapshot<unknown> = { ...prev, ...this.confirmed(id), status: 'error', error, attemptedAt: this.clock.now() };
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
      const at = this.confirmedAt.get(id) ?? s.updatedAt;
      if (s.status === 'ok' && at !== undefined && now - at > 2 * s.intervalMs) {
        this.replace(id, { ...s, ...this.confirmed(id), status: 'stale' } as PanelSnapshots[typeof id]);
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

  /** The last confirmation as the snapshot's updatedAt, for a snapshot about to be replaced anyway. */
  private confirmed(id: PanelId): { updatedAt?: number } {
    const at = this.confirmedAt.get(id);
    return at === undefined ? {} : { updatedAt: at };
  }

  private replace<K extends PanelId>(id: K, snap: PanelSnapshots[K]): void {
    this.snapshots.update((all) => Object.freeze({ ...all, [id]: Object.freeze(snap) }) as PanelSnapshots);
  }
}

/** How old the last good data is, for "stale 2m" / "error, last good 40s ago". */
export function dataAgeMs(snap: PanelSnapshot<unknown>, now: number): number | undefined {
  return snap.updatedAt === undefined ? undefined : Math.max(0, now - snap.updatedAt);
}
