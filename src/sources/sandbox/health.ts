/**
 * The HTTP probes of the demo API. The load balancer sends each probe to one
 * of the tasks serving traffic, so the reported version is that task's image
 * tag: a rollout shows mixed versions, a rollback changes it, and no serving
 * task means a 503 from the load balancer. The queue-health endpoint reports
 * the sandbox's own queues, so its numbers move with them.
 */
import type { ProbeCert, ProbeResult } from '../../model/health.js';
import type { QueueStats } from '../../model/queues.js';
import { rngAt } from './prng.js';

export const PROBE_URL = 'https://demo.opsdeck.invalid/health';
export const QUEUE_PROBE_URL = 'https://demo.opsdeck.invalid/ops/queue_health';
/** looser than the queue checks, which judge the same dead letters from Redis first: one incident, one set of findings */
export const QUEUE_PROBE_JSON = { depth: { warn: 5_000, crit: 20_000 }, dlq: { warn: 2_000, crit: 10_000 } };

/** The demo host's certificate, as a handshake would present it; the config's default days. */
function demoCert(expiresAt: number): ProbeCert {
  return { subject: 'demo.opsdeck.invalid', altNames: ['demo.opsdeck.invalid'], issuer: "Let's Encrypt R3", validTo: expiresAt, warnDays: 14, critDays: 3 };
}

interface ProbeContext {
  /** image tags of the tasks behind the load balancer */
  servingVersions: string[];
  /** requests per serving task relative to the normal three */
  loadPerTask: number;
  /** the error-spike scenario's upstream trouble */
  degraded: boolean;
  certExpiresAt: number;
}

export function probeApi(seed: number, t: number, now: number, ctx: ProbeContext): ProbeResult {
  const rng = rngAt(seed, 'probe:api', t);
  if (ctx.servingVersions.length === 0) {
    return {
      name: 'api', url: PROBE_URL, ok: false, status: 503, latencyMs: Math.round(rng.range(2, 6)),
      fields: {}, problems: ['status 503, expected 200'], checkedAt: now, tls: demoCert(ctx.certExpiresAt),
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
    tls: demoCert(ctx.certExpiresAt),
  };
}

/** `/ops/queue_health`: the emails backlog as `depth`, every dead letter as `dlq`; 503 like the API when nothing serves. */
export function probeQueueHealth(seed: number, t: number, now: number, ctx: { serving: boolean; queues: readonly QueueStats[]; certExpiresAt: number }): ProbeResult {
  const rng = rngAt(seed, 'probe:queue', t);
  const base = { name: 'queue', url: QUEUE_PROBE_URL, checkedAt: now, tls: demoCert(ctx.certExpiresAt) };
  if (!ctx.serving) return { ...base, ok: false, status: 503, latencyMs: Math.round(rng.range(2, 6)), fields: {}, problems: ['status 503, expected 200'] };
  const depth = ctx.queues.find((q) => q.name === 'emails')?.waiting ?? 0;
  const dlq = ctx.queues.reduce((n, q) => n + q.failed, 0);
  return {
    ...base,
    ok: true,
    status: 200,
    latencyMs: Math.round(rng.range(20, 60)),
    fields: { status: 'ok' },
    problems: [],
    measures: [
      { field: 'depth', value: depth, ...QUEUE_PROBE_JSON.depth },
      { field: 'dlq', value: dlq, ...QUEUE_PROBE_JSON.dlq },
    ],
  };
}
