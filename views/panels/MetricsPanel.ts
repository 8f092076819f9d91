/** Ruled Prometheus series: each with its verdict, current figure and recent figures. */
import type { MetricRow } from '../../src/model/metrics.js';
import { metricFigure } from '../../src/model/metrics.js';
import type { Verdicts } from '../../src/model/verdicts.js';
import { metricRef } from '../../src/model/subjects.js';
import type { Level } from '../theme.js';
import { markOf, problemTone } from '../theme.js';
import type { Column, Line } from '../text.js';
import { highlight, layoutColumns, matchesFilter, seg, tableHeader, tableRow, windowStart } from '../text.js';
import { sparkline } from '../format.js';
import type { PanelView } from './types.js';

export function metricLevel(r: MetricRow, verdicts: Verdicts): Level | undefined {
  return verdicts.of(metricRef(r));
}

export function filterMetrics(rows: readonly MetricRow[], filter: string): MetricRow[] {
  return rows.filter((r) => matchesFilter(filter, r.endpoint, r.series, r.missing ?? ''));
}

const SPARK = 12;

const COLUMNS: Column[] = [
  { header: ' ', key: 'mark', width: 1 },
  { header: 'series', width: 24, flex: true },
  { header: 'now', width: 9, align: 'right' },
  { header: 'trend', width: SPARK, drop: 1 },
  { header: 'rule', width: 14, drop: 0 },
  { header: 'endpoint', width: 8, drop: 2 },
];

/** The rule as the config wrote it: "5m rate, warn 1 crit 5"; the check grades, this only says what it grades against. */
function ruleText(r: MetricRow): string {
  const lower = r.below ? '≤' : '';
  return `${r.window ? `${r.window} ` : ''}${lower}${r.warn}/${lower}${r.crit}`;
}

export const metricsPanel: PanelView<'metrics'> = {
  id: 'metrics',
  count: (data, filter) => filterMetrics(data.rows, filter).length,
  summary(data, _now, verdicts) {
    const line: Line = [];
    for (const r of data.rows) {
      const level = metricLevel(r, verdicts);
      const mark = markOf(level);
      line.push(seg(`${mark.text} `, mark.tone), seg(`${r.series} `), seg(`${metricFigure(r)}  `, problemTone(level) ?? 'muted'));
    }
    if (line.length === 0) line.push(seg('no metrics configured', 'muted'));
    return line;
  },
  body(data, ctx) {
    const rows = filterMetrics(data.rows, ctx.filter);
    const cols = layoutColumns(COLUMNS, ctx.width);
    const out: Line[] = [tableHeader(cols)];
    const failed = data.endpoints.filter((e) => e.error);
    if (rows.length === 0) {
      out.push([seg(ctx.filter ? `no series matches /${ctx.filter}` : 'no metrics configured', 'muted')]);
      return out;
    }
    const room = ctx.height - 1 - Math.min(failed.length, 1);
    const selected = Math.min(ctx.selected, rows.length - 1);
    const start = windowStart(rows.length, selected, room);
    rows.slice(start, start + room).forEach((r, i) => {
      const level = metricLevel(r, ctx.verdicts);
      const row = tableRow(cols, {
        mark: markOf(level),
        series: r.series,
        now: { text: metricFigure(r), tone: problemTone(level) },
        trend: { text: sparkline(r.history, SPARK), tone: 'muted' },
        rule: { text: r.value === null ? (r.missing ?? '') : ruleText(r), tone: 'muted' },
        endpoint: r.endpoint,
      });
      out.push(ctx.focused && start + i === selected ? highlight(row) : row);
    });
    // a failing endpoint's reason, once: its rows say only that they are unknown
    if (failed.length) out.push([seg(`${failed.map((e) => `${e.name}: ${e.error}`).join(' · ')}`, 'muted')]);
    return out.slice(0, ctx.height);
  },
};
