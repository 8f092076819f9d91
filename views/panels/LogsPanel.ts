/** The log tail: newest lines at the bottom, errors stand out, and how fast they come. */
import type { LogEvent, LogsSnapshot } from '../../src/model/logs.js';
import { errorRatePercent } from '../../src/engine/logTail.js';
import type { Tone } from '../theme.js';
import type { Line } from '../text.js';
import { fit, highlight, lineWidth, matchesFilter, seg, width as textWidth } from '../text.js';
import { clockTime, count, percent, sparkline } from '../format.js';
import type { PanelView } from './types.js';

const SEVERITY_TONE: Record<LogEvent['severity'], Tone | undefined> = {
  error: 'crit',
  warn: 'warn',
  info: undefined,
  debug: 'muted',
};

/** The runbook's thresholds for the error rate: > 1 % warn, > 5 % crit. */
export function errorRateTone(rate: number | null): Tone | undefined {
  if (rate === null) return undefined;
  return rate > 5 ? 'crit' : rate > 1 ? 'warn' : undefined;
}

export function filterLines(lines: readonly LogEvent[], filter: string): LogEvent[] {
  if (!filter) return lines as LogEvent[];
  return lines.filter((l) => matchesFilter(filter, l.message, l.stream));
}

function statusLine(data: LogsSnapshot, shown: number, offset: number, ctx: { width: number; detail: boolean }): Line {
  const rate = errorRatePercent(data);
  // Scrolled back: say so first, so it is never the part that gets cut.
  const line: Line = offset > 0 ? [seg(`↑ paused, ${offset} newer (G follows) · `, 'accent')] : [];
  line.push(seg(`${count(data.total)} lines`), seg(` · ${count(data.dropped)} dropped · ${data.mode}`, 'muted'));
  if (data.sampled) line.push(seg(' · sampled', 'warn'));
  line.push(seg(' · errors ', 'muted'), seg(rate === null ? '-' : `${percent(rate, 1)}/5m`, errorRateTone(rate)));
  if (shown === 0 && data.lines.length > 0) line.push(seg(' · nothing matches the filter', 'muted'));
  const room = ctx.width - lineWidth(line) - 1;
  const spark = sparkline(data.errorsPerMinute, Math.min(ctx.detail ? 30 : 15, room));
  if (spark) line.push(seg(' '), seg(spark, errorRateTone(rate) ?? 'muted'));
  return line;
}

export const logsPanel: PanelView<'logs'> = {
  id: 'logs',
  fromEnd: true,
  count: (data, filter) => filterLines(data.lines, filter).length,
  summary(data) {
    const rate = errorRatePercent(data);
    const last = data.lines.at(-1);
    const line: Line = [
      seg('err ', 'muted'),
      seg(rate === null ? '-' : percent(rate, 1), errorRateTone(rate)),
      seg(` ${sparkline(data.errorsPerMinute, 10)} `, errorRateTone(rate) ?? 'muted'),
    ];
    if (last) line.push(seg(last.message, SEVERITY_TONE[last.severity]));
    return line;
  },
  body(data, ctx) {
    const lines = filterLines(data.lines, ctx.filter);
    const offset = Math.min(ctx.selected, Math.max(0, lines.length - 1));
    const out: Line[] = [statusLine(data, lines.length, offset, ctx)];
    const room = ctx.height - 1;
    if (room <= 0) return out.slice(0, ctx.height);
    if (data.lines.length === 0) {
      out.push([seg('no log lines yet', 'muted')]);
      return out;
    }
    const end = lines.length - offset;
    const start = Math.max(0, end - room);
    const streamWidth = ctx.detail && ctx.width >= 100 ? Math.min(24, Math.max(...lines.slice(start, end).map((l) => textWidth(l.stream)), 6)) : 0;
    lines.slice(start, end).forEach((ev, i) => {
      const tone = SEVERITY_TONE[ev.severity];
      const row: Line = [seg(`${clockTime(ev.timestamp)} `, 'muted')];
      if (streamWidth > 0) row.push(seg(`${fit(ev.stream, streamWidth)} `, 'muted'));
      row.push(seg(ev.message, tone));
      out.push(offset > 0 && ctx.focused && start + i === end - 1 ? highlight(row) : row);
    });
    return out;
  },
};
