/**
 * What the log view shows, computed once per snapshot and view setting: the
 * lines the filter and "errors only" keep, with context around them when
 * asked, and the top errors among them. The result is cached on the snapshot
 * object (a new one arrives about once a second), so the render and the key
 * handler share one computation and a key press costs no re-filtering.
 */
import type { LogEvent, LogsSnapshot } from '../../src/model/logs.js';
import { compileFilter, topErrors, withContext, type ErrorGroup, type HighlightRange, type LineFilter } from '../../src/dashboard/logs.js';
import { sanitize } from '../../src/dashboard/text.js';

/** Lines of context before and after each kept line. */
export const CONTEXT_LINES = 3;
const TOP_ERRORS = 30;

export interface LogLineItem {
  kind: 'line';
  ev: LogEvent;
  /** index in the snapshot's lines */
  raw: number;
  /** false for a context line */
  match: boolean;
}

export interface LogGapItem {
  kind: 'gap';
  skipped: number;
  /** the raw index of the line after the gap, so items stay sorted by `raw` */
  raw: number;
}

export type LogItem = LogLineItem | LogGapItem;

export interface LogOptions {
  filter: string;
  errorsOnly: boolean;
  context: boolean;
}

export interface LogModel {
  data: LogsSnapshot;
  options: LogOptions;
  /** undefined when there is no filter, or it did not compile */
  filter: LineFilter | undefined;
  /** one line: why the filter text is not a filter (a bad regex); every line is shown meanwhile */
  filterError: string | undefined;
  items: LogItem[];
  /** lines kept by the filter and errors-only (context lines not counted) */
  matches: number;
  /** where each line id is in the snapshot's lines */
  rawIndex(id: string): number | undefined;
  /** the message as drawn: escape sequences gone, one row */
  text(ev: LogEvent): string;
  /** match ranges in `text(ev)` */
  highlight(ev: LogEvent): HighlightRange[];
  /** error lines among the kept ones grouped by fingerprint, newest group first (computed on first use) */
  topErrors(): ErrorGroup[];
}

// Events are immutable and live across many snapshots: sanitise each once.
const texts = new WeakMap<LogEvent, string>();
export function logText(ev: LogEvent): string {
  let t = texts.get(ev);
  if (t === undefined) {
    t = sanitize(ev.message);
    texts.set(ev, t);
  }
  return t;
}

function keep(filter: LineFilter | undefined, errorsOnly: boolean, ev: LogEvent, text: string): boolean {
  if (errorsOnly && ev.severity !== 'error') return false;
  if (!filter) return true;
  const stream = sanitize(ev.stream);
  // inverted: hide a line when either its text or its stream matches
  return filter.inverted ? filter.test(text) && filter.test(stream) : filter.test(text) || filter.test(stream);
}

function build(data: LogsSnapshot, options: LogOptions): LogModel {
  const compiled = options.filter.trim() === '' ? undefined : compileFilter(options.filter);
  const filter = compiled?.ok && compiled.filter.kind !== 'all' ? compiled.filter : undefined;
  const filterError = compiled && !compiled.ok ? compiled.error : undefined;
  const lines = data.lines;
  const kept: number[] = [];
  for (let i = 0; i < lines.length; i++) if (keep(filter, options.errorsOnly, lines[i]!, logText(lines[i]!))) kept.push(i);

  let items: LogItem[];
  const narrowed = kept.length < lines.length;
  if (options.context && narrowed) {
    const rows = withContext(lines, kept, CONTEXT_LINES);
    items = rows.map((r, i): LogItem => {
      if (r.kind === 'line') return { kind: 'line', ev: r.line, raw: r.index, match: r.match };
      const next = rows[i + 1];
      return { kind: 'gap', skipped: r.skipped, raw: next?.kind === 'line' ? next.index : lines.length };
    });
  } else {
    items = kept.map((raw) => ({ kind: 'line', ev: lines[raw]!, raw, match: true }));
  }

  let index: Map<string, number> | undefined;
  let groups: ErrorGroup[] | undefined;
  const highlights = new WeakMap<LogEvent, HighlightRange[]>();
  return {
    data,
    options,
    filter,
    filterError,
    items,
    matches: kept.length,
    rawIndex(id) {
      index ??= new Map(lines.map((l, i) => [l.id, i]));
      return index.get(id);
    },
    text: logText,
    highlight(ev) {
      if (!filter) return [];
      let h = highlights.get(ev);
      if (!h) highlights.set(ev, (h = filter.highlight(logText(ev))));
      return h;
    },
    topErrors() {
      groups ??= topErrors(kept.map((i) => lines[i]!), TOP_ERRORS);
      return groups;
    },
  };
}

const cache = new WeakMap<LogsSnapshot, { key: string; model: LogModel }>();

/** The model for this snapshot and these options; the same object while neither changes. */
export function logModel(data: LogsSnapshot, options: LogOptions): LogModel {
  const key = JSON.stringify([options.filter, options.errorsOnly, options.context]);
  const hit = cache.get(data);
  if (hit && hit.key === key) return hit.model;
  const model = build(data, options);
  cache.set(data, { key, model });
  return model;
}
