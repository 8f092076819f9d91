/**
 * A service's running tasks on the real ECS API: ListTasks (desiredStatus
 * RUNNING, paged) and DescribeTasks (100 a call) for the panel and the
 * stop-task action's fresh reads, and StopTask. ListTasks' serviceName
 * filter is passed, but what decides a task's service is its group
 * ("service:<name>"), which DescribeTasks returns: an emulator may ignore the
 * filter, and a standalone task (RunTask) is nobody's.
 */
import type { Task } from '@aws-sdk/client-ecs';
import { oldestTaskFirst, type EcsTask, type TaskHealth } from '../../model/ecs.js';
import type { EcsTaskControl } from '../ports.js';
import { send, type AwsContext } from './clients.js';
import { allPages } from './paging.js';
import { chunk, lastSegment, parseTaskDefinition } from './util.js';

/** API maxima: ListTasks page size, DescribeTasks batch size */
export const LIST_TASKS_PAGE = 100;
export const DESCRIBE_TASKS_BATCH = 100;

/** runs one ECS call; the panel's source passes its limiter, so its calls share one budget */
export type CallSlot = <T>(fn: () => Promise<T>) => Promise<T>;
const direct: CallSlot = (fn) => fn();

const HEALTH: Record<string, TaskHealth> = { HEALTHY: 'HEALTHY', UNHEALTHY: 'UNHEALTHY' };

/** "service:api" → "api"; a task started by RunTask has another group or none */
export function serviceOfGroup(group: string | undefined): string | undefined {
  return group?.startsWith('service:') ? group.slice('service:'.length) : undefined;
}

const ms = (d: Date | undefined): number | undefined => (d instanceof Date ? d.getTime() : undefined);

export function mapTask(t: Task): EcsTask {
  const taskDefinition = t.taskDefinitionArn ? lastSegment(t.taskDefinitionArn) : '';
  const out: EcsTask = {
    taskArn: t.taskArn ?? '',
    id: lastSegment(t.taskArn ?? ''),
    taskDefinition,
    revision: parseTaskDefinition(taskDefinition).revision,
    lastStatus: t.lastStatus ?? 'UNKNOWN',
    desiredStatus: t.desiredStatus ?? 'UNKNOWN',
    health: HEALTH[t.healthStatus ?? ''] ?? 'UNKNOWN',
    createdAt: ms(t.createdAt) ?? 0,
  };
  const startedAt = ms(t.startedAt);
  if (startedAt !== undefined) out.startedAt = startedAt;
  if (t.availabilityZone) out.availabilityZone = t.availabilityZone;
  const service = serviceOfGroup(t.group);
  if (service) out.service = service;
  return out;
}

/** The ARNs of the tasks whose desired status is RUNNING, of the whole cluster or of one service. */
export function listRunningArns(ctx: AwsContext, cluster: string, service: string | undefined, signal: AbortSignal, slot: CallSlot = direct): Promise<string[]> {
  return allPages(async (nextToken) => {
    const out = await slot(() =>
      send(
        ctx,
        'ecs',
        (ecs) =>
          new ecs.ListTasksCommand({ cluster, desiredStatus: 'RUNNING', maxResults: LIST_TASKS_PAGE, ...(service ? { serviceName: service } : {}), ...(nextToken ? { nextToken } : {}) }),
        signal,
      ),
    );
    return { items: out.taskArns, nextToken: out.nextToken };
  }, signal);
}

export async function describeTasks(ctx: AwsContext, cluster: string, arns: readonly string[], signal: AbortSignal, slot: CallSlot = direct): Promise<EcsTask[]> {
  const batches = await Promise.all(
    chunk(arns, DESCRIBE_TASKS_BATCH).map((tasks) => slot(() => send(ctx, 'ecs', (ecs) => new ecs.DescribeTasksCommand({ cluster, tasks }), signal))),
  );
  return batches.flatMap((out) => (out.tasks ?? []).map(mapTask));
}

/** Every running task of the cluster, by service name, oldest first; standalone tasks are left out. */
export async function runningTasksByService(ctx: AwsContext, cluster: string, signal: AbortSignal, slot: CallSlot = direct): Promise<Map<string, EcsTask[]>> {
  const arns = await listRunningArns(ctx, cluster, undefined, signal, slot);
  const byService = new Map<string, EcsTask[]>();
  for (const task of await describeTasks(ctx, cluster, arns, signal, slot)) {
    if (!task.service) continue;
    byService.set(task.service, [...(byService.get(task.service) ?? []), task]);
  }
  for (const tasks of byService.values()) tasks.sort(oldestTaskFirst);
  return byService;
}

export function awsTaskControl(ctx: AwsContext): EcsTaskControl {
  return {
    async list(cluster, service, signal) {
      const arns = await listRunningArns(ctx, cluster, service, signal);
      return (await describeTasks(ctx, cluster, arns, signal)).filter((t) => t.service === service && t.desiredStatus === 'RUNNING').sort(oldestTaskFirst);
    },

    async describe(cluster, task, signal) {
      const id = lastSegment(task);
      const out = await send(ctx, 'ecs', (ecs) => new ecs.DescribeTasksCommand({ cluster, tasks: [task] }), signal);
      // only the task asked for: an emulator may match more loosely than ECS
      const found = (out.tasks ?? []).find((t) => lastSegment(t.taskArn ?? '') === id);
      return found ? mapTask(found) : undefined;
    },

    async stop(cluster, task, reason, signal) {
      const out = await send(ctx, 'ecs', (ecs) => new ecs.StopTaskCommand({ cluster, task, reason }), signal);
      const requestId = out.$metadata.requestId;
      return requestId ? { requestId } : {};
    },
  };
}
