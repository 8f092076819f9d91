import { describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/engine/clock.js';
import type { EcsService } from '../../src/model/ecs.js';
import type { Sandbox } from '../../src/sources/sandbox/index.js';
import { imageTag } from '../../src/sources/sandbox/taskdefs.js';
import { shortfallSince } from '../../src/checks/shortfall.js';
import { sandboxAt, signal } from './helpers.js';

async function api(sb: Sandbox, name = 'api'): Promise<EcsService> {
  return (await sb.sources.ecs.describe(signal)).services.find((s) => s.name === name)!;
}

/** Steps the clock a second at a time until `done` holds; returns the states seen and the seconds taken. */
async function until(sb: Sandbox, clock: ManualClock, done: (s: EcsService) => boolean, limitSec: number, name = 'api') {
  const seen: EcsService[] = [];
  for (let sec = 1; sec <= limitSec; sec++) {
    clock.advance(1_000);
    const s = await api(sb, name);
    seen.push(s);
    if (done(s)) return { seen, sec };
  }
  throw new Error(`not reached within ${limitSec} s: ${JSON.stringify(seen.at(-1)?.deployments)}`);
}

const version = async (sb: Sandbox) => (await sb.sources.health.probe(signal)).probes[0]!;

describe('scaling', () => {
  it('scales api to 0: tasks drain, then stop; the load balancer answers 503', async () => {
    const { sb, clock } = sandboxAt();
    await sb.setDesiredCount('demo', 'api', 0);
    const { seen, sec } = await until(sb, clock, (s) => s.running === 0, 30);
    expect(sec).toBeGreaterThan(3);
    expect(seen[0]!.running).toBe(3);
    const last = seen.at(-1)!;
    expect(last.desired).toBe(0);
    expect(last.events.some((e) => /has stopped 3 running tasks/.test(e.message))).toBe(true);
    expect(last.stoppedTasks.slice(0, 3).every((t) => t.stopCode === 'ServiceSchedulerInitiated')).toBe(true);
    expect(await version(sb)).toMatchObject({ ok: false, status: 503 });
  });

  it('scales back up through PENDING to RUNNING and reaches a steady state', async () => {
    const { sb, clock } = sandboxAt();
    await sb.setDesiredCount('demo', 'api', 0);
    await until(sb, clock, (s) => s.running === 0, 30);
    const scaledAt = clock.now();
    await sb.setDesiredCount('demo', 'api', 4);
    const { seen } = await until(sb, clock, (s) => s.running === 4 && s.pending === 0, 60);
    expect(seen.some((s) => s.pending > 0 && s.running < 4)).toBe(true);
    const last = seen.at(-1)!;
    expect(last.events.some((e) => /has started 4 tasks: (\(task [0-9a-f]{32}\) ?){4}\./.test(e.message))).toBe(true);
    expect(last.events[0]!.message).toBe('(service api) has reached a steady state.');
    // dated from what ECS reports: the scale-up stamped the PRIMARY deployment after the steady state at 0
    const since = shortfallSince(seen.find((s) => s.running < s.desired)!);
    expect(since).toBeGreaterThanOrEqual(scaledAt);
    expect(since).toBeLessThanOrEqual(scaledAt + 1_000);
    expect((await version(sb)).fields.version).toBe('2.14.2');
  });

  it('backs the queues up when the workers are scaled to 0', async () => {
    const { sb, clock } = sandboxAt();
    await sb.setDesiredCount('demo', 'worker', 0);
    clock.advance(3 * 60_000);
    const emails = (await sb.sources.queues.read(signal)).queues[0]!;
    expect(emails.active).toBe(0);
    expect(emails.waiting).toBeGreaterThan(100);
    expect(emails.oldestWaitingAgeMs!).toBeGreaterThan(2 * 60_000);
  });

  it('moves DB connections with the number of API tasks', async () => {
    const { sb, clock } = sandboxAt();
    const before = (await sb.sources.postgres.read(signal)).databases[0]!.connections.total;
    await sb.setDesiredCount('demo', 'api', 8);
    clock.advance(60_000);
    const after = (await sb.sources.postgres.read(signal)).databases[0]!.connections.total;
    expect(after - before).toBe(5 * 7);
  });

  it('refuses bad input the way ECS does', async () => {
    const { sb } = sandboxAt();
    await expect(sb.setDesiredCount('demo', 'api', -1)).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(sb.setDesiredCount('demo', 'api', 1.5)).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(sb.setDesiredCount('demo', 'nope', 1)).rejects.toMatchObject({ name: 'ServiceNotFoundException' });
    await expect(sb.setDesiredCount('prod', 'api', 1)).rejects.toMatchObject({ name: 'ClusterNotFoundException' });
    await expect(sb.updateService('demo', 'api', { taskDefinition: 'demo-api:99' })).rejects.toMatchObject({ name: 'ClientException' });
  });
});

describe('deployments', () => {
  it('rolls api back to revision 43: IN_PROGRESS, then COMPLETED, and the probe follows', async () => {
    const { sb, clock } = sandboxAt();
    const res = await sb.updateService('demo', 'api', { taskDefinition: 'demo-api:43' });
    expect(res.deploymentId).toMatch(/^ecs-svc\/\d{19}$/);
    expect(res.taskDefinition).toBe('demo-api:43');
    const started = await api(sb);
    expect(started.rollout).toBe('IN_PROGRESS');
    expect(started.deployments.map((d) => d.status)).toEqual(['PRIMARY', 'ACTIVE']);
    const { seen } = await until(sb, clock, (s) => s.rollout === 'COMPLETED', 120);
    expect(seen.some((s) => s.deployments.length === 2 && s.deployments[0]!.running > 0)).toBe(true);
    const done = seen.at(-1)!;
    expect([done.taskDefinition, done.revision, done.running, done.desired]).toEqual(['demo-api:43', 43, 3, 3]);
    expect(done.events.some((e) => e.message.includes(`(deployment ${res.deploymentId}) deployment completed.`))).toBe(true);
    clock.advance(10_000);
    const after = await api(sb);
    expect(after.deployments).toHaveLength(1);
    expect((await version(sb)).fields.version).toBe('2.13.1');
    expect(imageTag(sb.taskDefinition('demo-api:43')!.containers[0]!.image)).toBe('2.13.1');
  });

  it('registers a revision and deploys it; the probe reports the new tag', async () => {
    const { sb, clock } = sandboxAt();
    const td = await sb.registerRevision('demo-api', { image: '2.16.0', environment: { LOG_LEVEL: 'debug' } });
    expect([td.family, td.revision]).toEqual(['demo-api', 45]);
    expect(td.containers[0]!.environment.LOG_LEVEL).toBe('debug');
    expect(td.containers[0]!.secrets).toContain('PAYMENTS_WEBHOOK_SECRET');
    expect(sb.taskDefinitions('demo-api').map((t) => t.revision)).toEqual([41, 42, 43, 44, 45]);
    await sb.updateService('demo', 'api', { taskDefinition: 'demo-api' });
    await until(sb, clock, (s) => s.rollout === 'COMPLETED' && s.deployments.length === 1, 120);
    expect((await version(sb)).fields.version).toBe('2.16.0');
  });

  it('forces a new deployment of the same revision, replacing every task', async () => {
    const { sb, clock } = sandboxAt();
    expect((await sb.updateService('demo', 'worker', {})).deploymentId).toBeNull();
    const before = (await sb.sources.ecs.describe(signal)).services[1]!;
    const { deploymentId } = await sb.updateService('demo', 'worker', { forceNewDeployment: true });
    expect(deploymentId).not.toBeNull();
    const { seen } = await until(sb, clock, (s) => s.rollout === 'COMPLETED' && s.deployments.length === 1, 120, 'worker');
    // minimumHealthyPercent 100: never fewer than 2 running on the way
    expect(seen.every((s) => s.running >= 2)).toBe(true);
    const after = seen.at(-1)!;
    expect(after.taskDefinition).toBe(before.taskDefinition);
    expect(after.deployments[0]!.id).toBe(deploymentId);
    expect(after.stoppedTasks.filter((t) => t.stopCode === 'ServiceSchedulerInitiated')).toHaveLength(2);
  });

  it('bad-deploy: FAILED after a while, and a rollback to 44 recovers', async () => {
    const { sb, clock } = sandboxAt('bad-deploy');
    expect((await api(sb)).rollout).toBe('IN_PROGRESS');
    const { seen } = await until(sb, clock, (s) => s.rollout === 'FAILED', 5 * 60);
    expect(seen.at(-1)!.deployments[0]!.failedTasks).toBeGreaterThanOrEqual(10);
    expect(seen.every((s) => s.running === 2)).toBe(true);
    const diff = [sb.taskDefinition('demo-api:44')!, sb.taskDefinition('demo-api:45')!].map((t) => t.containers[0]!.secrets);
    expect(diff[0]).toContain('PAYMENTS_WEBHOOK_SECRET');
    expect(diff[1]).toContain('PAYMENT_WEBHOOK_SECRET');
    await sb.updateService('demo', 'api', { taskDefinition: 'demo-api:44' });
    const rolled = await until(sb, clock, (s) => s.rollout === 'COMPLETED' && s.deployments.length === 1, 120);
    expect(rolled.seen.at(-1)!).toMatchObject({ taskDefinition: 'demo-api:44', running: 3, desired: 3 });
    expect((await version(sb)).fields.version).toBe('2.14.2');
  });

  it('unsafe-scale: scaling the scheduler back to 1 stops two tasks', async () => {
    const { sb, clock } = sandboxAt('unsafe-scale');
    await sb.setDesiredCount('demo', 'scheduler', 1);
    const { seen } = await until(sb, clock, (s) => s.running === 1, 30, 'scheduler');
    expect(seen.at(-1)!.events.some((e) => /has stopped 2 running tasks/.test(e.message))).toBe(true);
  });
});

describe('queues', () => {
  it('requeues the dead-letter set into waiting', async () => {
    const { sb, clock } = sandboxAt('dlq-backlog');
    const before = (await sb.sources.queues.read(signal)).queues[0]!;
    const n = await sb.requeueFailed('jobs', 'emails');
    expect(n).toBe(before.failed);
    const after = (await sb.sources.queues.read(signal)).queues[0]!;
    expect(after.failed).toBe(0);
    expect(after.waiting).toBe(before.waiting + n);
    clock.advance(60_000);
    // the SMTP provider is still failing: some fail again
    expect((await sb.sources.queues.read(signal)).queues[0]!.failed).toBeGreaterThan(0);
    await expect(sb.requeueFailed('jobs', 'nope')).rejects.toThrow(/no queue/);
  });
});
