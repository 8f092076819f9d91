/**
 * Turns batches of log events into the log panel's snapshot: a bounded ring
 * of recent lines plus per-minute counts for the error-rate sparkline. The
 * counts are of events: the lines of a multi-line trace are joined to the
 * event they continue (logs/traces.ts) and add nothing.
 */
import type { LogBatch, LogCursor, LogEvent, LogRule, LogsSnapshot, SavedFilter } from '../model/logs.js';
import { LogRuleTracker } from './logs/rules.js';
import { isErrorEvent, TraceJoiner } from './logs/traces.js';
import { RingBuffer } from './ring.js';

export const MINUTE = 60_000;

interface LogTailOptions {
  capacity: number;
  /** minutes kept for the sparklines */
  minutes: number;
  groups: string[];
  /** lines handed to the view in each snapshot (the newest) */
  visible?: number;
  /** the config's saved filters, handed to the view with every snapshot */
  savedFilters?: readonly SavedFilter[];
  /** the config's log rules, fed every line (not only the ring's) */
  rules?: readonly LogRule[];
  /** where reading began, for the rules: a stream first seen there may have begun earlier */
  startAt?: number;
}

export class LogTail {
  private readonly ring: RingBuffer<LogEvent>;
  private readonly buckets = new Map<number, { lines: number; errors: number }>();
  private mode: LogBatch['mode'] = 'poll';
  private sampled = false;
  private filtered = false;
  private warnings: string[] = [];
  private readonly traces = new TraceJoiner();
  private readonly rules: LogRuleTracker;
  cursor: LogCursor | undefined;

  constructor(private readonly opts: LogTailOptions) {
    this.ring = new RingBuffer<LogEvent>(opts.capacity);
    this.rules = new LogRuleTracker(opts.rules ?? [], opts.startAt);
  }

  /** Takes a batch in; returns its events as held, the lines of traces marked `joined`. */
  add(batch: LogBatch): LogEvent[] {
    this.cursor = batch.cursor;
    this.mode = batch.mode;
    if (batch.sampled) this.sampled = true;
    this.filtered = batch.filtered ?? false;
    this.warnings = batch.warnings ?? [];
    const events = batch.events.map((e) => this.traces.mark(e));
    for (const ev of events) {
      this.ring.push(ev);
      this.rules.add(ev);
      if (ev.joined) continue;
      const minute = Math.floor(ev.timestamp / MINUTE);
      const b = this.buckets.get(minute) ?? { lines: 0, errors: 0 };
      b.lines++;
      if (isErrorEvent(ev)) b.errors++;
      this.buckets.set(minute, b);
    }
    return events;
  }

  snapshot(now: number): LogsSnapshot {
    const current = Math.floor(now / MINUTE);
    const first = current - this.opts.minutes + 1;
    for (const m of this.buckets.keys()) if (m < first) this.buckets.delete(m);
    const errorsPerMinute: number[] = [];
    const linesPerMinute: number[] = [];
    for (let m = first; m <= current; m++) {
      const b = this.buckets.get(m);
      errorsPerMinute.push(b?.errors ?? 0);
      linesPerMinute.push(b?.lines ?? 0);
    }
    return {
      lines: this.ring.toArray(this.opts.visible ?? this.opts.capacity),
      dropped: this.ring.dropped,
      total: this.ring.total,
      errorsPerMinute,
      linesPerMinute,
      mode: this.mode,
      sampled: this.sampled,
      filtered: this.filtered,
      warnings: this.warnings,
      groups: this.opts.groups,
      ...(this.rules.empty ? {} : { rules: this.rules.facts(now) }),
      ...(this.opts.savedFilters?.length ? { savedFilters: this.opts.savedFilters.map((f) => ({ ...f })) } : {}),
    };
  }
}

/** Error events per minute over the last `minutes` minutes. */
export function errorsPerMinute(s: LogsSnapshot, minutes = 5): number {
  return s.errorsPerMinute.slice(-minutes).reduce((a, b) => a + b, 0) / minutes;
}

/** Error rate in percent over the last `minutes` complete-or-current minutes. */
export function errorRatePercent(s: LogsSnapshot, minutes = 5): number | null {
  const lines = s.linesPerMinute.slice(-minutes).reduce((a, b) => a + b, 0);
  const errors = s.errorsPerMinute.slice(-minutes).reduce((a, b) => a + b, 0);
  return lines === 0 ? null : (100 * errors) / lines;
}
