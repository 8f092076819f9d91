/** Prometheus series judged by the config's `metrics:` rules. */

export type MetricRuleKind = 'gauge' | 'rate' | 'ratio';

/** One ruled series (or, for a ratio, one pair of summed counters) as last scraped. */
export interface MetricRow {
  /** the endpoint's name (`metrics[].name`) */
  endpoint: string;
  kind: MetricRuleKind;
  /** `error_rate_total{route="/pay"}`, `errors_total / requests_total`: how the series reads in a subject */
  series: string;
  /** the gauge's value, the counter's per-second rate, or the ratio; null when it cannot be known yet */
  value: number | null;
  /** why value is null: not in the exposition, one scrape so far, no traffic for a ratio, the scrape failed */
  missing?: string;
  /** the rule's window ("5m") for a rate or ratio */
  window?: string;
  /** the rule's bounds: the check grades value with them */
  warn: number;
  crit: number;
  below?: boolean;
  /** recent values, oldest first, for the sparkline */
  history: number[];
  /** counter resets seen inside the window */
  resets?: number;
}

export interface MetricEndpoint {
  name: string;
  /** without credentials */
  url: string;
  /** the last scrape's failure, already free of secrets and control sequences */
  error?: string;
  scrapedAt?: number;
  samples?: number;
}

export interface MetricsSnapshot {
  endpoints: MetricEndpoint[];
  rows: MetricRow[];
  /** e.g. "scraped twice, 5 s apart, for the rates" (a one-shot check) */
  note?: string;
}

/** The row's figure in the rule's own unit, as the config wrote its bounds: "0.42/s" for a rate, a plain number otherwise. */
export function metricFigure(row: Pick<MetricRow, 'kind' | 'value'>): string {
  if (row.value === null) return '—';
  const v = row.value;
  const n = Number.isInteger(v) ? String(v) : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(2);
  return row.kind === 'rate' ? `${n}/s` : n;
}
