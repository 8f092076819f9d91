// stop-task on the sandbox: the plan, the phrase, the re-read, and the
// sandbox's service replacing the stopped task as ECS does.
import { describe, it, expect, afterEach } from 'vitest';
import { harness, type Harness } from './support.js';
import { runAction } from '../../src/actions/executor.js';
import { pickTask, stopTaskAction, stopReason } from '../../src/actions/ecs/stopTask.js';
import type { EcsTask } from '../../src/model/ecs.js';
import { environmentLocator, lockKeyFor } from '../../src/actions/lockResource.js';
import { shortTaskId } from '../../src/model/ecs.js';

const signal = new AbortController().signal;
let h: Harness | undefined;
afterEach(() => {
  h?.cleanup();
  h = undefined;
});

const apiTasks = async (x: Harness) => (await x.sandbox.sources.ecs.describe(signal)).services.find((s) => s.name === 'api')!;

describe('stop-task', () => {
  it('plans the task, its revision and the replacement, is typed with the short id, stops it and waits for the replacement', async () => {
    h = await harness();
    const task = (await apiTasks(h)).tasks![2]!;
    const short = shortTaskId(task.id);
    const plan = await stopTaskAction.plan(h.ctx, { cluster: 'demo', service: 'api', task: short.slice(0, 5), operator: 'alice@bastion', reason: 'leaks memory' }, signal);
    expect(plan.refusal).toBeUndefined();
    expect(plan.tier).toBe('destructive');
    expect(plan.phrase).toBe(short);
    expect(plan.target).toEqual({ kind: 'ecs-task', name: short, parent: 'demo', display: `demo/api/${short}` });
    expect(plan.summary).toContain(`stop task ${short} (${task.taskDefinition}, started`);
    expect(plan.summary).toContain(`health HEALTHY, ${task.availabilityZone}`);
    expect(plan.changes).toEqual([
      { field: `task ${short}`, before: 'RUNNING', after: 'STOPPED' },
      { field: 'desiredCount', before: '3', after: '3 (unchanged)' },
    ]);
    expect(plan.calls).toEqual([{ api: 'ecs:StopTask', params: { cluster: 'demo', task: task.taskArn, reason: 'opsdeck: stopped by alice@bastion: leaks memory' } }]);
    expect(plan.details.join('\n')).toContain('ECS starts a replacement task of demo-api:44');
    expect(plan.details.join('\n')).toContain('2 other tasks of api serve');

    const wrong = await runAction(h.deps, { action: stopTaskAction, ctx: h.ctx, plan, typed: task.id });
    expect(wrong.outcome).toBe('refused');
    expect((await apiTasks(h)).tasks!.map((t) => t.id)).toContain(task.id);

    const progress: string[] = [];
    const result = await runAction(h.deps, { action: stopTaskAction, ctx: h.ctx, plan, typed: short, onProgress: (p) => progress.push(p.message) });
    expect(result.outcome, result.message).toBe('done');
    expect(result.verify).toMatchObject({ ok: true });
    expect(progress[0]).toMatch(new RegExp(`^task ${short} DEACTIVATING`));
    expect(progress.at(-1)).toBe(`task ${short} STOPPED; running 3/3, pending 0`);
    const after = await apiTasks(h);
    expect(after.tasks!.map((t) => t.id)).not.toContain(task.id);
    expect(after.stoppedTasks[0]!.stoppedReason).toBe('opsdeck: stopped by alice@bastion: leaks memory');
    expect(h.journal.read().map((r) => [r.phase, r.outcome, r.target])).toEqual([
      ['refusal', 'refused', `demo/api/${short}`],
      ['intent', null, `demo/api/${short}`],
      ['outcome', 'ok', `demo/api/${short}`],
      ['verify', 'ok', `demo/api/${short}`],
    ]);
  });

  it('in a protected environment the phrase is env/task', async () => {
    h = await harness({ env: { name: 'prod', protected: true } });
    const task = (await apiTasks(h)).tasks![0]!;
    const plan = await stopTaskAction.plan(h.ctx, { cluster: 'demo', service: 'api', task: task.id }, signal);
    expect(plan.phrase).toBe(`prod/${shortTaskId(task.id)}`);
  });

  it('takes the lock on the task, not on its service', async () => {
    h = await harness();
    const task = (await apiTasks(h)).tasks![0]!;
    const plan = await stopTaskAction.plan(h.ctx, { cluster: 'demo', service: 'api', task: task.taskArn }, signal);
    const key = await lockKeyFor(plan.target, environmentLocator(() => h!.ctx.env), signal);
    expect(key).toBe(`opsdeck:lock:ecs/000000000000/us-east-1/demo/task/${shortTaskId(task.id)}`);
  });

  it('refuses a task the service does not run, naming the ones it does', async () => {
    h = await harness();
    const tasks = (await apiTasks(h)).tasks!;
    const plan = await stopTaskAction.plan(h.ctx, { cluster: 'demo', service: 'api', task: 'ffffffffffff' }, signal);
    expect(plan.refusal).toBe(`no task of api that ECS wants running has the id "ffffffffffff" (its tasks: ${tasks.map((t) => shortTaskId(t.id)).join(', ')})`);
    expect(plan.calls).toEqual([]);
    const r = await runAction(h.deps, { action: stopTaskAction, ctx: h.ctx, plan, typed: plan.phrase });
    expect(r.outcome).toBe('refused');
    // a worker task is not api's
    const worker = (await h.sandbox.sources.ecs.describe(signal)).services.find((s) => s.name === 'worker')!.tasks![0]!;
    expect((await stopTaskAction.plan(h.ctx, { cluster: 'demo', service: 'api', task: worker.id }, signal)).refusal).toMatch(/^no task of api/);
    expect((await stopTaskAction.plan(h.ctx, { cluster: 'demo', service: 'api', task: '' }, signal)).refusal).toMatch(/^no task of api/);
  });

  it('picks by id, ARN or a unique start of the id, and refuses a start two ids share', () => {
    const t = (id: string): EcsTask => ({ taskArn: `arn:aws:ecs:us-east-1:1:task/c/${id}`, id, taskDefinition: 'api:1', revision: 1, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', health: 'HEALTHY', createdAt: 0 });
    const tasks = [t('abc11111'), t('abc22222'), t('def33333')];
    expect(pickTask(tasks, 'abc2', 'api')).toEqual({ task: tasks[1] });
    expect(pickTask(tasks, 'arn:aws:ecs:us-east-1:1:task/c/def33333', 'api')).toEqual({ task: tasks[2] });
    expect(pickTask(tasks, ' def3 ', 'api')).toEqual({ task: tasks[2] });
    expect(pickTask(tasks, 'abc', 'api')).toEqual({ id: 'abc', refusal: '"abc" starts the ids of 2 tasks of api: give more of the id' });
  });

  it('refuses a task that has not started yet', async () => {
    h = await harness();
    await h.sandbox.setDesiredCount('demo', 'api', 4, signal);
    h.clock.advance(2_000);
    const pending = (await apiTasks(h)).tasks!.find((t) => t.lastStatus === 'PENDING')!;
    const plan = await stopTaskAction.plan(h.ctx, { cluster: 'demo', service: 'api', task: pending.id }, signal);
    expect(plan.refusal).toBe(`task ${shortTaskId(pending.id)} is PENDING, not RUNNING: it has not started yet; wait for it, or scale the service`);
  });

  it('aborts when the task stopped between the plan and the confirmation (the re-read), calling nothing', async () => {
    h = await harness();
    const task = (await apiTasks(h)).tasks![0]!;
    const plan = await stopTaskAction.plan(h.ctx, { cluster: 'demo', service: 'api', task: task.id }, signal);
    await h.sandbox.stopTask('demo', task.id, 'someone else', signal);
    const r = await runAction(h.deps, { action: stopTaskAction, ctx: h.ctx, plan, typed: plan.phrase });
    expect(r.outcome).toBe('aborted');
    expect(r.message).toContain('changed since the plan was shown');
    expect(h.journal.read().some((x) => x.phase === 'intent')).toBe(false);
  });

  it('keeps the reason within what StopTask keeps, on one line', () => {
    expect(stopReason('bob@h', 'a\nb')).toBe('opsdeck: stopped by bob@h: a b');
    expect(stopReason('bob@h', 'x'.repeat(400))).toHaveLength(255);
    expect(stopReason('bob@h', undefined)).toBe('opsdeck: stopped by bob@h');
  });
});
