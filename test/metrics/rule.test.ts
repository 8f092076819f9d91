import { describe, expect, it } from 'vitest';
import { findings, healthy, metricRow } from '../checks/support.js';
import { gradeMetric } from '../../src/checks/rules/metrics.js';

const NOW = Date.UTC(2026, 10, 22, 9, 30);
const judge = (rows: ReturnType<typeof metricRow>[]) => findings('metrics.series', { ...healthy(), metrics: { endpoints: [{ name: 'app', url: 'https://app.example/metrics' }], rows } }, { env: 'prod', now: NOW });

describe('metrics.series', () => {
  it('grades a rate with its own rule, both bounds inclusive, and names the series in the subject', () => {
    const out = judge([metricRow({ value: 0.99 }), metricRow({ value: 1, series: 'error_rate_total{route="/pay"}' }), metricRow({ value: 5, series: 'x_total' })]);
    expect(out.map((f) => [f.subject, f.severity, f.figure])).toEqual([
      ['prod/app error_rate_total', 'ok', '0.99/s'],
      ['prod/app error_rate_total{route="/pay"}', 'warn', '1/s'],
      ['prod/app x_total', 'crit', '5/s'],
    ]);
    expect(out[2]!.message).toBe('rate over 5m past its rule (warn ≥ 1, crit ≥ 5)');
    expect(out[2]!.ref).toEqual({ kind: 'metric', name: 'app x_total' });
  });

  it('with below: true, lower is worse', () => {
    expect(gradeMetric({ warn: 10, crit: 2, below: true }, 11)).toBe('ok');
    expect(gradeMetric({ warn: 10, crit: 2, below: true }, 10)).toBe('warn');
    expect(gradeMetric({ warn: 10, crit: 2, below: true }, 1)).toBe('crit');
    const [f] = judge([metricRow({ kind: 'gauge', value: 1, warn: 10, crit: 2, below: true, series: 'workers_up' })]);
    expect(f).toMatchObject({ severity: 'crit', message: 'value past its rule (warn ≤ 10, crit ≤ 2)', figure: '1' });
  });

  it('a figure that cannot be known is unknown with the reason, never ok', () => {
    const [f] = judge([metricRow({ value: null, missing: 'one scrape so far: a rate needs two' })]);
    expect(f).toMatchObject({ severity: 'unknown', message: 'rate over 5m unknown: one scrape so far: a rate needs two' });
  });

  it('says when counter resets happened inside the window', () => {
    const [f] = judge([metricRow({ kind: 'ratio', series: 'errors_total / requests_total', value: 0.07, warn: 0.01, crit: 0.05, resets: 2 })]);
    expect(f).toMatchObject({ severity: 'crit', figure: '0.070', message: 'ratio of rates over 5m past its rule (warn ≥ 0.01, crit ≥ 0.05) (2 counter resets in the window)' });
  });

  it('an environment without metrics: has no metrics findings at all', () => {
    expect(findings('metrics.series', { ...healthy(), metrics: { endpoints: [], rows: [] } }, { env: 'prod', now: NOW })).toEqual([]);
  });
});
