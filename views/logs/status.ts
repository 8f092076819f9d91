/**
 * The rows around the log lines: whether the view follows or is paused (and
 * how many lines arrived since), how the tail reads, the error rate and its
 * sparkline, what the filter keeps, the source's warnings, and the top errors.
 */
import type { LogsSnapshot } from '../../src/model/logs.js';
import { errorRatePercent, errorsPerMinute } from '../../src/dashboard/logs.js';
import type { Tone } from '../theme.js';
import { GLYPH, problemTone } from '../theme.js';
import type { Verdicts } from '../../src/model/verdicts.js';
import { LOGS_REF } from '../../src/model/subjects.js';
import type { LogViewState } from '../state.js';
import type { Line } from '../text.js';
import { fit, lineWidth, seg } from '../text.js';
import { age, count, percent, sparkline } from '../format.js';
import { sanitize } from '../../src/dashboard/text.js';
import { CONTEXT_LINES, type LogModel } from './model.js';
import type { LogWindow } from './window.js';

/** The tone the error-rate check gave the logs: the figure here and the check's verdict are one. */
export function errorRateTone(verdicts: Verdicts): Tone | undefined {
  return problemTone(verdicts.of(LOGS_REF, ['logs.error-rate']));
}

const MODE: Record<LogsSnapshot['mode'], string> = { live: 'live tail', poll: 'polling', sandbox: 'sandbox' };

/**
 * "2.1%" of the lines in the last 5 minutes; when a filter pattern narrowed
 * the tail at the source, the lines are not all there were, so a share would
 * lie: errors per minute instead.
 */
export function errorFigure(data: LogsSnapshot, verdicts: Verdicts): { text: string; tone: Tone | undefined; spark: Tone } {
  const tone = errorRateTone(verdicts);
  if (data.filtered) {
    const perMin = errorsPerMinute(data);
    return { text: `${perMin < 10 ? perMin.toFixed(1) : count(perMin)} errors/min`, tone, spark: tone ?? 'muted' };
  }
  const rate = errorRatePercent(data);
  return { text: rate === null ? 'errors -' : `errors ${percent(rate, 1)}`, tone, spark: tone ?? 'muted' };
}

export function statusLine(model: LogModel, win: LogWindow, box: { width: number; detail: boolean; verdicts: Verdicts }): Line {
  const data = model.data;
  // Paused goes first, so it is never the part the width cuts.
  const line: Line = [];
  if (win.paused) {
    line.push(seg(`‖ paused · ${count(win.newLines)} new line${win.newLines === 1 ? '' : 's'} · G to follow`, 'warn', { bold: true }));
    if (win.lost) line.push(seg(' · the line you were on left the buffer', 'warn'));
    line.push(seg(' · ', 'muted'));
  } else if (box.detail) line.push(seg('following · ', 'muted'));
  line.push(seg(MODE[data.mode], data.mode === 'poll' ? 'warn' : 'muted'));
  if (data.sampled) line.push(seg(' · sampled: some lines were not delivered', 'warn'));
  const fig = errorFigure(data, box.verdicts);
  line.push(seg(' · ', 'muted'), seg(fig.text, fig.tone));
  const tail: Line = [seg(` · ${count(data.total)} lines`, 'muted')];
  if (data.dropped > 0) tail.push(seg(` · ${count(data.dropped)} dropped from the buffer`, 'muted'));
  // the sparkline takes what the words leave, up to half an hour
  const spark = sparkline(data.errorsPerMinute, Math.min(box.detail ? 30 : 15, box.width - lineWidth(line) - lineWidth(tail) - 1));
  if (spark) line.push(seg(' '), seg(spark, fig.spark));
  line.push(...tail);
  return line;
}

/** What the view keeps: the filter and its count, errors only, context, wrap; or why the filter is not one. */
export function filterLine(model: LogModel, view: LogViewState, filter: string): Line {
  if (model.filterError) return [seg(`${GLYPH.crit} `, 'crit'), seg(model.filterError, 'crit')];
  const line: Line = [];
  const parts: string[] = [];
  if (view.errorsOnly) parts.push('errors only');
  if (view.context) parts.push(`context ±${CONTEXT_LINES}`);
  if (view.wrap) parts.push('wrap');
  if (filter.trim() !== '' || view.errorsOnly) {
    const text = sanitize(filter.trim());
    const what = model.filter ? `filter ${text.startsWith('/') || text.startsWith('!') ? text : `/${text}`}` : 'errors only';
    line.push(seg(what, 'accent'), seg(`: ${count(model.matches)} of ${count(model.data.lines.length)} lines`, 'muted'));
    if (model.filter && view.errorsOnly) line.push(seg(' · errors only', 'accent'));
    const rest = parts.filter((p) => p !== 'errors only');
    if (rest.length) line.push(seg(` · ${rest.join(' · ')}`, 'muted'));
  } else if (parts.length) line.push(seg(parts.join(' · '), 'muted'));
  return line;
}

export function warningsLine(warnings: readonly string[]): Line {
  return [seg(`${GLYPH.warn} ${warnings.join(' · ')}`, 'muted')];
}

/** "Top errors": error lines among the kept ones grouped by message shape, newest group first. */
export function topErrorLines(model: LogModel, width: number, rows: number, now: number): Line[] {
  if (rows <= 0) return [];
  const groups = model.topErrors();
  const scope = model.filter || model.options.errorsOnly ? `the ${count(model.matches)} lines kept` : `${count(model.data.lines.length)} lines`;
  const out: Line[] = [[seg('Top errors', 'accent', { bold: true }), seg(` · ${groups.length} group${groups.length === 1 ? '' : 's'} in ${scope}, newest first`, 'muted')]];
  if (groups.length === 0) return [...out, [seg('no error lines', 'muted')]].slice(0, rows);
  out.push([seg(`${fit('count', 6, 'right')} ${fit('last', 4, 'right')}  message`, 'muted')]);
  // when they do not all fit, the last row says how many are left out
  const fits = groups.length <= rows - 2 ? groups.length : Math.max(0, rows - 3);
  for (const g of groups.slice(0, fits)) {
    out.push([seg(fit(count(g.count), 6, 'right'), 'crit', { bold: true }), seg(` ${age(now - g.lastSeen).padStart(4)}  `, 'muted'), seg(sanitize(g.sample.slice(0, 2_000)))]);
  }
  if (fits < groups.length) out.push([seg(`… ${groups.length - fits} more group${groups.length - fits === 1 ? '' : 's'}`, 'muted')]);
  return out.slice(0, rows);
}
