/** ECS data as the panels, checks and actions see it, whatever the source. */
import type { ScalableTarget } from './autoscaling.js';

export type RolloutState = 'COMPLETED' | 'IN_PROGRESS' | 'FAILED' | 'UNKNOWN';

export interface EcsDeployment {
  id: string;
  /** PRIMARY is the deployment being rolled out; ACTIVE ones are being drained. */
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desired: number;
  running: number;
  pending: number;
  failedTasks: number;
  rolloutState: RolloutState;
  rolloutReason?: string;
  createdAt: number;
  updatedAt: number;
}

export interface EcsEvent {
  id: string;
  at: number;
  message: string;
}

export interface EcsContainerExit {
  container: string;
  exitCode?: number;
  reason?: string;
}

export interface EcsStoppedTask {
  taskArn: string;
  taskDefinition: string;
  stoppedAt: number;
  stoppedReason: string;
  /** e.g. EssentialContainerExited, TaskFailedToStart, ServiceSchedulerInitiated */
  stopCode?: string;
  containers: EcsContainerExit[];
}

/** ECS's own verdict from the containers' health checks; UNKNOWN when none is defined or it has not run yet. */
export type TaskHealth = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';

/** A task the service wants running (ListTasks desiredStatus RUNNING), as DescribeTasks tells it. */
export interface EcsTask {
  taskArn: string;
  /** the ARN's last segment: 32 hex characters (older tasks: a UUID) */
  id: string;
  /** family:revision it runs */
  taskDefinition: string;
  revision: number;
  /** PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED */
  lastStatus: string;
  desiredStatus: string;
  health: TaskHealth;
  createdAt: number;
  /** absent until the task has started */
  startedAt?: number;
  /** absent when ECS did not say (moto, an external launch type) */
  availabilityZone?: string;
  /** the service that started it (its group "service:<name>"); absent for a standalone task */
  service?: string;
}

/** How a task is named on screen and typed in a confirmation: the start of its id, unique among a service's tasks in practice. */
export const SHORT_TASK_ID_LENGTH = 8;

export function shortTaskId(id: string): string {
  // of an older UUID-style id, exactly the part before its first dash
  return id.slice(0, SHORT_TASK_ID_LENGTH);
}

/** Oldest first, the order ECS started them in (a task not started yet by when it was created). */
export function oldestTaskFirst(a: EcsTask, b: EcsTask): number {
  return (a.startedAt ?? a.createdAt) - (b.startedAt ?? b.createdAt) || a.id.localeCompare(b.id);
}

export interface EcsService {
  cluster: string;
  name: string;
  status: string;
  desired: number;
  running: number;
  pending: number;
  /** family:revision of the PRIMARY deployment */
  taskDefinition: string;
  family: string;
  revision: number;
  rollout: RolloutState;
  deployments: EcsDeployment[];
  /** newest first */
  events: EcsEvent[];
  /** newest first, recent only */
  stoppedTasks: EcsStoppedTask[];
  /** utilisation samples in percent, oldest first; empty when unknown */
  cpu: number[];
  memory: number[];
  /** the topology rule from the config, e.g. "redis:jobs" */
  singleInstanceUnless?: string;
  /** its Application Auto Scaling target; absent: none, or it could not be read (the snapshot's warnings say so) */
  autoscaling?: ScalableTarget;
  /** the tasks it wants running, oldest first; absent: not read (the snapshot's warnings say why) */
  tasks?: EcsTask[];
}

export interface EcsSnapshot {
  services: EcsService[];
  /** what could not be read without failing the panel (metrics, stopped tasks, missing services) */
  warnings?: string[];
}

/** What the rollback plan compares between two revisions. Environment VALUES are never read: they may hold secrets. */
export interface TaskDefinitionSummary {
  /** family:revision */
  ref: string;
  family: string;
  revision: number;
  /** task-level, in CPU units and MiB, as strings the API returns ("256", "512") */
  cpu?: string;
  memory?: string;
  containers: {
    name: string;
    image: string;
    cpu?: number;
    memory?: number;
    environmentNames: string[];
    secretNames: string[];
  }[];
}
