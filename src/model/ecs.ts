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
