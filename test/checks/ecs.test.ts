import { describe, it, expect } from 'vitest';
import { NOW, MIN, HOUR, service, stopped, one, findings, healthy } from './support.js';
import { evaluate } from '../../src/checks/evaluate.js';
import { redisOutageMessage } from '../../src/model/queues.js';
import { checkById } from '../../src/checks/rules.js';
import type { EcsService } from '../../src/model/ecs.js';

/** a service two tasks short... of which ECS last changed the PRIMARY deployment `seconds` ago */
const changed = (seconds: number, over: Partial<EcsService> = {}): EcsService => {
  const base = service({ running: 2, ...over });
  return { ...base, deployments: base.deployments.map((d, i) => (i === 0 ? { ...d, updatedAt: NOW - seconds * 1000 } : d)) };
};
const below = (seconds: number, over: Partial<EcsService> = {}) => one('ecs.running-below-desired', { ecs: { services: [changed(seconds, over)] } });
const steady = (at: number) => ({ id: `e${at}`, at, message: '(service api) has reached a steady state.' });

describe('ecs.running-below-desired', () => {
  it('is ok at the desired count, with the figure the moto test reads', () => {
    expect(one('ecs.running-below-desired', {})).toMatchObject({ severity: 'ok', subject: 'prod/api', figure: '3/3 running' });
  });

  it('warns at once while short for less than two minutes (a rollout) and is critical from 120 s', () => {
    expect(below(0).severity).toBe('warn');
    expect(below(119).severity).toBe('warn');
    expect(below(119, { rollout: 'IN_PROGRESS' }).message).toBe('1 of 3 tasks not running for 119 s (a rollout is under way)');
    const crit = below(120);
    expect(crit).toMatchObject({ severity: 'crit', message: '1 of 3 tasks not running for 2 min', figure: '2/3 running' });
    // nothing to roll back to: fresh tasks
    expect(crit.suggested).toEqual({ action: 'redeploy', cluster: 'main', service: 'api', target: 'api', label: 'redeploy api (start fresh tasks)' });
  });

  it('warns, never ok, when ECS stamped the change after the check took its "now" (the read came later)', () => {
    expect(below(-3)).toMatchObject({ severity: 'warn', message: '1 of 3 tasks not running for 0 s' });
  });

  it('dates the shortfall from the earliest task stop after the last steady state, not from a change before it', () => {
    const svc = changed(3600, { events: [steady(NOW - 20 * MIN)], stoppedTasks: [stopped({ stoppedAt: NOW - 30 * MIN, exitCode: 0 }), stopped({ stoppedAt: NOW - 90_000, exitCode: 0 })] });
    expect(one('ecs.running-below-desired', { ecs: { services: [svc] } })).toMatchObject({ severity: 'warn', message: '1 of 3 tasks not running for 90 s' });
    // no stop and no change since the steady state: at most that long
    const quiet = changed(3600, { events: [steady(NOW - 20 * MIN)] });
    expect(one('ecs.running-below-desired', { ecs: { services: [quiet] } })).toMatchObject({ severity: 'crit', message: '1 of 3 tasks not running for 20 min' });
  });

  it('is critical at once when nothing runs', () => {
    const f = one('ecs.running-below-desired', { ecs: { services: [changed(5, { desired: 1, running: 0 })] } });
    expect(f).toMatchObject({ severity: 'crit', message: '1 of 1 tasks not running for 5 s: nothing runs' });
  });

  it('a failed rollout is critical at once and suggests the rollback', () => {
    const f = below(5, { rollout: 'FAILED' });
    expect(f).toMatchObject({ severity: 'crit', suggested: { action: 'rollback', target: 'api' } });
    expect(f.message).toMatch(/the rollout failed$/);
  });

  it('is critical at once while tasks of the current revision keep stopping', () => {
    const f = below(5, { stoppedTasks: [1, 2, 3].map((m) => stopped({ stoppedAt: NOW - m * MIN })) });
    expect(f).toMatchObject({ severity: 'crit' });
    expect(f.message).toMatch(/tasks keep stopping$/);
  });

  it('with an older deployment still around, the suggestion is to roll back', () => {
    const svc = service().deployments[0]!;
    const f = below(300, { deployments: [{ ...svc, id: 'new' }, { ...svc, id: 'old', status: 'ACTIVE' }] });
    expect(f.suggested?.action).toBe('rollback');
  });

  it('says so when it cannot tell for how long, and warns', () => {
    expect(one('ecs.running-below-desired', { ecs: { services: [service({ running: 1, deployments: [] })] } })).toMatchObject({
      severity: 'warn',
      message: '2 of 3 tasks not running (for how long is unknown)',
    });
  });

  it('honours belowDesiredSeconds per environment and per service', () => {
    const data = { ecs: { services: [changed(200)] } };
    expect(one('ecs.running-below-desired', data, { thresholds: { belowDesiredSeconds: { warn: 0, crit: 300 } } }).severity).toBe('warn');
    expect(one('ecs.running-below-desired', data, { thresholds: { subjects: { api: { belowDesiredSeconds: { warn: 0, crit: 600 } } } } }).severity).toBe('warn');
    expect(one('ecs.running-below-desired', data, { thresholds: { subjects: { worker: { belowDesiredSeconds: { warn: 0, crit: 600 } } } } }).severity).toBe('crit');
  });
});

describe('ecs.cpu and ecs.memory', () => {
  const cpu = (samples: number[], over = {}, opts = {}) => one('ecs.cpu', { ecs: { services: [service({ cpu: samples, ...over })] } }, opts);
  const memory = (samples: number[]) => one('ecs.memory', { ecs: { services: [service({ memory: samples })] } });

  it('grades the mean of the last three samples at 70 / 90 %', () => {
    expect(cpu([10, 69.9, 69.9, 69.9])).toMatchObject({ severity: 'ok', figure: 'CPU 69.9%, mean of the last 3 samples' });
    expect(cpu([10, 70, 70, 70]).severity).toBe('warn');
    expect(cpu([10, 89, 90, 91]).severity).toBe('crit');
    // one spike among three does not page anyone
    expect(cpu([20, 20, 95]).severity).toBe('ok');
    expect(cpu([95])).toMatchObject({ severity: 'crit', figure: 'CPU 95%' });
  });

  it('suggests scaling out, unless the topology rule keeps the service single', () => {
    expect(cpu([80, 80, 80]).suggested).toEqual({ action: 'scale', cluster: 'main', service: 'api', desired: 4, target: 'api', label: 'scale api out from 3 to 4 tasks' });
    const single = cpu([80, 80, 80], { desired: 1, running: 1, singleInstanceUnless: 'redis:locks' });
    expect(single.suggested).toBeUndefined();
    expect(single.message).toMatch(/redis:locks keeps it at one task/);
  });

  it('grades memory at 80 / 95 % and suggests fresh tasks', () => {
    expect(memory([79.9, 79.9, 79.9]).severity).toBe('ok');
    expect(memory([80, 80, 80])).toMatchObject({ severity: 'warn', suggested: { action: 'redeploy', target: 'api' } });
    expect(memory([95, 95, 95]).severity).toBe('crit');
  });

  it('per-service thresholds beat the environment\'s', () => {
    const opts = { thresholds: { cpu: { warn: 50, crit: 60 }, subjects: { api: { cpu: { warn: 85, crit: 95 } } } } };
    expect(cpu([80, 80, 80], {}, opts).severity).toBe('ok');
    expect(one('ecs.cpu', { ecs: { services: [service({ name: 'worker', cpu: [55, 55, 55] })] } }, opts).severity).toBe('warn');
    // cluster/service names a service in one cluster only
    expect(cpu([80, 80, 80], {}, { thresholds: { subjects: { 'main/api': { cpu: { warn: 90, crit: 99 } }, api: { cpu: { warn: 10, crit: 20 } } } } }).severity).toBe('ok');
  });

  it('no samples: nothing to say for an idle service, unknown when the metrics could not be read', () => {
    expect(findings('ecs.cpu', { ecs: { services: [service({ cpu: [] })] } })).toEqual([]);
    const f = one('ecs.cpu', { ecs: { services: [service({ cpu: [] })], warnings: ['CPU and memory unavailable: AccessDenied: cloudwatch:GetMetricData'] } });
    expect(f).toMatchObject({ severity: 'unknown', message: 'CPU unknown: CPU and memory unavailable: AccessDenied: cloudwatch:GetMetricData' });
  });
});

describe('ecs.topology', () => {
  const scheduler = service({ name: 'scheduler', desired: 3, running: 3, singleInstanceUnless: 'redis:jobs' });

  it('is ok while the condition holds, critical with a scale-to-1 suggestion when it does not', () => {
    expect(one('ecs.topology', { ecs: { services: [scheduler] } }).severity).toBe('ok');
    const down = { redis: [{ name: 'jobs', ok: false, pingMs: null, usedMemoryBytes: null, maxMemoryBytes: null, clients: null, evictedKeys: null, error: 'ECONNREFUSED' }], queues: [] };
    expect(one('ecs.topology', { ecs: { services: [scheduler] }, queues: down })).toMatchObject({ severity: 'crit', suggested: { action: 'scale', service: 'scheduler', desired: 1, target: 'scheduler', label: 'scale scheduler to 1' } });
  });

  it('is unknown, not critical, when the panel behind the condition could not be read', () => {
    const f = one('ecs.topology', { ecs: { services: [scheduler] } }, {}, { queues: 'queues: no answer within 10 s' });
    expect(f).toMatchObject({ severity: 'unknown', message: '3 tasks; cannot tell whether redis:jobs holds: could not read queues: queues: no answer within 10 s' });
  });

  it('is critical when the queue read failed because that very Redis is unreachable', () => {
    const down = one('ecs.topology', { ecs: { services: [scheduler] } }, {}, { queues: redisOutageMessage(['jobs'], 'connection refused by 127.0.0.1:6379') });
    expect(down).toMatchObject({ severity: 'crit', message: '3 tasks but only one is safe: Redis "jobs" is unreachable', suggested: { action: 'scale', target: 'scheduler' } });
    // another Redis down says nothing about this one
    const other = one('ecs.topology', { ecs: { services: [scheduler] } }, {}, { queues: redisOutageMessage(['cache'], 'connection refused by 127.0.0.1:6380') });
    expect(other.severity).toBe('unknown');
  });
});

describe('ecs.failed-tasks', () => {
  const since = NOW - 12 * HOUR;
  const run = (tasks: ReturnType<typeof stopped>[], over = {}) => one('ecs.failed-tasks', { ecs: { services: [service({ name: 'scheduler', stoppedTasks: tasks, ...over })] } }, { since });

  it('counts tasks that exited non-zero since the window start', () => {
    expect(run([])).toMatchObject({ severity: 'ok', figure: '0 failed in the last 12.0 h', message: 'no task exited with an error' });
    const f = run([stopped({ stoppedAt: NOW - 20 * MIN, exitCode: 2, containers: [{ container: 'report', exitCode: 2, reason: 'OutOfMemoryError' }] }), stopped({ stoppedAt: NOW - 40 * MIN })]);
    expect(f).toMatchObject({ severity: 'warn', figure: '2 failed in the last 12.0 h', message: '2 tasks exited with an error, newest 20 min ago: report exit 2 (OutOfMemoryError)' });
  });

  it('ignores stops before the window, clean exits, and SIGTERM/SIGKILL of a stop ECS asked for', () => {
    const f = run([
      stopped({ stoppedAt: since - 1 }),
      stopped({ exitCode: 0 }),
      stopped({ stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity', exitCode: 143 }),
      stopped({ stopCode: 'UserInitiated', exitCode: 137 }),
    ]);
    expect(f.severity).toBe('ok');
    // but a task ECS could not even start failed, exit code or not
    expect(run([stopped({ stopCode: 'TaskFailedToStart', stoppedReason: 'ResourceInitializationError: unable to pull secrets', containers: [{ container: 'app' }] })]).message).toMatch(/^a task exited with an error, newest 5 min ago: ResourceInitializationError/);
  });

  it('says once, in the notes, that ECS does not list older stops', () => {
    const data = { ...healthy(), ecs: { services: [service(), service({ name: 'worker' })] } };
    const check = [checkById('ecs.failed-tasks')!];
    expect(evaluate(data, {}, { env: 'prod', now: NOW, since, checks: check }).notes).toEqual(['ECS lists stopped tasks for about an hour: tasks that failed before 2026-11-22 08:00 UTC are not counted']);
    expect(evaluate(data, {}, { env: 'prod', now: NOW, since: NOW - 50 * MIN, checks: check }).notes).toEqual([]);
  });

  it('leaves a crash loop to its own check', () => {
    const loop = [1, 2, 3].map((i) => stopped({ stoppedAt: NOW - i * MIN }));
    expect(run([...loop, stopped({ stoppedAt: NOW - 30 * MIN })]).severity).toBe('ok');
    // the loop's old revision is history: its failures count
    expect(run([...loop], { taskDefinition: 'app-api:8' }).severity).toBe('warn');
  });
});
