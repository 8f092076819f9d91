import { describe, expect, it } from 'vitest';
import { ManualClock, scaledClock } from '../../src/engine/clock.js';
import { createSandbox, type Scenario } from '../../src/sources/sandbox/index.js';
import { environmentSchema } from '../../src/config/schema.js';
import { MIN, T0, readAll, sandboxAt, service, signal } from './helpers.js';

const READINGS = [0, 1_000, 1_500, 7_250, 60_000, 0, 333, 5 * MIN];

async function record(scenario: Scenario, seed: number, gaps = READINGS) {
  const { sb, clock } = sandboxAt(scenario, seed);
  const out = [];
  for (const gap of gaps) {
    clock.advance(gap);
    out.push(await readAll(sb, clock.now()));
  }
  return out;
}

describe('determinism', () => {
  it.each(['calm', 'bad-deploy', 'dlq-backlog'] as const)('same seed and clock readings give the same data (%s)', async (scenario) => {
    expect(await record(scenario, 9)).toEqual(await record(scenario, 9));
  });

  it('a different seed gives different data', async () => {
    const [a, b] = [(await record('calm', 1))[0]!, (await record('calm', 2))[0]!];
    expect(service(a, 'api').events[0]!.id).not.toBe(service(b, 'api').events[0]!.id);
    expect(a.logs.events.map((e) => e.message)).not.toEqual(b.logs.events.map((e) => e.message));
    expect(a.queues).not.toEqual(b.queues);
  });

  it('does not depend on how often it is read', async () => {
    const often = sandboxAt('bad-deploy', 5);
    for (let i = 0; i < 180; i++) {
      often.clock.advance(1_000);
      await often.sb.sources.ecs.describe(signal);
      await often.sb.sources.queues.read(signal);
    }
    const once = sandboxAt('bad-deploy', 5);
    once.clock.advance(180_000);
    expect(await readAll(often.sb, often.clock.now())).toEqual(await readAll(once.sb, once.clock.now()));
  });

  it('is the same with actions applied at the same readings', async () => {
    const run = async () => {
      const { sb, clock } = sandboxAt('calm', 3);
      clock.advance(2_500);
      await sb.setDesiredCount('demo', 'api', 5);
      clock.advance(20_000);
      await sb.updateService('demo', 'worker', { forceNewDeployment: true });
      clock.advance(40_000);
      return readAll(sb, clock.now());
    };
    expect(await run()).toEqual(await run());
  });

  it('runs on a real-time clock without a seed', async () => {
    const sb = createSandbox({ clock: scaledClock(T0, 60) });
    const r = await sb.sources.ecs.describe(signal);
    expect(r.services.map((s) => s.name)).toEqual(['api', 'worker', 'scheduler']);
    expect(sb.scenario).toBe('calm');
  });
});

describe('snapshots are immutable and independent', () => {
  it('freezes what it returns and never changes a snapshot a caller kept', async () => {
    const { sb, clock } = sandboxAt();
    const kept = await sb.sources.ecs.describe(signal);
    const copy = structuredClone(kept);
    expect(Object.isFrozen(kept.services[0]!.deployments[0])).toBe(true);
    await sb.setDesiredCount('demo', 'api', 1);
    clock.advance(30_000);
    const later = await sb.sources.ecs.describe(signal);
    expect(kept).toEqual(copy);
    expect(later.services[0]!.running).toBe(1);
    expect(later).not.toBe(kept);
  });
});

describe('environment and info', () => {
  it('describes the demo environment as a parsed config', () => {
    const { sb } = sandboxAt('unsafe-scale');
    expect(environmentSchema.parse(sb.environment)).toEqual(sb.environment);
    expect(sb.environment.ecs).toEqual([
      { cluster: 'demo', services: ['api', 'worker'], maxTasks: { api: 12, worker: 8 } },
      { cluster: 'demo', services: ['scheduler'], singleInstanceUnless: 'redis:locks' },
    ]);
    expect(sb.environment.redis.map((r) => r.name)).not.toContain('locks');
    expect(sb.environment.http[0]!.url).toBe('https://demo.opsdeck.invalid/health');
    expect(sb.info).toMatchObject({ name: 'demo', protected: false, readOnly: false, region: 'us-east-1', account: '000000000000', scenario: 'unsafe-scale' });
    expect(sb.info.identity).toMatch(/^arn:aws:sts::000000000000:assumed-role\//);
  });

  it('rejects an unknown scenario', () => {
    expect(() => createSandbox({ scenario: 'chaos' as Scenario, clock: new ManualClock(T0) })).toThrow(/unknown scenario/);
  });
});

describe('signals and close', () => {
  it('rejects with the reason of an aborted signal', async () => {
    const { sb } = sandboxAt();
    const ac = new AbortController();
    const reason = new Error('panel closed');
    ac.abort(reason);
    await expect(sb.sources.ecs.describe(ac.signal)).rejects.toBe(reason);
    await expect(sb.sources.logs.read(undefined, T0, ac.signal)).rejects.toBe(reason);
    await expect(sb.setDesiredCount('demo', 'api', 1, ac.signal)).rejects.toBe(reason);
  });

  it('resolves close() and refuses reads afterwards', async () => {
    const { sb } = sandboxAt();
    await expect(sb.sources.close()).resolves.toBeUndefined();
    await expect(sb.sources.queues.read(signal)).rejects.toThrow(/closed/);
  });
});

describe('catching up with the clock', () => {
  it('survives a 24 h jump with sane data (no timing asserted)', async () => {
    const { sb, clock } = sandboxAt('calm');
    clock.advance(24 * 60 * MIN);
    const r = await readAll(sb, clock.now());
    expect(r.ecs.services.map((s) => s.running)).toEqual([3, 2, 1]);
    expect(service(r, 'api').cpu.length).toBe(30);
    const automated = r.rds.snapshots.filter((s) => s.type === 'automated');
    expect(automated).toHaveLength(7);
    expect(clock.now() - automated[0]!.createdAt!).toBeLessThan(26 * 60 * MIN);
    expect(automated[0]!.id).toBe('rds:demo-db-2026-11-23-03-10');
    expect(r.logs.events.length).toBeGreaterThan(100);
    expect(r.queues.queues.every((q) => q.failed === 0 && q.drainPerMinute !== null)).toBe(true);
  });

  it('keeps a week-long jump bounded and the dynamics going', async () => {
    const { sb, clock } = sandboxAt('dlq-backlog');
    const before = (await sb.sources.queues.read(signal)).queues[0]!;
    clock.advance(7 * 24 * 60 * MIN);
    const after = (await sb.sources.queues.read(signal)).queues[0]!;
    expect(after.failed).toBeGreaterThan(before.failed + 10_000);
    clock.advance(1_000);
    await sb.setDesiredCount('demo', 'api', 0);
    clock.advance(30_000);
    expect((await sb.sources.ecs.describe(signal)).services[0]!.running).toBe(0);
  });
});
