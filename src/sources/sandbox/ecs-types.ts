/** The simulated ECS scheduler's state: services, deployments and tasks. */
import type { EcsStoppedTask, RolloutState } from '../../model/ecs.js';
import type { ServiceLog } from './ecs-events.js';
import type { TaskDefinition } from './taskdefs.js';

export interface ServiceSpec {
  name: string;
  family: string;
  revision: number;
  desired: number;
  minHealthyPercent: number;
  maxPercent: number;
  /** how long a stopping task keeps running (load balancer deregistration delay) */
  drainMs: number;
  loadBalanced: boolean;
  /** when the current revision was rolled out */
  deployedAt: number;
  /** a later scale-up to `desired`, from one task (the unsafe-scale scenario) */
  scaledUpAt?: number;
  /** its Application Auto Scaling target, if it has one */
  autoscaling?: { min: number; max: number };
}

export interface SimTask {
  id: string;
  deploymentId: string;
  td: TaskDefinition;
  state: 'PENDING' | 'RUNNING' | 'STOPPING';
  createdAt: number;
  readyAt: number;
  /** set when the essential container exits before the task reaches RUNNING */
  crashAt?: number;
  stopAt?: number;
  /** set by StopTask: the reason ECS keeps on the stopped task */
  stopReason?: string;
  /** when it stopped (kept among the service's ended tasks) */
  stoppedAt?: number;
}

export interface SimDeployment {
  id: string;
  td: TaskDefinition;
  desired: number;
  failedTasks: number;
  consecutiveFailures: number;
  nextLaunchAt: number;
  rolloutState: RolloutState;
  rolloutReason?: string;
  throttleNoticed: boolean;
  createdAt: number;
  updatedAt: number;
  /** when it reached its end: completed, failed, or replaced by a newer deployment */
  finishedAt?: number;
  /** set when a newer deployment replaced it before it completed */
  replacedBy?: string;
}

export interface SimService {
  spec: ServiceSpec;
  desired: number;
  /** PRIMARY first, then ACTIVE ones still draining */
  deployments: SimDeployment[];
  tasks: SimTask[];
  log: ServiceLog;
  stopped: EcsStoppedTask[];
  /** the tasks that stopped, newest first, for DescribeTasks of a stopped one */
  ended: SimTask[];
  steady: boolean;
  /** every deployment of the service, oldest first: what ListServiceDeployments would list */
  history: SimDeployment[];
}

export type TaskHook = (kind: 'running' | 'crashed' | 'stopping', service: string, task: SimTask, at: number) => void;
