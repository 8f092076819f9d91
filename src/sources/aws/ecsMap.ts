/** ECS API shapes → the model. Pure functions: the source does the calls. */
import type { Deployment, Service, Task } from '@aws-sdk/client-ecs';
import type { EcsDeployment, EcsEvent, EcsService, EcsStoppedTask, RolloutState } from '../../model/ecs.js';
import { lastSegment, parseTaskDefinition } from './util.js';

/** The service's events, newest first as ECS returns them, capped. */
const EVENTS_KEPT = 20;

const ROLLOUT: Record<string, RolloutState> = { COMPLETED: 'COMPLETED', IN_PROGRESS: 'IN_PROGRESS', FAILED: 'FAILED' };
const DEPLOYMENT_STATUS: Record<string, EcsDeployment['status']> = { PRIMARY: 'PRIMARY', ACTIVE: 'ACTIVE', INACTIVE: 'INACTIVE' };

const ms = (d: Date | undefined): number => (d instanceof Date ? d.getTime() : 0);

/** "arn:…:task-definition/api:42" → "api:42" */
function shortTaskDefinition(ref: string | undefined): string {
  return ref ? lastSegment(ref) : '';
}

function mapDeployment(d: Deployment): EcsDeployment {
  const out: EcsDeployment = {
    id: d.id ?? '',
    status: DEPLOYMENT_STATUS[d.status ?? ''] ?? 'INACTIVE',
    taskDefinition: shortTaskDefinition(d.taskDefinition),
    desired: d.desiredCount ?? 0,
    running: d.runningCount ?? 0,
    pending: d.pendingCount ?? 0,
    failedTasks: d.failedTasks ?? 0,
    // no rolloutState: CODE_DEPLOY/EXTERNAL controllers and classic load balancers
    rolloutState: ROLLOUT[d.rolloutState ?? ''] ?? 'UNKNOWN',
    createdAt: ms(d.createdAt),
    updatedAt: ms(d.updatedAt ?? d.createdAt),
  };
  if (d.rolloutStateReason) out.rolloutReason = d.rolloutStateReason;
  return out;
}

function mapEvents(s: Service): EcsEvent[] {
  return (s.events ?? [])
    .map((e) => ({ id: e.id ?? '', at: ms(e.createdAt), message: e.message ?? '' }))
    .sort((a, b) => b.at - a.at)
    .slice(0, EVENTS_KEPT);
}

export function mapStoppedTask(t: Task): EcsStoppedTask {
  const out: EcsStoppedTask = {
    taskArn: t.taskArn ?? '',
    taskDefinition: shortTaskDefinition(t.taskDefinitionArn),
    // a task still stopping has no stoppedAt yet; stoppingAt is the best we have
    stoppedAt: ms(t.stoppedAt ?? t.stoppingAt ?? t.executionStoppedAt),
    stoppedReason: t.stoppedReason ?? '',
    containers: (t.containers ?? []).map((c) => {
      const exit: EcsStoppedTask['containers'][number] = { container: c.name ?? '' };
      if (c.exitCode !== undefined) exit.exitCode = c.exitCode;
      if (c.reason) exit.reason = c.reason;
      return exit;
    }),
  };
  if (t.stopCode) out.stopCode = t.stopCode;
  return out;
}

export interface Utilisation {
  cpu: number[];
  memory: number[];
}

/** Everything but the fields the source tracks across polls or reads elsewhere. */
export function mapService(
  s: Service,
  clusterName: string,
  extra: { stoppedTasks: EcsStoppedTask[]; utilisation?: Utilisation; singleInstanceUnless?: string | undefined },
): EcsService {
  const deployments = (s.deployments ?? []).map(mapDeployment);
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  // The service's own taskDefinition is the one its newest UpdateService set, the PRIMARY deployment's in ECS
  const taskDefinition = shortTaskDefinition(s.taskDefinition) || primary?.taskDefinition || '';
  const { family, revision } = parseTaskDefinition(taskDefinition);
  const out: EcsService = {
    cluster: s.clusterArn ? lastSegment(s.clusterArn) : clusterName,
    name: s.serviceName ?? '',
    status: s.status ?? 'UNKNOWN',
    desired: s.desiredCount ?? 0,
    running: s.runningCount ?? 0,
    pending: s.pendingCount ?? 0,
    taskDefinition,
    family,
    revision,
    rollout: primary?.rolloutState ?? 'UNKNOWN',
    deployments,
    events: mapEvents(s),
    stoppedTasks: extra.stoppedTasks,
    cpu: extra.utilisation?.cpu ?? [],
    memory: extra.utilisation?.memory ?? [],
  };
  if (extra.singleInstanceUnless) out.singleInstanceUnless = extra.singleInstanceUnless;
  return out;
}

export function serviceKey(cluster: string, service: string): string {
  return `${lastSegment(cluster)}/${lastSegment(service)}`;
}
