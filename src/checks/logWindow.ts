/**
 * Errors over a window ("overnight", or since the last checklist): how many
 * events, out of how many, and the most frequent error by fingerprint. The
 * lines of a multi-line trace are one event (engine/logs/traces.ts).
 * The check command reads the window from the source; the TUI derives it from
 * the log panel's snapshot, which holds the last half hour.
 */
import type { LogEvent, LogsSnapshot } from '../model/logs.js';
import type { LogSource } from '../sources/ports.js';
import { LogTail, MINUTE } from '../engine/logTail.js';
import { isErrorEvent, topErrors } from '../engine/logAnalysis.js';

export interface LogWindow {
  from: number;
  to: number;
  /** events (a multi-line trace is one) */
  lines: number;
  /** events at error level */
  errors: number;
  /** the most frequent error of the window (masked message, raw text: sanitise before showing) */
  top?: { fingerprint: string; count: number };
  /** lines were dropped or not all read: the counts are a lower bound */
  partial: boolean;
  /** a filter pattern narrowed the lines: `lines` is not all there were */
  filtered: boolean;
}

/** Reads bounded per call; a window of a busy night takes several. */
const MAX_READS = 40;
/** error events kept for grouping: enough for the top fingerprint, bounded in memory */
const MAX_ERRORS_KEPT = 50_000;

function mostFrequent(errors: readonly LogEvent[]): LogWindow['top'] {
  const groups = topErrors(errors, Number.MAX_SAFE_INTEGER);
  const top = [...groups].sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen)[0];
  return top ? { fingerprint: top.fingerprint, count: top.count } : undefined;
}

/** The window as far as a log panel snapshot covers it (its per-minute buckets). */
export function windowFromSnapshot(s: LogsSnapshot, since: number, now: number): LogWindow {
  const wanted = Math.max(1, Math.ceil((now - since) / MINUTE));
  const minutes = Math.min(wanted, s.errorsPerMinute.length);
  const sum = (xs: number[]) => xs.slice(-minutes).reduce((a, b) => a + b, 0);
  const from = Math.max(since, now - minutes * MINUTE);
  const top = mostFrequent(s.lines.filter((l) => l.timestamp >= from && isErrorEvent(l)));
  return {
    from,
    to: now,
    lines: sum(s.linesPerMinute),
    errors: sum(s.errorsPerMinute),
    ...(top ? { top } : {}),
    partial: s.sampled || minutes < wanted,
    filtered: s.filtered,
  };
}

interface ReadLogsOptions {
  from: number;
  now: number;
  signal: AbortSignal;
  /** stop reading the window at this time (ms epoch, the clock's) and count what came */
  deadline: number;
  clock: () => number;
}

/**
 * Reads the logs from `from` to now: the panel snapshot (for the 5-minute
 * rate) and the window's counts. Stops when two reads in a row bring nothing
 * (a CloudWatch query may return an empty page while it searches), at the
 * read cap or at the deadline; then, if the last minutes were not reached,
 * reads them on their own so the current rate is still right.
 */
export async function readLogs(source: LogSource, opts: ReadLogsOptions): Promise<{ snapshot: LogsSnapshot; window: LogWindow }> {
  const tail = new LogTail({ capacity: 200, minutes: 5, groups: source.groups, rules: source.rules ?? [], startAt: opts.from });
  const errors: LogEvent[] = [];
  let lines = 0;
  let errorCount = 0;
  let partial = false;
  let filtered = false;
  let newest = -Infinity;
  let cursor;
  let empty = 0;
  for (let reads = 0; ; reads++) {
    if (reads >= MAX_READS || opts.clock() >= opts.deadline) {
      partial = true;
      break;
    }
    const batch = await source.read(cursor, opts.from, opts.signal);
    cursor = batch.cursor;
    const events = tail.add(batch);
    if (batch.sampled) partial = true;
    if (batch.filtered) filtered = true;
    for (const e of events) {
      newest = Math.max(newest, e.timestamp);
      // a source may hand back a few lines from just before the start (CloudWatch's lookback)
      if (e.timestamp < opts.from || e.joined) continue;
      lines++;
      if (!isErrorEvent(e)) continue;
      errorCount++;
      if (errors.length < MAX_ERRORS_KEPT) errors.push(e);
    }
    empty = batch.events.length === 0 ? empty + 1 : 0;
    if (empty >= 2) break;
  }
  let snapshot = tail.snapshot(opts.now);
  const recent = opts.now - 5 * MINUTE;
  if (partial && newest < recent) {
    const last = new LogTail({ capacity: 200, minutes: 5, groups: source.groups });
    last.add(await source.read(undefined, recent, opts.signal));
    // the rules saw the whole window; the rate's snapshot only its last minutes
    const rules = snapshot.rules;
    snapshot = { ...last.snapshot(opts.now), ...(rules ? { rules } : {}) };
  }
  const top = mostFrequent(errors);
  return {
    snapshot,
    window: { from: opts.from, to: opts.now, lines, errors: errorCount, ...(top ? { top } : {}), partial, filtered },
  };
}
