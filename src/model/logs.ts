/** Log lines and what the log panel summarises from them. */

export type LogSeverity = 'error' | 'warn' | 'info' | 'debug';

export interface LogEvent {
  /** unique per source: eventId from CloudWatch, a counter in the sandbox */
  id: string;
  group: string;
  stream: string;
  timestamp: number;
  /** raw text as received; strip control sequences before drawing */
  message: string;
  severity: LogSeverity;
  /**
   * The tail had already shown lines newer than this one when it arrived (a
   * stream that uploads late): it is shown after them, marked, not dropped.
   */
  late?: boolean;
  /**
   * This line continues the event before it in its stream (a line of a
   * multi-line trace): errors are counted per event, so it adds none.
   * Set by the log tail, not by sources.
   */
  joined?: boolean;
}

export interface LogCursor {
  /** events at or before this time have been delivered */
  since: number;
  /** ids already delivered at exactly `since`, to avoid duplicates on the boundary */
  seenAtSince: string[];
}

export interface LogBatch {
  events: LogEvent[];
  cursor: LogCursor;
  /** how the source reads: live tail, polling, or the sandbox */
  mode: 'live' | 'poll' | 'sandbox';
  /** true when the source reported that it sampled (dropped) events */
  sampled?: boolean;
  /** true when a filter pattern narrowed what the source delivers, so the lines are not all there were */
  filtered?: boolean;
  /** why the source reads the way it does, e.g. "live tail unavailable … polling instead" */
  warnings?: string[];
}

export interface LogsSnapshot {
  /** newest last, bounded */
  lines: LogEvent[];
  /** how many lines fell out of the ring buffer */
  dropped: number;
  total: number;
  /** error events per minute, oldest first, last N minutes (a multi-line trace is one event) */
  errorsPerMinute: number[];
  /** all events per minute, same buckets */
  linesPerMinute: number[];
  mode: LogBatch['mode'];
  sampled: boolean;
  /** a filter pattern narrowed the tail: the error rate is a count per minute, not a share */
  filtered: boolean;
  warnings: string[];
  groups: string[];
}
