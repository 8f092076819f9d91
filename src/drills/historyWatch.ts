/**
 * The drill history as the dashboard's checks see it: read at start and again
 * every minute, off the input path (a drill run on this dashboard or from a
 * terminal beside it shows in the findings within the minute). From the team
 * store when there is one, like `opsdeck check`; a store that does not answer
 * leaves the local history, as there.
 */
import type { DrillSummary } from './history.js';
import { loadDrillHistory, type HistorySourceOptions } from './historySource.js';

const EVERY_MS = 60_000;

export class DrillHistoryWatch {
  private list: readonly DrillSummary[] | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly opts: Omit<HistorySourceOptions, 'warn'> & { signal: AbortSignal; onChange?: () => void; everyMs?: number },
  ) {}

  /** undefined until the first read: the drill checks wait rather than say "never drilled" */
  get current(): readonly DrillSummary[] | undefined {
    return this.list;
  }

  start(): void {
    if (this.opts.signal.aborted) return;
    this.opts.signal.addEventListener('abort', () => clearTimeout(this.timer), { once: true });
    void this.read();
  }

  private async read(): Promise<void> {
    try {
      const loaded = await loadDrillHistory({ ...this.opts, warn: () => undefined });
      const changed = JSON.stringify(loaded.drills) !== JSON.stringify(this.list);
      this.list = loaded.drills;
      if (changed) this.opts.onChange?.();
    } catch {
      // an unreadable history file keeps the last list; the next pass tries again
    }
    if (this.opts.signal.aborted) return;
    this.timer = setTimeout(() => void this.read(), this.opts.everyMs ?? EVERY_MS);
    this.timer.unref?.();
  }
}
