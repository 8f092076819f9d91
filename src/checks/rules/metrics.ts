/**
 * Metrics checks: each ruled series (a gauge, a counter's per-second rate,
 * a ratio of two counters' rates) graded with its rule's warn and crit. A
 * series whose figure cannot be known (not exposed, one scrape so far, the
 * scrape failed) is unknown, never silently ok.
 */
import { metricRef } from '../../model/subjects.js';
import { metricFigure, type MetricRow } from '../../model/metrics.js';
import { findingsOf, type CheckDefinition } from '../types.js';

/** At `warn` warns, at `crit` is critical; with `below`, at or under them. */
export function gradeMetric(row: Pick<MetricRow, 'warn' | 'crit' | 'below'>, value: number): 'ok' | 'warn' | 'crit' {
  if (Number.isNaN(value)) return 'ok';
  const past = (bound: number) => (row.below ? value <= bound : value >= bound);
  if (past(row.crit)) return 'crit';
  if (past(row.warn)) return 'warn';
  return 'ok';
}

function bounds(row: MetricRow): string {
  const rel = row.below ? '≤' : '≥';
  return `warn ${rel} ${row.warn}, crit ${rel} ${row.crit}`;
}

function what(row: MetricRow): string {
  if (row.kind === 'rate') return `rate over ${row.window}`;
  if (row.kind === 'ratio') return `ratio of rates over ${row.window}`;
  return 'value';
}

const series: CheckDefinition = {
  id: 'metrics.series',
  area: 'metrics',
  title: 'Metrics within their rules',
  reads: ['metrics'],
  thresholds: [],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return ctx.data.metrics!.rows.map((row) => {
      const subject = metricRef(row);
      if (row.value === null) return f('unknown', subject, `${what(row)} unknown: ${row.missing ?? 'no figure'}`);
      const severity = gradeMetric(row, row.value);
      const resets = row.resets ? ` (${row.resets} counter reset${row.resets === 1 ? '' : 's'} in the window)` : '';
      const message = `${what(row)} ${severity === 'ok' ? 'within' : 'past'} its rule (${bounds(row)})${resets}`;
      return f(severity, subject, message, metricFigure(row));
    });
  },
  note(ctx) {
    return ctx.data.metrics?.note;
  },
};

export const METRICS_CHECKS: readonly CheckDefinition[] = [series];
