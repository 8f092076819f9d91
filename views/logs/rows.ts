/**
 * One log line as screen rows: time, where it came from (short), and the
 * message in its severity's colour with the filter's matches marked. Cut to
 * the width, or wrapped onto as many rows as it needs when wrap is on. A line
 * that arrived after newer ones were shown (a stream uploading late) says so.
 */
import type { LogEvent, LogSeverity } from '../../src/model/logs.js';
import type { HighlightRange } from '../../src/dashboard/logs.js';
import type { Tone } from '../theme.js';
import type { Line } from '../text.js';
import { fit, seg, width as textWidth, wrapLine } from '../text.js';
import { clockTime, count } from '../format.js';
import type { LogItem, LogModel } from './model.js';

export const SEVERITY_TONE: Record<LogSeverity, Tone | undefined> = {
  error: 'crit',
  warn: 'warn',
  info: undefined,
  debug: 'muted',
};

/** A wrapped line longer than this shows its head and says how much is left (S saves it whole). */
const MAX_WRAPPED = 8_000;
const TIME_WIDTH = 9;
export const LATE_MARK = 'late ';

/** "/ecs/conflicto-backend-prod" → "conflicto-backend-prod". */
function shortGroup(group: string): string {
  return group.split('/').filter(Boolean).at(-1) ?? group;
}

/** ECS streams are prefix/container/task-id: "api/api/7f3c2a9b…" → "api/7f3c2a". */
export function shortStream(stream: string): string {
  const parts = stream.split('/');
  const last = parts.at(-1) ?? '';
  if (parts.length >= 3 && /^[0-9a-f]{12,}$/i.test(last)) return `${parts.at(-2)}/${last.slice(0, 6)}`;
  return stream.length > 20 ? `…${stream.slice(-19)}` : stream;
}

function sourceOf(ev: LogEvent, groups: number): string {
  return groups > 1 ? `${shortGroup(ev.group)} ${shortStream(ev.stream)}` : shortStream(ev.stream);
}

export interface RowLayout {
  /** columns for the source; 0 hides it */
  source: number;
  /** columns left for the message */
  message: number;
  wrap: boolean;
}

const sourceWidths = new WeakMap<LogModel, number>();

/** The source column: as wide as the widest source held (capped), and only when the lines have room. */
export function rowLayout(model: LogModel, areaWidth: number, wrap: boolean): RowLayout {
  let source = 0;
  if (areaWidth >= 100) {
    let w = sourceWidths.get(model);
    if (w === undefined) {
      const groups = model.data.groups.length;
      w = 6;
      for (const l of model.data.lines) w = Math.max(w, textWidth(sourceOf(l, groups)));
      sourceWidths.set(model, (w = Math.min(groups > 1 ? 32 : 20, w)));
    }
    source = w;
  }
  return { source, message: Math.max(10, areaWidth - TIME_WIDTH - (source ? source + 1 : 0)), wrap };
}

function marked(text: string, ranges: readonly HighlightRange[], tone: Tone | undefined): Line {
  const out: Line = [];
  let at = 0;
  for (const r of ranges) {
    if (r.start >= text.length) break;
    if (r.start > at) out.push(seg(text.slice(at, r.start), tone));
    out.push(seg(text.slice(Math.max(at, r.start), r.end), tone, { inverse: true, bold: true }));
    at = Math.max(at, r.end);
  }
  if (at < text.length) out.push(seg(text.slice(at), tone));
  return out;
}

/** The rows of one item; a context line (kept only as context) is muted. */
export function itemRows(model: LogModel, item: LogItem, layout: RowLayout): Line[] {
  const indent = TIME_WIDTH + (layout.source ? layout.source + 1 : 0);
  if (item.kind === 'gap') return [[seg(' '.repeat(indent)), seg(`… ${count(item.skipped)} line${item.skipped === 1 ? '' : 's'}`, 'muted')]];
  const ev = item.ev;
  const full = model.text(ev);
  // a 256 KB line: only what can be seen is laid out
  const limit = layout.wrap ? MAX_WRAPPED : layout.message * 2 + 1;
  const text = full.length > limit ? full.slice(0, limit) : full;
  const tone = item.match ? SEVERITY_TONE[ev.severity] : 'muted';
  const message = marked(text, model.highlight(ev), tone);
  if (ev.late) message.unshift(seg(LATE_MARK, 'warn', { bold: true }));
  const head: Line = [seg(`${clockTime(ev.timestamp)} `, 'muted')];
  if (layout.source) head.push(seg(`${fit(sourceOf(ev, model.data.groups.length), layout.source)} `, 'muted'));
  if (!layout.wrap) return [[...head, ...message]];
  if (full.length > limit) message.push(seg(` … ${count(full.length - limit)} more characters (S saves the whole line)`, 'muted'));
  const pad = seg(' '.repeat(indent));
  return wrapLine(message, layout.message).map((row, i) => (i === 0 ? [...head, ...row] : [pad, ...row]));
}
