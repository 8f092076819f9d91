/**
 * The runtime wires sources to the store: one watcher per panel, a log tail,
 * and a timer that marks old data stale. One AbortController stops all of it.
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { Store } from './store.js';
import { Watcher } from './watcher.js';
import { LogTail } from './logTail.js';
import { failOnQueueOutage, holdDownDatabases, holdDownProbes } from './outage.js';
import type { Sources } from '../sources/ports.js';
import type { EnvironmentInfo } from '../model/environment.js';
import type { PanelId } from '../model/panels.js';
import { PANEL_IDS } from '../model/panels.js';
import { errorMessage } from '../text/sanitize.js';

export const DEFAULT_INTERVALS_MS: Record<PanelId, number> = {
  ecs: 5_000,
  rds: 15_000,
  logs: 1_000,
  queues: 2_000,
  postgres: 3_000,
  health: 5_000,
  // a rate over minutes needs no faster scrapes; Prometheus' own default is 15 s
  metrics: 10_000,
};

interface RuntimeOptions {
  sources: Sources;
  env: EnvironmentInfo;
  intervals?: Partial<Record<PanelId, number>>;
  clock?: Clock;
  /** how far back the log tail starts, default 15 minutes */
  logSinceMs?: number;
  logCapacity?: number;
  coalesceMs?: number;
  /**
   * at least this many ms between two notifications of the panels' store,
   * default 1000: seven panels polling at their own pace would otherwise cost
   * a frame each; a key's own change still draws at once (view state)
   */
  minGapMs?: number;
}

export class Runtime {
  readonly store: Store;
  /** replaced (never mutated) when the caller's identity arrives; views read it on every render */
  env: EnvironmentInfo;
  readonly clock: Clock;
  private readonly sources: Sources;
  private readonly controller = new AbortController();
  private readonly watchers = new Map<PanelId, Watcher<unknown>>();
  private readonly intervals: Record<PanelId, number>;
  private staleTimer: ReturnType<typeof setInterval> | undefined;
  readonly logs: LogTail;
  private readonly logStartAt: number;

  constructor(opts: RuntimeOptions) {
    this.sources = opts.sources;
    this.env = opts.env;
    this.clock = opts.clock ?? systemClock;
    this.intervals = { ...DEFAULT_INTERVALS_MS, ...opts.intervals };
    this.store = new Store({ intervals: this.intervals, clock: this.clock, coalesceMs: opts.coalesceMs, minGapMs: opts.minGapMs ?? 1_000 });
    this.logStartAt = this.clock.now() - (opts.logSinceMs ?? 15 * 60_000);
    this.logs = new LogTail({ capacity: opts.logCapacity ?? 10_000, minutes: 30, groups: opts.sources.logs.groups, visible: 2_000, rules: opts.sources.logs.rules ?? [], savedFilters: opts.sources.logs.savedFilters ?? [], startAt: this.logStartAt });
    // every watcher and every poll in flight listens on this one signal
    setMaxListeners(0, this.controller.signal);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Starts polling once the first view subscribes to the store, i.e. once the
   * first frame is on screen: the operator sees the dashboard (panels
   * "loading") at once instead of after the first round of reads. Without a
   * view, polling starts after `maxWaitMs` anyway.
   */
  start(maxWaitMs = 1_000): void {
    let started = false;
    const go = () => {
      if (started || this.controller.signal.aborted) return;
      started = true;
      clearTimeout(fallback);
      this.startNow();
    };
    const fallback = setTimeout(go, maxWaitMs);
    this.store.onFirstSubscriber(() => setImmediate(go));
  }

  /** Starts polling now. */
  startNow(): void {
    const s = this.sources;
    this.watch('ecs', (sig) => s.ecs.describe(sig));
    this.watch('rds', (sig) => s.rds.describe(sig));
    this.watch('logs', async (sig) => {
      const batch = await s.logs.read(this.logs.cursor, this.logStartAt, sig);
      this.logs.add(batch);
      return this.logs.snapshot(this.clock.now());
    });
    this.watch('queues', async (sig) => failOnQueueOutage(await s.queues.read(sig), this.store.get('queues').data));
    this.watch('postgres', async (sig) => holdDownDatabases(await s.postgres.read(sig), this.store.get('postgres')));
    this.watch('health', async (sig) => holdDownProbes(await s.health.probe(sig), this.store.get('health').data));
    this.watch('metrics', (sig) => s.metrics.read(sig));
    this.staleTimer = setInterval(() => this.store.markStale(), 1_000);
    this.staleTimer.unref?.();
    for (const w of this.watchers.values()) w.start();
  }

  setEnv(env: EnvironmentInfo): void {
    this.env = env;
    this.store.touch();
  }

  refresh(panel?: PanelId): void {
    for (const id of panel ? [panel] : PANEL_IDS) this.watchers.get(id)?.refresh();
  }

  async stop(): Promise<void> {
    if (this.staleTimer !== undefined) clearInterval(this.staleTimer);
    this.controller.abort(new Error('opsdeck is shutting down'));
    this.store.dispose();
    await this.sources.close();
  }

  private watch<K extends PanelId>(id: K, poll: (signal: AbortSignal) => Promise<unknown>): void {
    const w = new Watcher<unknown>({
      name: id,
      intervalMs: this.intervals[id],
      poll,
      signal: this.controller.signal,
      onData: (data) => this.store.succeed(id, data as never),
      onError: (err) => this.store.fail(id, errorMessage(err)),
    });
    this.watchers.set(id, w);
  }
}
