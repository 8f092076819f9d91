/**
 * The dashboard's view of the journal's intents without outcome, kept
 * current: an `audit reconcile` run from another terminal (or an action of
 * another operator) changes the file, and the finding follows without a
 * restart. A stat on a timer rather than fs.watch: the journal may sit on a
 * network file system where watches do not fire, and a stat every couple of
 * seconds costs nothing. Every read is asynchronous, never in a render.
 */
import { stat } from 'node:fs/promises';
import { readJournalTailAsync, unreconciledIntents, type UnreconciledIntent } from './unreconciled.js';

interface JournalWatchOptions {
  path: string;
  environment: string;
  /** stops the timer */
  signal: AbortSignal;
  intervalMs?: number;
  /** after every read whose list differs from the one before */
  onChange?: (list: readonly UnreconciledIntent[]) => void;
}

const DEFAULT_INTERVAL_MS = 2_000;

export class JournalWatch {
  private list: readonly UnreconciledIntent[] | undefined;
  private seen = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  constructor(private readonly opts: JournalWatchOptions) {
    opts.signal.addEventListener('abort', () => this.stop(), { once: true });
  }

  /** undefined until the first read has finished (no verdict rather than a false "all have outcomes") */
  get current(): readonly UnreconciledIntent[] | undefined {
    return this.list;
  }

  /** Reads at once, then on the interval. */
  start(): void {
    if (!this.opts.signal.aborted) void this.tick();
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One stat, and a read of the tail if the file changed; resolves when done (tests await it). */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const key = await fileKey(this.opts.path);
      if (key !== this.seen || this.list === undefined) {
        const next = unreconciledIntents(await readJournalTailAsync(this.opts.path), this.opts.environment);
        this.seen = key;
        const changed = this.list === undefined || JSON.stringify(next) !== JSON.stringify(this.list);
        this.list = next;
        if (changed) this.opts.onChange?.(next);
      }
    } catch {
      // an unreadable journal must not stop the dashboard; `opsdeck check` says why. The last list stays.
    } finally {
      this.running = false;
      if (this.timer !== undefined) clearTimeout(this.timer);
      if (!this.opts.signal.aborted) {
        this.timer = setTimeout(() => void this.tick(), this.opts.intervalMs ?? DEFAULT_INTERVAL_MS);
        this.timer.unref?.();
      }
    }
  }
}

/** What changes when the journal is appended to or replaced. */
async function fileKey(path: string): Promise<string> {
  try {
    const s = await stat(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
}
