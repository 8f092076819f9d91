import { describe, expect, it } from 'vitest';
import { increase, ratePerSecond } from '../../src/sources/metrics/rate.js';
import { SeriesHistory } from '../../src/sources/metrics/rules.js';
import { parseExposition } from '../../src/sources/metrics/parse.js';
import { metricsSchema, type MetricsConfig } from '../../src/config/metricsSchema.js';

const S = 1_000;
const pts = (...vs: Array<[number, number]>) => vs.map(([at, value]) => ({ at: at * S, value }));

describe('a counter\'s rate', () => {
  it('is the increase over the span between the first and last scrape in the window, per second', () => {
    expect(ratePerSecond(pts([0, 100], [5, 125]), 300 * S, 5 * S)?.rate).toBe(5);
    expect(ratePerSecond(pts([0, 100], [10, 110], [20, 160]), 300 * S, 20 * S)?.rate).toBe(3);
  });

  it('uses only the scrapes inside the window', () => {
    // the jump from 0 to 1000 happened before the last minute
    expect(ratePerSecond(pts([0, 0], [100, 1000], [130, 1030], [160, 1060]), 60 * S, 160 * S)?.rate).toBe(1);
  });

  it('counts a drop as a restart from zero, like Prometheus\' rate()', () => {
    // 100 → 150 (+50), restart, → 20 (+20), → 50 (+30): 100 over 30 s
    const inc = increase(pts([0, 100], [10, 150], [20, 20], [30, 50]));
    expect(inc).toEqual({ increase: 100, spanMs: 30 * S, resets: 1, points: 4 });
    expect(ratePerSecond(pts([0, 100], [10, 150], [20, 20], [30, 50]), 300 * S, 30 * S)?.rate).toBeCloseTo(100 / 30);
  });

  it('is unknown from one scrape, or two at the same instant', () => {
    expect(ratePerSecond(pts([0, 5]), 300 * S, 0)).toBeUndefined();
    expect(ratePerSecond(pts([3, 5], [3, 9]), 300 * S, 3 * S)).toBeUndefined();
  });
});

const config = (rules: unknown[]): MetricsConfig => metricsSchema.parse({ name: 'app', url: 'http://127.0.0.1:9/metrics', rules });

function scrapes(cfg: MetricsConfig, texts: Array<[number, string]>) {
  const h = new SeriesHistory();
  let rows = h.rows(cfg, undefined, 0);
  for (const [at, text] of texts) {
    const samples = parseExposition(text).samples;
    h.add(cfg.rules, samples, at * S);
    rows = h.rows(cfg, samples, at * S);
  }
  return rows;
}

describe('rows of the rules', () => {
  it('a gauge: one row per matching series, filtered by labels', () => {
    const cfg = config([{ series: 'queue_depth', labels: { queue: 'emails' }, warn: 100, crit: 1000 }, { series: 'queue_depth', warn: 100, crit: 1000 }]);
    const rows = scrapes(cfg, [[0, 'queue_depth{queue="emails"} 140\nqueue_depth{queue="sms"} 3\n']]);
    expect(rows.map((r) => [r.kind, r.series, r.value])).toEqual([
      ['gauge', 'queue_depth{queue="emails"}', 140],
      ['gauge', 'queue_depth{queue="emails"}', 140],
      ['gauge', 'queue_depth{queue="sms"}', 3],
    ]);
  });

  it('a counter: unknown after one scrape, its rate after two, reset included', () => {
    const cfg = config([{ series: 'error_rate_total', rate: '5m', warn: 1, crit: 5 }]);
    expect(scrapes(cfg, [[0, 'error_rate_total 10\n']])[0]).toMatchObject({ value: null, missing: 'one scrape so far: a rate needs two' });
    expect(scrapes(cfg, [[0, 'error_rate_total 10\n'], [5, 'error_rate_total 60\n']])[0]).toMatchObject({ kind: 'rate', value: 10, window: '5m' });
    // the process restarted between the last two scrapes: +10, then 0 → 5; 15 over 10 s
    const reset = scrapes(cfg, [[0, 'error_rate_total 10\n'], [5, 'error_rate_total 20\n'], [10, 'error_rate_total 5\n']]);
    expect(reset[0]).toMatchObject({ value: 1.5, resets: 1 });
  });

  it('a ratio: summed rates of the matching numerator and denominator series', () => {
    const cfg = config([{ ratio: ['errors_total', 'requests_total'], rate: '5m', warn: 0.01, crit: 0.05 }]);
    const rows = scrapes(cfg, [
      [0, 'errors_total{route="a"} 0\nerrors_total{route="b"} 0\nrequests_total{route="a"} 0\nrequests_total{route="b"} 0\n'],
      [10, 'errors_total{route="a"} 3\nerrors_total{route="b"} 1\nrequests_total{route="a"} 50\nrequests_total{route="b"} 30\n'],
    ]);
    expect(rows[0]).toMatchObject({ kind: 'ratio', series: 'errors_total / requests_total', value: 4 / 80 });
  });

  it('a ratio with no requests in the window has no value, and says why', () => {
    const cfg = config([{ ratio: ['errors_total', 'requests_total'], rate: '5m', warn: 0.01, crit: 0.05 }]);
    const rows = scrapes(cfg, [[0, 'errors_total 0\nrequests_total 7\n'], [5, 'errors_total 0\nrequests_total 7\n']]);
    expect(rows[0]).toMatchObject({ value: null, missing: 'no requests_total in the last 5m' });
  });

  it('a series the endpoint does not expose, and a failed scrape, are rows without a value', () => {
    const cfg = config([{ series: 'queue_depth', warn: 1, crit: 2 }]);
    expect(scrapes(cfg, [[0, 'other 1\n']])[0]).toMatchObject({ value: null, missing: 'queue_depth is not in the exposition' });
    expect(new SeriesHistory().rows(cfg, undefined, 0, 'HTTP 503')[0]).toMatchObject({ value: null, missing: 'HTTP 503' });
  });

  it('keeps each row\'s recent figures for its sparkline', () => {
    const cfg = config([{ series: 'g', warn: 1, crit: 2 }]);
    const rows = scrapes(cfg, [[0, 'g 1\n'], [5, 'g 2\n'], [10, 'g 3\n']]);
    expect(rows[0]!.history).toEqual([1, 2, 3]);
  });
});

describe('the rules in the config', () => {
  it('refuse bounds the wrong way round and windows that are not durations', () => {
    expect(() => config([{ series: 'x', warn: 5, crit: 1 }])).toThrow(/warn must not be past crit/);
    expect(() => config([{ series: 'x', warn: 5, crit: 1, below: true }])).not.toThrow();
    expect(() => config([{ series: 'x', rate: '5 minutes', warn: 1, crit: 5 }])).toThrow(/window such as 30s, 5m or 1h/);
    expect(() => config([{ ratio: ['a', 'b'], warn: 1, crit: 5 }])).toThrow();
    expect(() => config([{ series: 'bad-name', warn: 1, crit: 5 }])).toThrow(/Prometheus metric name/);
  });
});
