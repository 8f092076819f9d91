/**
 * The `metrics:` entries of an environment: a Prometheus text exposition
 * endpoint and the rules judged on its series. Key names are a contract (see
 * schema.ts): add keys, never rename.
 */
import { z } from 'zod';

/** A window such as 30s, 5m or 1h: the span a counter's rate is taken over. */
export const METRICS_WINDOW = /^(\d+)(s|m|h)$/;

export function windowMs(text: string): number {
  const m = METRICS_WINDOW.exec(text);
  if (!m) throw new Error(`"${text}" is not a window such as 30s, 5m or 1h`);
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

const window = z
  .string()
  .regex(METRICS_WINDOW, 'expected a window such as 30s, 5m or 1h')
  .refine((w) => windowMs(w) >= 1_000 && windowMs(w) <= 24 * 3_600_000, { message: 'expected a window between 1s and 24h' });

const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'expected a Prometheus metric name (letters, digits, _ and :)');
const labels = z
  .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a Prometheus label name'), z.string())
  .optional()
  .describe('only series with these label values; several series matching: one row each (a ratio sums them)');

const bounds = {
  warn: z.number().describe('warn at this value (at or above; at or below with below: true)'),
  crit: z.number().describe('critical at this value'),
  below: z.boolean().optional().describe('lower is worse: warn at or below warn, critical at or below crit'),
};

const ordered = (r: { warn: number; crit: number; below?: boolean | undefined }) => (r.below ? r.crit <= r.warn : r.warn <= r.crit);
const ORDER_MESSAGE = 'warn must not be past crit (warn <= crit; with below: true, crit <= warn)';

const seriesRule = z
  .object({
    series: metricName.describe('the series: a gauge, or with rate: a counter'),
    labels,
    rate: window.optional().describe("a counter: its per-second rate over this window (counter resets handled like Prometheus' rate())"),
    ...bounds,
  })
  .strict()
  .refine(ordered, { message: ORDER_MESSAGE });

const ratioRule = z
  .object({
    ratio: z.tuple([metricName, metricName]).describe('[numerator, denominator]: two counters, e.g. [errors_total, requests_total]'),
    labels,
    rate: window.describe('the window both counters are taken over'),
    ...bounds,
  })
  .strict()
  .refine(ordered, { message: ORDER_MESSAGE });

export const metricsRuleSchema = z.union([ratioRule, seriesRule]);

export const metricsSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a name of letters, digits, _ . and -'),
    url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL of a Prometheus text exposition (…/metrics)' }),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name'), z.string())
      .optional()
      .describe('request headers, e.g. an Authorization bearer token written as ${METRICS_TOKEN}; their values are secrets'),
    timeoutMs: z.number().int().positive().optional().describe('per scrape; default 5000'),
    checkGap: window.optional().describe('`opsdeck check` scrapes twice this far apart when a rule needs a rate; default 5s'),
    rules: z.array(metricsRuleSchema).min(1, 'give at least one rule: { series, warn, crit }, with rate: for a counter, or { ratio: [a, b], rate, warn, crit }'),
  })
  .strict();

export type MetricsConfig = z.infer<typeof metricsSchema>;
export type MetricsRuleConfig = z.infer<typeof metricsRuleSchema>;
