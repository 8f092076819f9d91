/**
 * Stop one task of a service: the stuck one, the one with the leaking
 * memory, the one in the bad AZ. The service keeps its desired count, so ECS
 * starts a replacement (of the service's current revision) once the task is
 * gone. Destructive: the operator types the task's id as the panel shows it
 * (the first 8 characters), since that task's connections and in-flight work
 * go with it.
 */
import type { EcsTask } from '../../model/ecs.js';
import { shortTaskId } from '../../model/ecs.js';
import type { EcsTaskControl } from '../../sources/ports.js';
import type { ActionDefinition, Plan, VerifyResult } from '../types.js';
import { confirmationPhrase } from '../types.js';
import { age } from '../../checks/types.js';
import { currentOperator } from '../../audit/record.js';
import { oneLine } from '../../text/sanitize.js';
import { timeoutText } from '../timeout.js';
import { DEFAULT_VERIFY_TIMEOUT_MS, VERIFY_POLL_MS, where, type EcsActionContext, type ServiceArgs } from './context.js';

export interface StopTaskArgs extends ServiceArgs {
  /** the task's id, its ARN, or the start of its id as the panel shows it */
  task: string;
  /** why, in the operator's words: appended to the reason ECS keeps on the stopped task */
  reason?: string;
  /** who stops it, for the reason; default: user@host of this process */
  operator?: string;
  verifyTimeoutMs?: number;
}

export interface StopTaskParams {
  cluster: string;
  service: string;
  taskArn: string;
  reason: string;
}

/** StopTask keeps up to 255 characters of the reason. */
const REASON_MAX = 255;

const fingerprintOf = (t: Pick<EcsTask, 'id' | 'lastStatus' | 'desiredStatus'> | undefined, id: string) =>
  JSON.stringify(t ? { task: t.id, lastStatus: t.lastStatus, desiredStatus: t.desiredStatus } : { task: id, lastStatus: 'not found' });

/** "opsdeck: stopped by alice@bastion: memory leak", as ECS will show it on the stopped task. */
export function stopReason(operator: string, why: string | undefined): string {
  // ECS keeps one line: line breaks and tabs become spaces, anything else unprintable is made visible
  const extra = why === undefined ? '' : oneLine(why.replace(/\s+/g, ' '));
  return oneLine(`opsdeck: stopped by ${operator}${extra ? `: ${extra}` : ''}`, REASON_MAX);
}

function operatorLabel(): string {
  const op = currentOperator();
  return `${op.user}@${op.host}`;
}

function control(ctx: EcsActionContext): EcsTaskControl {
  if (!ctx.ecs.tasks) throw new Error(`this session cannot list or stop the ECS tasks of ${ctx.env.name}`);
  return ctx.ecs.tasks;
}

/** The task `ref` names among the service's tasks (its id, its ARN, or the start of its id), or why none. */
export function pickTask(tasks: readonly EcsTask[], ref: string, service: string): { task: EcsTask } | { id: string; refusal: string } {
  const text = ref.trim();
  const id = text.slice(text.lastIndexOf('/') + 1);
  const exact = tasks.find((t) => t.id === id);
  if (exact) return { task: exact };
  const matches = id === '' ? [] : tasks.filter((t) => t.id.startsWith(id));
  if (matches.length === 1) return { task: matches[0]! };
  const shown = oneLine(id, 40);
  if (matches.length > 1) return { id, refusal: `"${shown}" starts the ids of ${matches.length} tasks of ${service}: give more of the id` };
  const known = tasks.map((t) => shortTaskId(t.id)).join(', ');
  return { id, refusal: `no task of ${service} that ECS wants running has the id "${shown}"${known ? ` (its tasks: ${known})` : ' (it has none)'}` };
}

/** How the plan and the journal name the task: its short id, or its whole id in the rare case two tasks share the start. */
function nameOf(task: EcsTask, tasks: readonly EcsTask[]): string {
  const short = shortTaskId(task.id);
  return tasks.filter((t) => shortTaskId(t.id) === short).length > 1 ? task.id : short;
}

function taskWords(t: EcsTask, now: number): string {
  const started = t.startedAt === undefined ? 'not started' : `started ${age(now - t.startedAt)} ago`;
  return `${t.taskDefinition}, ${started}, health ${t.health}${t.availabilityZone ? `, ${t.availabilityZone}` : ''}`;
}

/** A plan that names what was asked for and refuses: the task is not one of the service's running tasks. */
function notFoundPlan(ctx: EcsActionContext, args: StopTaskArgs, id: string, refusal: string, desired: number): Plan<StopTaskParams> {
  const name = id || '?';
  return {
    action: 'stop-task',
    title: `Stop task ${name} of ${ctx.env.name}/${args.service}`,
    tier: 'destructive',
    environment: ctx.env.name,
    target: { kind: 'ecs-task', name, parent: args.cluster, display: `${ctx.env.name}/${args.service}/${name}` },
    summary: `${where(ctx, args)}: stop task ${name}; desired ${desired}`,
    changes: [],
    calls: [],
    details: [],
    phrase: confirmationPhrase('destructive', ctx.env, name),
    fingerprint: fingerprintOf(undefined, id),
    refusal,
    verifyTimeoutMs: args.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
    params: { cluster: args.cluster, service: args.service, taskArn: id, reason: '' },
    createdAt: ctx.now(),
  };
}

export const stopTaskAction: ActionDefinition<StopTaskArgs, EcsActionContext, StopTaskParams> = {
  id: 'stop-task',
  title: 'Stop a task',
  tier: 'destructive',

  async plan(ctx, args, signal): Promise<Plan<StopTaskParams>> {
    const tasksOf = control(ctx);
    const [svc, tasks] = await Promise.all([ctx.ecs.service(args.cluster, args.service, signal), tasksOf.list(args.cluster, args.service, signal)]);
    const picked = pickTask(tasks, args.task, args.service);
    if (!('task' in picked)) return notFoundPlan(ctx, args, picked.id, picked.refusal, svc.desired);
    const { task } = picked;
    const name = nameOf(task, tasks);
    const reason = stopReason(args.operator ?? operatorLabel(), args.reason);
    const others = tasks.filter((t) => t.id !== task.id && t.lastStatus === 'RUNNING').length;
    let refusal: string | undefined;
    if (task.desiredStatus !== 'RUNNING') refusal = `task ${name} is already being stopped (${task.lastStatus}); nothing to do`;
    else if (task.lastStatus !== 'RUNNING') refusal = `task ${name} is ${task.lastStatus}, not RUNNING: it has not started yet; wait for it, or scale the service`;
    const replacement = task.taskDefinition === svc.taskDefinition ? svc.taskDefinition : `${svc.taskDefinition}, the service's revision now, not the ${task.taskDefinition} this task runs`;
    return {
      action: 'stop-task',
      title: `Stop task ${name} of ${ctx.env.name}/${args.service}`,
      tier: 'destructive',
      environment: ctx.env.name,
      target: { kind: 'ecs-task', name, parent: args.cluster, display: `${ctx.env.name}/${args.service}/${name}` },
      summary: `${where(ctx, args)}: stop task ${name} (${taskWords(task, ctx.now())}); desired ${svc.desired}, running ${svc.running}`,
      changes: [
        { field: `task ${name}`, before: task.lastStatus, after: 'STOPPED' },
        { field: 'desiredCount', before: String(svc.desired), after: `${svc.desired} (unchanged)` },
      ],
      calls: [{ api: 'ecs:StopTask', params: { cluster: args.cluster, task: task.taskArn, reason } }],
      details: [
        `The service keeps wanting ${svc.desired}: ECS starts a replacement task of ${replacement} once this one is gone.`,
        others === 0
          ? `${args.service} has no other running task: it serves nothing until the replacement is RUNNING.`
          : `Until the replacement runs, ${others} other task${others === 1 ? '' : 's'} of ${args.service} serve${others === 1 ? 's' : ''}.`,
        'The load balancer drains the task first (its deregistration delay); then its containers get SIGTERM, and SIGKILL after their stop timeout.',
        `ECS keeps the reason on the stopped task: "${reason}".`,
      ],
      phrase: confirmationPhrase('destructive', ctx.env, name),
      fingerprint: fingerprintOf(task, task.id),
      ...(refusal ? { refusal } : {}),
      verifyTimeoutMs: args.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
      params: { cluster: args.cluster, service: args.service, taskArn: task.taskArn, reason },
      createdAt: ctx.now(),
    };
  },

  // the re-read: the task must still be the RUNNING task the operator read about
  async fingerprint(ctx, plan, signal) {
    const id = plan.params.taskArn.slice(plan.params.taskArn.lastIndexOf('/') + 1);
    return fingerprintOf(await control(ctx).describe(plan.params.cluster, plan.params.taskArn, signal), id);
  },

  async execute(ctx, plan, signal) {
    const res = await control(ctx).stop(plan.params.cluster, plan.params.taskArn, plan.params.reason, signal);
    return { requestIds: res.requestId ? [res.requestId] : [], detail: `StopTask ${plan.target.name} accepted` };
  },

  // done when the task is STOPPED and the service runs its desired count again (the replacement is up)
  async verify(ctx, plan, onProgress, signal): Promise<VerifyResult> {
    const { cluster, service, taskArn } = plan.params;
    const deadline = ctx.now() + plan.verifyTimeoutMs;
    for (;;) {
      const [task, svc] = await Promise.all([control(ctx).describe(cluster, taskArn, signal), ctx.ecs.service(cluster, service, signal)]);
      // ECS forgets a stopped task after about an hour: gone is stopped
      const stopped = !task || task.lastStatus === 'STOPPED';
      const back = svc.running === svc.desired && svc.pending === 0;
      const message = `task ${plan.target.name} ${task?.lastStatus ?? 'STOPPED (no longer listed)'}; running ${svc.running}/${svc.desired}, pending ${svc.pending}`;
      const fraction = !stopped ? 0.2 : back ? 1 : Math.min(0.99, 0.5 + (0.5 * svc.running) / Math.max(1, svc.desired));
      onProgress({ message, fraction });
      if (stopped && back) return { ok: true, message: `${plan.target.display}: the task is stopped and ${service} runs ${svc.running}/${svc.desired} again` };
      if (ctx.now() >= deadline) return { ok: false, message: `after ${timeoutText(plan.verifyTimeoutMs)} ${message}; it may still finish, watch the ECS panel` };
      await ctx.sleep(VERIFY_POLL_MS, signal);
    }
  },
};
