/**
 * The HTTP probe of the demo API. The load balancer sends each probe to one
 * of the tasks serving traffic, so the reported version is that task's image
 * tag: a rollout shows mixed versions, a rollback changes it, and no serving
 * task means a 503 from the load balancer.
 */
import type { ProbeResult } from '../../model/health.js';
import { rngAt } from './prng.js';

export const PROBE_URL = 'https://demo.opsdeck.invalid/health';

interface ProbeContext {
  /** image tags of the tasks behind the load balancer */
  servingVersions: string[];
  /** requests per serving task relative to the normal three */
  loadPerTask: number;
  /** the error-spike scenario's upstream trouble */
  degraded: boolean;
}

export function probeApi(seed: number, t: number, now: number, ctx: ProbeContext): ProbeResult {
  const rng = rngAt(seed, 'probe:api', t);
  if (ctx.servingVersions.length === 0) {
    return {
      name: 'api', url: PROBE_URL, ok: false, status: 503, latencyMs: Math.round(rng.range(2, 6)),
      fields: {}, problems: ['status 503, expected 200'], checkedAt: now,
    };
  }
  const version = rng.pick(ctx.servingVersions);
  let latency = rng.range(35, 95) * Math.max(1, ctx.loadPerTask ** 1.5);
  // the health endpoint checks payments too, so it waits on the slow upstream
  if (ctx.degraded) latency = rng.chance(0.55) ? rng.range(2_100, 4_800) : rng.range(350, 1_400);
  return {
    name: 'api',
    url: PROBE_URL,
    ok: true,
    status: 200,
    latencyMs: Math.round(latency),
    fields: { status: 'healthy', version },
    problems: [],
    checkedAt: now,
  };
}
