/**
 * Lines from FilterLogEvents and from Live Tail become the same LogEvent, with
 * an id derived from the line itself: Live Tail sends no eventId, and the same
 * line read once by a poll and once by a live session (while one bridges a gap
 * in the other) must be recognised as one. The Outbox merges lines from every
 * group in time order, drops those already delivered, and holds back what is
 * newer than a group still being read, so batches stay in order without gaps.
 * It also holds lines for a short reorder window, because streams upload in
 * batches a few seconds apart: a line goes once its timestamp is older than
 * the window, or once it has waited the window itself (so a clock that runs
 * behind the streams' delays nothing by more than the window). A line that
 * turns up after newer lines were delivered is still delivered, marked late.
 */
import { createHash } from 'node:crypto';
import type { LogCursor, LogEvent } from '../../model/logs.js';
import { severityOf } from '../../engine/logs/severity.js';

/** One line as either API returns it. */
export interface RawLine {
  group: string;
  stream: string;
  timestamp: number;
  ingestionTime?: number;
  message: string;
}

/**
 * Ids for a list of lines. Identical lines (same stream, millisecond and
 * text) are numbered in the order given, so two such lines stay two; `seen`
 * carries the numbering on across the pages of one query.
 */
export function toEvents(lines: readonly RawLine[], seen = new Map<string, number>()): LogEvent[] {
  return lines.map((l) => {
    const base = createHash('sha1')
      .update(`${l.group}\0${l.stream}\0${l.timestamp}\0${l.ingestionTime ?? ''}\0${l.message}`)
      .digest('base64url')
      .slice(0, 16);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { id: n === 0 ? base : `${base}.${n}`, group: l.group, stream: l.stream, timestamp: l.timestamp, message: l.message, severity: severityOf(l.message) };
  });
}

interface OutboxOptions {
  /** lines waiting to be delivered; beyond this the oldest are dropped (and the batch says sampled) */
  maxPending: number;
  /** ids remembered for de-duplication, newest kept */
  maxRemembered: number;
}

export class Outbox {
  private pending: LogEvent[] = [];
  /** when each pending line was accepted */
  private arrived = new WeakMap<LogEvent, number>();
  /** id → timestamp of every line accepted lately */
  private remembered = new Map<string, number>();
  private overflowed = false;
  /** the newest timestamp delivered: a line older than this arrives late */
  private newestTaken = -Infinity;

  constructor(private readonly opts: OutboxOptions) {}

  /** Forget everything; `seen` are ids already delivered (a cursor's boundary). */
  reset(seen: readonly string[] = [], at = 0): void {
    this.pending = [];
    this.remembered = new Map(seen.map((id) => [id, at]));
    this.overflowed = false;
    this.newestTaken = at;
  }

  /** Queues the lines not delivered or queued before (`at`: now); returns how many were new. */
  accept(events: readonly LogEvent[], at = -Infinity): number {
    let added = 0;
    for (const e of events) {
      if (this.remembered.has(e.id)) continue;
      this.remembered.set(e.id, e.timestamp);
      this.arrived.set(e, at);
      this.pending.push(e);
      added++;
    }
    if (this.pending.length > this.opts.maxPending) {
      this.sort();
      this.pending.splice(0, this.pending.length - this.opts.maxPending);
      this.overflowed = true;
    }
    return added;
  }

  /**
   * Up to `max` queued lines, oldest first, none newer than `horizon`, and
   * none newer than `settled` unless a line at least as new was accepted by
   * then (lines older than some already delivered go at once, marked late).
   * `sampled` says whether lines were dropped since the last take.
   */
  take(horizon: number, max: number, settled = Infinity): { events: LogEvent[]; sampled: boolean } {
    this.sort();
    let ripe = settled;
    if (ripe !== Infinity) for (const e of this.pending) if (e.timestamp > ripe && this.arrived.get(e)! <= settled) ripe = e.timestamp;
    const bound = Math.max(Math.min(horizon, ripe), this.newestTaken);
    let n = 0;
    while (n < this.pending.length && n < max && this.pending[n]!.timestamp <= bound) n++;
    const events = this.pending.splice(0, n).map((e) => (e.timestamp < this.newestTaken ? { ...e, late: true } : e));
    const last = events.at(-1);
    if (last && last.timestamp > this.newestTaken) this.newestTaken = last.timestamp;
    const sampled = this.overflowed;
    this.overflowed = false;
    return { events, sampled };
  }

  /** Drops remembered ids older than `before`, and the oldest beyond the bound. */
  forget(before: number): void {
    for (const [id, ts] of this.remembered) if (ts < before) this.remembered.delete(id);
    const excess = this.remembered.size - this.opts.maxRemembered;
    if (excess > 0) {
      let i = 0;
      // Map iteration is insertion order: the first entries arrived first
      for (const id of this.remembered.keys()) {
        if (i++ >= excess) break;
        this.remembered.delete(id);
      }
    }
  }

  get size(): number {
    return this.pending.length;
  }

  private sort(): void {
    // stable: lines of one millisecond keep the order they arrived in
    this.pending.sort((a, b) => a.timestamp - b.timestamp);
  }
}

/**
 * The cursor after delivering `events` (oldest first). Lines that arrive late
 * (older than the cursor) are still delivered; the cursor never goes back.
 */
export function advanceCursor(prev: LogCursor | undefined, start: number, events: readonly LogEvent[]): LogCursor {
  let since = prev ? prev.since : start;
  let seen = prev ? [...prev.seenAtSince] : [];
  for (const e of events) {
    if (e.timestamp > since) {
      since = e.timestamp;
      seen = [];
    }
    if (e.timestamp === since) seen.push(e.id);
  }
  return { since, seenAtSince: seen };
}
