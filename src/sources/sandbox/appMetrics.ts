/**
 * The demo API's own /metrics: a Prometheus text exposition written from the
 * simulation, so the demo's metrics go through the same parser and rate
 * arithmetic as a real endpoint. The counters are the integral of the
 * scenario's request rate and error share, a pure function of time: the
 * error-spike scenario's errors make `error_rate_total` climb past its rule.
 */
import type { MetricsConfig } from '../../config/metricsSchema.js';
import type { Fleet } from './fleet.js';
import { demandAt } from './metrics.js';

export const METRICS_URL = 'https://demo.opsdeck.invalid/metrics';

/** requests a second across the API at normal demand */
const BASE_RPS = 120;
const STEP_MS = 1_000;

/** The demo's `metrics:` entry, as a user would write it. */
export function demoMetricsConfig(): MetricsConfig {
  return {
    name: 'app',
    url: METRICS_URL,
    rules: [
      { series: 'error_rate_total', rate: '5m', warn: 1, crit: 5 },
      { series: 'queue_depth', labels: { queue: 'emails' }, warn: 2_000, crit: 10_000 },
      { ratio: ['errors_total', 'requests_total'], rate: '5m', warn: 0.01, crit: 0.05 },
    ],
  };
}

/** Cumulative counts since the simulated process started; read forward in time only. */
export class AppCounters {
  private t: number;
  private requests = 0;
  private errors = 0;

  constructor(private readonly fleet: Fleet, processStart: number) {
    this.t = Math.floor(processStart / STEP_MS) * STEP_MS;
  }

  at(t: number): { requests: number; errors: number } {
    for (; this.t + STEP_MS <= t; this.t += STEP_MS) {
      const rps = BASE_RPS * this.fleet.plan.traffic(this.t) * demandAt(this.t);
      this.requests += rps;
      this.errors += rps * this.fleet.plan.requests(this.t).errorRate;
    }
    return { requests: this.requests, errors: this.errors };
  }

  /** The exposition at `t` (the queue's depth is the fleet's, which is simulated up to its own clock). */
  exposition(t: number): string {
    const c = this.at(t);
    const requests = Math.floor(c.requests);
    const errors = Math.floor(c.errors);
    return [
      '# HELP requests_total HTTP requests served.',
      '# TYPE requests_total counter',
      `requests_total ${requests}`,
      '# HELP errors_total HTTP requests answered with a 5xx.',
      '# TYPE errors_total counter',
      `errors_total ${errors}`,
      '# HELP error_rate_total Errors counted by the error-rate middleware.',
      '# TYPE error_rate_total counter',
      `error_rate_total ${errors}`,
      '# HELP queue_depth Jobs waiting, per queue.',
      '# TYPE queue_depth gauge',
      ...(['emails', 'default'] as const).map((q) => `queue_depth{queue="${q}"} ${this.fleet.queues[q].stats(this.fleet.t).waiting}`),
      '',
    ].join('\n');
  }
}
