/**
 * From scrapes to the rows the checks judge: which samples each rule is
 * about, their values kept across scrapes (a ring per series) for the rates,
 * and each row's own recent figures for the sparkline. The source reads
 * facts; the bounds travel with the row and the checks engine grades them.
 */
import { windowMs, type MetricsConfig, type MetricsRuleConfig } from '../../config/metricsSchema.js';
import type { MetricRow, MetricRuleKind } from '../../model/metrics.js';
import { RingBuffer } from '../../engine/ring.js';
import { oneLine } from '../../text/sanitize.js';
import { seriesText, type Sample } from './parse.js';
import { ratePerSecond, type Point } from './rate.js';

/** scrapes kept per series: an hour at a 5 s interval */
const POINTS = 720;
/** figures kept per row for its sparkline */
const HISTORY = 30;
/** rows one rule may make: a label with thousands of values must not flood the panel */
export const MAX_ROWS_PER_RULE = 20;

export const ruleKind = (r: MetricsRuleConfig): MetricRuleKind => ('ratio' in r ? 'ratio' : r.rate !== undefined ? 'rate' : 'gauge');
export const needsRate = (r: MetricsRuleConfig) => ruleKind(r) !== 'gauge';

function matches(s: Sample, name: string, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (s.name !== name) return false;
  for (const [k, v] of Object.entries(labels ?? {})) if (s.labels[k] !== v) return false;
  return true;
}

export class SeriesHistory {
  private readonly points = new Map<string, RingBuffer<Point>>();
  private readonly figures = new Map<string, RingBuffer<number>>();

  /** Remembers the samples of one scrape that some rule is about. */
  add(rules: readonly MetricsRuleConfig[], samples: readonly Sample[], at: number): void {
    const names = new Set(rules.flatMap((r) => ('ratio' in r ? r.ratio : [r.series])));
    for (const s of samples) {
      if (!names.has(s.name)) continue;
      const key = seriesText(s.name, s.labels);
      let ring = this.points.get(key);
      if (!ring) this.points.set(key, (ring = new RingBuffer<Point>(POINTS)));
      ring.push({ at: s.timestamp ?? at, value: s.value });
    }
  }

  /** The rows of one endpoint after a scrape at `now` whose samples are `samples` (undefined: the scrape failed with `error`). */
  rows(cfg: MetricsConfig, samples: readonly Sample[] | undefined, now: number, error?: string): MetricRow[] {
    return cfg.rules.flatMap((rule) => {
      const base = { endpoint: cfg.name, kind: ruleKind(rule), warn: rule.warn, crit: rule.crit, ...(rule.below ? { below: true } : {}), ...(rule.rate ? { window: rule.rate } : {}) };
      const row = (series: string, value: number | null, missing?: string, resets?: number): MetricRow => {
        const key = `${cfg.name}\u0000${series}`;
        let ring = this.figures.get(key);
        if (!ring) this.figures.set(key, (ring = new RingBuffer<number>(HISTORY)));
        if (value !== null && Number.isFinite(value) && samples) ring.push(value);
        return { ...base, series: oneLine(series), value, ...(missing ? { missing } : {}), history: ring.toArray(), ...(resets ? { resets } : {}) };
      };
      const label = 'ratio' in rule ? `${seriesText(rule.ratio[0], rule.labels ?? {})} / ${seriesText(rule.ratio[1], rule.labels ?? {})}` : seriesText(rule.series, rule.labels ?? {});
      if (!samples) return [row(label, null, error ?? 'not scraped yet')];
      if ('ratio' in rule) return [this.ratio(rule, samples, now, label, row)];
      const found = samples.filter((s) => matches(s, rule.series, rule.labels)).slice(0, MAX_ROWS_PER_RULE);
      if (found.length === 0) return [row(label, null, `${rule.series} is not in the exposition`)];
      return found.map((s) => {
        const series = seriesText(s.name, s.labels);
        if (rule.rate === undefined) return row(series, s.value);
        const r = ratePerSecond(this.points.get(series)?.toArray() ?? [], windowMs(rule.rate), now);
        return r ? row(series, r.rate, undefined, r.resets) : row(series, null, 'one scrape so far: a rate needs two');
      });
    });
  }

  private ratio(rule: Extract<MetricsRuleConfig, { ratio: unknown }>, samples: readonly Sample[], now: number, label: string, row: (series: string, value: number | null, missing?: string, resets?: number) => MetricRow): MetricRow {
    const span = windowMs(rule.rate);
    const sum = (name: string) => {
      const found = samples.filter((s) => matches(s, name, rule.labels));
      if (found.length === 0) return { missing: `${name} is not in the exposition` };
      let rate = 0;
      let resets = 0;
      for (const s of found) {
        const r = ratePerSecond(this.points.get(seriesText(s.name, s.labels))?.toArray() ?? [], span, now);
        if (!r) return { missing: 'one scrape so far: a rate needs two' };
        rate += r.rate;
        resets += r.resets;
      }
      return { rate, resets };
    };
    const num = sum(rule.ratio[0]);
    const den = sum(rule.ratio[1]);
    if (num.missing !== undefined) return row(label, null, num.missing);
    if (den.missing !== undefined) return row(label, null, den.missing);
    // no requests in the window: no share of them can have failed
    if (den.rate === 0) return row(label, null, `no ${rule.ratio[1]} in the last ${rule.rate}`);
    return row(label, num.rate! / den.rate!, undefined, num.resets! + den.resets!);
  }
}
