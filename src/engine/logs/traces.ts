/**
 * Multi-line traces, joined back into the event they belong to. Agents upload
 * a stack trace one line per event, so counted per line one Java exception
 * is forty errors. A line joins the event before it in the same stream when
 * that event's previous line is less than a second older, and
 *   - it starts with whitespace and `at `, or with `Caused by:` (never the head of anything), or
 *   - the event is an error and the line starts with `Traceback`, or states
 *     no level of its own (`java.lang.IllegalStateException: …`, `  File "app.py", line 3`).
 * A `Traceback` after a line that is not an error starts its own event: an
 * uncaught Python exception prints no error line before it.
 */
import type { LogEvent, LogSeverity } from '../../model/logs.js';
import { levelOf } from './severity.js';

/** how close the lines of one trace are: agents stamp them together */
export const TRACE_GAP_MS = 1_000;
/** streams followed at once; beyond this the longest quiet are forgotten */
const MAX_STREAMS = 10_000;

const ALWAYS_CONTINUES = /^(?:\s+at\s|\s*Caused by:)/;
const ERROR_CONTINUES = /^\s*Traceback\b/;

interface OpenEvent {
  severity: LogSeverity;
  /** the newest line's timestamp */
  last: number;
}

/** Whether an event counts as an error: its head is at error level (the lines joined to it add nothing). */
export function isErrorEvent(e: LogEvent): boolean {
  return e.severity === 'error' && !e.joined;
}

/** Marks lines that continue an event; fed lines in the order they are shown, batch after batch. */
export class TraceJoiner {
  private readonly open = new Map<string, OpenEvent>();

  /** The line as given, or a copy marked `joined`. */
  mark(e: LogEvent): LogEvent {
    const key = `${e.group}\0${e.stream}`;
    const prev = this.open.get(key);
    if (prev && continues(prev, e)) {
      prev.last = Math.max(prev.last, e.timestamp);
      return e.joined ? e : { ...e, joined: true };
    }
    // re-inserted so that the map's order is the order streams were last heard from
    this.open.delete(key);
    this.open.set(key, { severity: e.severity, last: e.timestamp });
    if (this.open.size > MAX_STREAMS) this.open.delete(this.open.keys().next().value!);
    if (!e.joined) return e;
    const { joined: _, ...head } = e;
    return head;
  }
}

function continues(prev: OpenEvent, e: LogEvent): boolean {
  if (Math.abs(e.timestamp - prev.last) >= TRACE_GAP_MS) return false;
  if (ALWAYS_CONTINUES.test(e.message)) return true;
  if (prev.severity !== 'error') return false;
  return ERROR_CONTINUES.test(e.message) || levelOf(e.message) === undefined;
}

/** `events` (in the order shown) with the lines of multi-line traces marked `joined`. */
export function joinTraces(events: readonly LogEvent[]): LogEvent[] {
  const j = new TraceJoiner();
  return events.map((e) => j.mark(e));
}
