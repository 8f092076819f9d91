import { ManualClock } from '../../src/engine/clock.js';
import { createSandbox, type Sandbox, type Scenario } from '../../src/sources/sandbox/index.js';
import type { EcsSnapshot } from '../../src/model/ecs.js';
import type { HealthSnapshot } from '../../src/model/health.js';
import type { LogBatch } from '../../src/model/logs.js';
import type { PostgresSnapshot } from '../../src/model/postgres.js';
import type { QueuesSnapshot } from '../../src/model/queues.js';
import type { RdsSnapshot } from '../../src/model/rds.js';

/** A fixed morning: 09:30 UTC, six hours after the nightly backup window. */
export const T0 = Date.UTC(2026, 10, 22, 9, 30, 0);
export const MIN = 60_000;
export const signal = new AbortController().signal;

export function sandboxAt(scenario: Scenario = 'calm', seed = 42, t = T0): { sb: Sandbox; clock: ManualClock } {
  const clock = new ManualClock(t);
  return { sb: createSandbox({ scenario, seed, clock }), clock };
}

export interface Reading {
  ecs: EcsSnapshot;
  rds: RdsSnapshot;
  logs: LogBatch;
  queues: QueuesSnapshot;
  postgres: PostgresSnapshot;
  health: HealthSnapshot;
}

/** Every port once; logs from 5 minutes back, as the error-rate check would look. */
export async function readAll(sb: Sandbox, now: number): Promise<Reading> {
  const s = sb.sources;
  return {
    ecs: await s.ecs.describe(signal),
    rds: await s.rds.describe(signal),
    logs: await s.logs.read(undefined, now - 5 * MIN, signal),
    queues: await s.queues.read(signal),
    postgres: await s.postgres.read(signal),
    health: await s.health.probe(signal),
  };
}

export function service(r: Reading, name: string) {
  const svc = r.ecs.services.find((s) => s.name === name);
  if (!svc) throw new Error(`no service ${name}`);
  return svc;
}

export function queue(r: Reading, name: string) {
  const q = r.queues.queues.find((x) => x.name === name);
  if (!q) throw new Error(`no queue ${name}`);
  return q;
}

/**
 * The runbook's thresholds, applied the simple way: what an on-call engineer
 * would call a problem on each panel. Independent of src/checks on purpose.
 */
export function problemsOf(r: Reading, now: number, redisNames: string[]): string[] {
  const out = new Set<string>();
  for (const s of r.ecs.services) {
    if (s.running < s.desired) out.add(`ecs.below-desired:${s.name}`);
    if (s.rollout !== 'COMPLETED') out.add(`ecs.rollout:${s.name}`);
    if (s.stoppedTasks.some((t) => t.stopCode === 'EssentialContainerExited')) out.add(`ecs.crashing:${s.name}`);
    const rule = s.singleInstanceUnless;
    if (rule && s.desired > 1 && !redisNames.includes(rule.replace(/^redis:/, ''))) out.add(`ecs.topology:${s.name}`);
    if ((s.cpu.at(-1) ?? 0) > 70) out.add(`ecs.cpu:${s.name}`);
    if ((s.memory.at(-1) ?? 0) > 80) out.add(`ecs.memory:${s.name}`);
  }
  const db = r.rds.instances[0]!;
  if ((db.cpuPercent ?? 0) > 70) out.add('rds.cpu');
  const newest = r.rds.snapshots.find((x) => x.type === 'automated');
  if (!newest || now - (newest.createdAt ?? 0) > 26 * 3_600_000) out.add('rds.backup');
  const lines = r.logs.events.length;
  const errors = r.logs.events.filter((e) => e.severity === 'error').length;
  if (lines > 0 && errors / lines > 0.01) out.add('logs.error-rate');
  for (const q of r.queues.queues) {
    if (q.failed > 0) out.add(`queues.failed:${q.name}`);
    if ((q.oldestWaitingAgeMs ?? 0) > 2 * MIN) out.add(`queues.age:${q.name}`);
  }
  for (const d of r.postgres.databases) {
    if (d.connections.total / d.connections.max > 0.5) out.add('pg.connections');
    if (d.blocked.length > 0) out.add('pg.blocked');
    if (d.idleInTransaction.some((s) => s.durationMs > MIN)) out.add('pg.idle-in-transaction');
    if (d.longQueries.length > 0) out.add('pg.long-queries');
  }
  for (const p of r.health.probes) {
    if (!p.ok) out.add('health.down');
    if ((p.latencyMs ?? 0) > 2_000) out.add('health.slow');
  }
  return [...out].sort();
}
