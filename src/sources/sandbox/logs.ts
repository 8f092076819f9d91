/**
 * The sandbox's CloudWatch log group: a time-ordered buffer of the last
 * minutes, read with the same cursor contract as the real adapters.
 */
import type { LogBatch, LogCursor, LogEvent } from '../../model/logs.js';
import { severityOf } from './loglines.js';
import { deepFreeze } from './prng.js';

/** keep a little more than the 15-minute backlog a first read asks for */
const RETENTION_MS = 20 * 60_000;
const MAX_EVENTS = 20_000;
/** per-read bound; a reader further behind continues from the returned cursor */
export const MAX_BATCH = 5_000;

interface Staged {
  timestamp: number;
  stream: string;
  message: string;
}

export class LogStore {
  /** sorted by (timestamp, id) */
  private events: LogEvent[] = [];
  private staged: Staged[] = [];
  private seq = 0;
  /** newest timestamp dropped by retention */
  private prunedThrough = -Infinity;
  /** logs are not simulated before this time (coarse catch-up) */
  private silentUntil = -Infinity;

  constructor(readonly group: string) {}

  /** A message of several lines becomes one event per line, as the awslogs driver sends a stack trace. */
  add(timestamp: number, stream: string, message: string): void {
    for (const line of message.split('\n')) this.staged.push({ timestamp, stream, message: line });
  }

  /** Orders the step's lines and gives them ids; `from`..`to` is the step's window. */
  commit(from: number, to: number): void {
    if (this.staged.length > 0) {
      const staged = this.staged
        .map((s) => ({ ...s, timestamp: Math.min(to, Math.max(from + 1, Math.round(s.timestamp))) }))
        .sort((a, b) => a.timestamp - b.timestamp);
      this.staged = [];
      for (const s of staged) {
        this.seq++;
        this.events.push(Object.freeze({ id: String(this.seq), group: this.group, stream: s.stream, timestamp: s.timestamp, message: s.message, severity: severityOf(s.message) }));
      }
    }
    this.prune(to);
  }

  /** Called when a stretch of time was simulated without logs. */
  skip(until: number): void {
    this.staged = [];
    this.silentUntil = until;
    this.prune(until);
  }

  private prune(now: number): void {
    const keepFrom = now - RETENTION_MS;
    let drop = 0;
    while (drop < this.events.length && this.events[drop]!.timestamp < keepFrom) drop++;
    drop = Math.max(drop, this.events.length - MAX_EVENTS);
    if (drop > 0) {
      this.prunedThrough = Math.max(this.prunedThrough, this.events[drop - 1]!.timestamp);
      this.events = this.events.slice(drop);
    }
  }

  /** first index whose timestamp is >= t */
  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.timestamp < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** `upTo` is the simulated now: every line at or before it exists already. */
  read(cursor: LogCursor | undefined, startAt: number, upTo: number): LogBatch {
    const from = cursor ? cursor.since : startAt;
    const seen = new Set(cursor?.seenAtSince ?? []);
    const out: LogEvent[] = [];
    let i = this.lowerBound(from);
    for (; i < this.events.length && out.length < MAX_BATCH; i++) {
      const e = this.events[i]!;
      if (cursor && e.timestamp === cursor.since && seen.has(e.id)) continue;
      out.push(e);
    }
    const truncated = i < this.events.length;
    const last = out[out.length - 1];
    let since: number;
    if (truncated && last) since = last.timestamp;
    else since = Math.max(cursor ? cursor.since : startAt - 1, upTo, last?.timestamp ?? -Infinity);
    const seenAtSince: string[] = [];
    if (cursor && since === cursor.since) seenAtSince.push(...cursor.seenAtSince);
    for (const e of out) if (e.timestamp === since && !seen.has(e.id)) seenAtSince.push(e.id);
    const sampled = from <= this.prunedThrough || from < this.silentUntil;
    const batch: LogBatch = { events: out, cursor: { since, seenAtSince }, mode: 'sandbox' };
    if (sampled) batch.sampled = true;
    return deepFreeze(batch);
  }
}
