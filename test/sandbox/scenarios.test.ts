import { describe, expect, it } from 'vitest';
import { SCENARIOS, isScenario, type Scenario } from '../../src/sources/sandbox/index.js';
import { shortfallSince } from '../../src/checks/shortfall.js';
import { MIN, T0, problemsOf, queue, readAll, sandboxAt, service, type Reading } from './helpers.js';

/** Readings every 20 s over the first four minutes after start. */
async function watch(scenario: Scenario, seed = 42): Promise<{ readings: Reading[]; problems: string[][]; redisNames: string[] }> {
  const { sb, clock } = sandboxAt(scenario, seed);
  const redisNames = sb.environment.redis.map((r) => r.name);
  const readings: Reading[] = [];
  const problems: string[][] = [];
  for (let i = 0; i <= 12; i++) {
    const r = await readAll(sb, clock.now());
    readings.push(r);
    problems.push(problemsOf(r, clock.now(), redisNames));
    clock.advance(20_000);
  }
  return { readings, problems, redisNames };
}

const union = (lists: string[][]) => [...new Set(lists.flat())].sort();

describe('scenario names', () => {
  it('lists six scenarios and recognises only those', () => {
    expect(SCENARIOS).toEqual(['calm', 'error-spike', 'bad-deploy', 'dlq-backlog', 'db-saturation', 'unsafe-scale']);
    expect(isScenario('bad-deploy')).toBe(true);
    expect(isScenario('chaos')).toBe(false);
  });
});

describe('calm', () => {
  it.each([1, 2, 3, 42, 1234])('stages no problem at all (seed %i)', async (seed) => {
    const { problems } = await watch('calm', seed);
    expect(union(problems)).toEqual([]);
  });

  it('has every service at desired, few errors, empty dead-letter sets and a fresh backup', async () => {
    const { readings } = await watch('calm');
    const r = readings[0]!;
    expect(r.ecs.services.map((s) => [s.name, s.desired, s.running, s.pending])).toEqual([
      ['api', 3, 3, 0],
      ['worker', 2, 2, 0],
      ['scheduler', 1, 1, 0],
    ]);
    const lines = r.logs.events.length;
    const errors = r.logs.events.filter((e) => e.severity === 'error').length;
    expect(lines).toBeGreaterThan(500);
    expect(errors / lines).toBeLessThan(0.01);
    expect(r.queues.queues.every((q) => q.failed === 0)).toBe(true);
    const newest = r.rds.snapshots.find((s) => s.type === 'automated')!;
    expect(newest.status).toBe('available');
    expect(T0 - newest.createdAt!).toBeLessThan(26 * 3_600_000);
    expect(r.postgres.databases[0]!.connections.total).toBeLessThan(50);
    expect(r.health.probes[0]).toMatchObject({ ok: true, status: 200, fields: { status: 'healthy', version: '2.14.2' } });
  });

  it('lets the queues fill and drain around a low level', async () => {
    const { sb, clock } = sandboxAt('calm');
    const depths: number[] = [];
    for (let i = 0; i < 600; i++) {
      clock.advance(1_000);
      const q = (await sb.sources.queues.read(new AbortController().signal)).queues[0]!;
      depths.push(q.waiting + q.active);
    }
    expect(Math.max(...depths)).toBeGreaterThan(5);
    expect(Math.min(...depths)).toBeLessThan(3);
    expect(depths.at(-1)!).toBeLessThan(150);
  });
});

describe('each scenario stages its own problem and nothing else', () => {
  const expected: Record<Exclude<Scenario, 'calm'>, { required: string[]; allowed?: string[] }> = {
    'error-spike': { required: ['health.slow', 'logs.error-rate'] },
    'bad-deploy': { required: ['ecs.below-desired:api', 'ecs.crashing:api', 'ecs.rollout:api'], allowed: ['logs.error-rate'] },
    'dlq-backlog': { required: ['queues.age:emails', 'queues.failed:default', 'queues.failed:emails'] },
    'db-saturation': { required: ['pg.blocked', 'pg.connections', 'pg.idle-in-transaction', 'pg.long-queries', 'rds.cpu'] },
    'unsafe-scale': { required: ['ecs.topology:scheduler'] },
  };
  it.each(Object.entries(expected))('%s', async (scenario, { required, allowed = [] }) => {
    const { problems } = await watch(scenario as Scenario);
    const seen = union(problems);
    for (const p of required) expect(seen).toContain(p);
    for (const p of seen) expect([...required, ...allowed]).toContain(p);
  });
});

describe('scenario details', () => {
  it('error-spike: errors above 5 % with varied ids, and a probe that is sometimes over 2 s', async () => {
    const { readings } = await watch('error-spike');
    for (const r of readings) {
      const errors = r.logs.events.filter((e) => e.severity === 'error');
      expect(errors.length / r.logs.events.length).toBeGreaterThan(0.05);
    }
    const errors = readings[0]!.logs.events.filter((e) => e.severity === 'error').map((e) => e.message);
    const fingerprints = new Set(errors.map((m) => m.replace(/\b[0-9a-f]{8,}\b|ch_[0-9a-f]+|\d+/g, '#')));
    expect(new Set(errors).size).toBeGreaterThan(20);
    expect(fingerprints.size).toBeLessThan(8);
    const latencies = readings.map((r) => r.health.probes[0]!.latencyMs!);
    expect(latencies.some((l) => l > 2_000)).toBe(true);
  });

  it('bad-deploy: a crashing PRIMARY revision, the old one ACTIVE, the probe on the old version', async () => {
    const { readings } = await watch('bad-deploy');
    const first = service(readings[0]!, 'api');
    expect(first.taskDefinition).toBe('demo-api:46');
    expect(first.rollout).toBe('IN_PROGRESS');
    expect(first.running).toBeLessThan(first.desired);
    expect(first.deployments.map((d) => [d.status, d.taskDefinition])).toEqual([
      ['PRIMARY', 'demo-api:46'],
      ['ACTIVE', 'demo-api:44'],
    ]);
    const last = service(readings.at(-1)!, 'api');
    expect(last.rollout).toBe('FAILED');
    expect(last.deployments[0]!.rolloutReason).toMatch(/circuit breaker/);
    expect(shortfallSince(last)).toBeLessThan(T0);
    const crash = last.stoppedTasks[0]!;
    expect(crash).toMatchObject({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', taskDefinition: 'demo-api:46' });
    expect(crash.containers[0]!.exitCode).toBe(1);
    expect(last.events.some((e) => /has started \d+ tasks/.test(e.message))).toBe(true);
    expect(last.events.some((e) => /Essential container in task exited/.test(e.message))).toBe(true);
    expect(readings.every((r) => r.health.probes[0]!.fields.version === '2.14.2')).toBe(true);
    expect(readings[0]!.logs.events.some((e) => e.severity === 'error' && /PAYMENTS_WEBHOOK_SECRET/.test(e.message))).toBe(true);
  });

  it('dlq-backlog: a large, growing failed set and a backlog minutes old', async () => {
    const { readings } = await watch('dlq-backlog');
    const a = queue(readings[0]!, 'emails');
    const b = queue(readings.at(-1)!, 'emails');
    expect(a.failed).toBeGreaterThan(300);
    expect(b.failed).toBeGreaterThan(a.failed);
    expect(b.waiting).toBeGreaterThan(a.waiting);
    expect(a.oldestWaitingAgeMs!).toBeGreaterThan(2 * MIN);
    expect(b.etaToEmptyMs).toBeNull();
    expect(queue(readings[0]!, 'default').failed).toBeGreaterThan(0);
  });

  it('db-saturation: connections near max and a blocked query behind an idle transaction', async () => {
    const { readings } = await watch('db-saturation');
    const db = readings[0]!.postgres.databases[0]!;
    expect(db.connections.total).toBeGreaterThanOrEqual(88);
    expect(db.connections.max).toBe(100);
    const holder = db.idleInTransaction.find((s) => s.durationMs > 5 * MIN)!;
    expect(holder.state).toBe('idle in transaction');
    const blocked = db.blocked.find((b) => b.blockedBy.includes(holder.pid))!;
    expect(blocked.durationMs).toBeGreaterThan(30_000);
    expect(readings[0]!.rds.instances[0]!.connections).toBe(db.connections.total);
    // the waits grow with time, as in pg_stat_activity
    const later = readings.at(-1)!.postgres.databases[0]!.blocked.find((b) => b.pid === blocked.pid)!;
    expect(later.durationMs - blocked.durationMs).toBe(4 * MIN);
  });

  it('unsafe-scale: the singleton scheduler runs three tasks', async () => {
    const { readings } = await watch('unsafe-scale');
    const s = service(readings[0]!, 'scheduler');
    expect([s.desired, s.running, s.singleInstanceUnless]).toEqual([3, 3, 'redis:locks']);
  });
});

describe('the demo environment config', () => {
  it('is exactly what the config schema makes of it, defaults included', async () => {
    const { environmentSchema } = await import('../../src/config/schema.js');
    const { demoEnvironment } = await import('../../src/sources/sandbox/config.js');
    expect(environmentSchema.parse(demoEnvironment())).toEqual(demoEnvironment());
  });
});
