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

/** A log filter kept in the config under a name (`logs[].filters`), in the log view's own syntax. */
export interface SavedFilter {
  name: string;
  pattern: string;
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
  /** what the config's log rules saw, one entry per rule; absent when no rule is configured */
  rules?: LogRuleFacts[];
  /** the config's saved filters, in its order; absent when none is configured */
  savedFilters?: SavedFilter[];
}

/**
 * A rule of a `logs:` entry: a line every task must write (`expect`, per
 * task or within a window), a line that must never appear (`forbid`), or a
 * line's rate per hour. The pattern uses the log view's filter syntax.
 */
export interface LogRule {
  /** the log group the rule watches, as lines are labelled */
  group: string;
  kind: 'expect' | 'forbid' | 'rate';
  pattern: string;
  name?: string;
  /** expect: on every task's stream since it started, or at least once in the window */
  per?: 'task' | 'window';
  windowMs?: number;
  severity?: 'warn' | 'crit';
  ratePerHour?: { warn: number; crit: number };
  /** a filterPattern narrows what the group delivers: an expected line may be filtered out */
  narrowed?: boolean;
}

/** One log stream (an ECS task: prefix/container/taskId) as a rule saw it. */
export interface LogRuleStream {
  stream: string;
  first: number;
  last: number;
  /** when the pattern first matched on it */
  matchedAt?: number;
}

export interface LogRuleFacts {
  rule: LogRule;
  /** the start of what was read: streams whose first line is at it may have begun before */
  from: number;
  /** match times, oldest first, bounded to the last hours */
  matches: number[];
  /** the newest matching line (raw: sanitise before drawing) */
  last?: { at: number; stream: string; text: string };
  /** streams of the group seen (expect per task only), bounded */
  streams: LogRuleStream[];
}
