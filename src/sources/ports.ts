/**
 * One small interface per system. Real adapters (AWS, Redis, PostgreSQL, HTTP)
 * and the sandbox implement the same ports, so panels, checks and actions do
 * not know which one they talk to.
 */
import type { EcsService, EcsSnapshot, EcsTask, TaskDefinitionSummary } from '../model/ecs.js';
import type { RdsSnapshot } from '../model/rds.js';
import type { LogBatch, LogCursor, LogRule, SavedFilter } from '../model/logs.js';
import type { QueuesSnapshot } from '../model/queues.js';
import type { PostgresSnapshot } from '../model/postgres.js';
import type { HealthSnapshot } from '../model/health.js';
import type { MetricsSnapshot } from '../model/metrics.js';
import type { ScalableTarget, SuspendedState } from '../model/autoscaling.js';
import type { ServiceDeploymentRecord } from '../model/deployments.js';
import type { ContainerEnvironment, EnvironmentEdit } from '../model/envVars.js';

export interface EcsSource {
  describe(signal: AbortSignal): Promise<EcsSnapshot>;
}

export interface RdsSource {
  describe(signal: AbortSignal): Promise<RdsSnapshot>;
}

export interface LogSource {
  /** Lines after the cursor (or from `startAt` on the first read), oldest first. */
  read(cursor: LogCursor | undefined, startAt: number, signal: AbortSignal): Promise<LogBatch>;
  readonly groups: string[];
  /** the `rules:` of the `logs:` entries, for the tail to watch; none when absent */
  readonly rules?: readonly LogRule[];
  /** the `filters:` of the `logs:` entries, one key away in the log view */
  readonly savedFilters?: readonly SavedFilter[];
}

export interface QueueSource {
  read(signal: AbortSignal): Promise<QueuesSnapshot>;
}

export interface PostgresSource {
  read(signal: AbortSignal): Promise<PostgresSnapshot>;
}

export interface HealthSource {
  probe(signal: AbortSignal): Promise<HealthSnapshot>;
}

export interface MetricsSource {
  read(signal: AbortSignal): Promise<MetricsSnapshot>;
}

export interface Sources {
  ecs: EcsSource;
  rds: RdsSource;
  logs: LogSource;
  queues: QueueSource;
  postgres: PostgresSource;
  health: HealthSource;
  metrics: MetricsSource;
  /** release connections and timers */
  close(): Promise<void>;
}

export interface EcsServiceChange {
  desiredCount?: number;
  /** family:revision or an ARN */
  taskDefinition?: string;
  forceNewDeployment?: boolean;
}

/** The calls ECS actions make. Reads here are fresh (not the panel's cached snapshot). */
export interface EcsControl {
  service(cluster: string, name: string, signal: AbortSignal): Promise<EcsService>;
  updateService(cluster: string, name: string, change: EcsServiceChange, signal: AbortSignal): Promise<{ requestId?: string }>;
  taskDefinition(ref: string, signal: AbortSignal): Promise<TaskDefinitionSummary>;
  /** family:revision of the family's ACTIVE revisions, newest first */
  revisions(family: string, signal: AbortSignal): Promise<string[]>;
  /** the service's Application Auto Scaling; absent: this backend cannot reach it */
  autoscaling?: AutoscalingControl;
  /** the service's past deployments, newest first (ECS ListServiceDeployments); absent: this backend keeps none */
  history?(cluster: string, service: string, since: number, signal: AbortSignal): Promise<ServiceDeploymentRecord[]>;
  /** reading a revision's variables and registering an edited copy (set-env); absent: this backend cannot */
  taskDefinitions?: TaskDefinitionControl;
  /** the service's tasks and StopTask; absent: this backend cannot reach them */
  tasks?: EcsTaskControl;
}

/** Task definitions for set-env. Values pass through here and nowhere else: callers show names only. */
export interface TaskDefinitionControl {
  /** the containers of a revision ("family:revision" or an ARN), values included */
  environment(ref: string, signal: AbortSignal): Promise<ContainerEnvironment[]>;
  /** registers the family's next revision: a copy of `ref` with one container's variables edited; its family:revision */
  registerEdited(ref: string, edit: EnvironmentEdit, signal: AbortSignal): Promise<{ ref: string; requestId?: string }>;
}

/** A service's tasks, read fresh, and stopping one (the service starts its replacement). */
export interface EcsTaskControl {
  /** the tasks the service wants running (ListTasks desiredStatus RUNNING + DescribeTasks), oldest first */
  list(cluster: string, service: string, signal: AbortSignal): Promise<EcsTask[]>;
  /** one task by id or ARN, whatever its status; undefined when ECS no longer knows it */
  describe(cluster: string, task: string, signal: AbortSignal): Promise<EcsTask | undefined>;
  /** StopTask with the reason ECS keeps on the stopped task */
  stop(cluster: string, task: string, reason: string, signal: AbortSignal): Promise<{ requestId?: string }>;
}

/** Application Auto Scaling for ECS services (namespace ecs, dimension ecs:service:DesiredCount). */
export interface AutoscalingControl {
  /** the service's scalable target; undefined when it has none */
  target(cluster: string, service: string, signal: AbortSignal): Promise<ScalableTarget | undefined>;
  /** RegisterScalableTarget with only SuspendedState: bounds and policies stay as they are */
  setSuspended(cluster: string, service: string, suspended: SuspendedState, signal: AbortSignal): Promise<{ requestId?: string }>;
}
