/**
 * The sandbox: a simulated production fleet behind the same ports as AWS,
 * Redis, PostgreSQL and HTTP. `opsdeck demo` runs on it, and so do the view
 * and action tests. Deterministic from (seed, scenario, clock readings).
 */
import type { Clock } from '../../engine/clock.js';
import { systemClock } from '../../engine/clock.js';
import type { EnvironmentConfig } from '../../config/schema.js';
import type { EnvironmentInfo } from '../../model/environment.js';
import type { LogCursor } from '../../model/logs.js';
import { rulesOf, savedFiltersOf } from '../../engine/logs/rules.js';
import type { Sources } from '../ports.js';
import { demoEnvironment } from './config.js';
import { Fleet, LOG_GROUP } from './fleet.js';
import { deepFreeze } from './prng.js';
import { SCENARIOS, isScenario, type Scenario } from './scenarios.js';
import { seededDrills } from './drillHistory.js';
import type { DrillSummary } from '../../drills/history.js';
import { ACCOUNT, REGION, awsError, taskDefinitionRef, type RevisionChanges, type TaskDefinition } from './taskdefs.js';
import { ecsView, healthView, postgresView, queuesView, rdsView } from './views.js';
import { RdsSim } from './rds.js';
import { sandboxRdsOps, type SandboxRds } from './rdsControl.js';
import type { DeadSet } from './queues.js';
import { pgBackend, pgBackends, type SimBackend } from './postgres.js';
import { oneLine } from '../../text/sanitize.js';
import type { ScalableTarget, SuspendedState } from '../../model/autoscaling.js';
import type { ServiceDeploymentRecord } from '../../model/deployments.js';
import type { EcsTask } from '../../model/ecs.js';
import { findTask } from './ecsTasks.js';
import { AppCounters, demoMetricsConfig } from './appMetrics.js';
import { createMetricsSource } from '../metrics/source.js';

export { SCENARIOS, isScenario, type Scenario };
export type { RevisionChanges, TaskDefinition, TaskContainer } from './taskdefs.js';
export type { SandboxRds } from './rdsControl.js';
export type { DeadSet } from './queues.js';

interface SandboxOptions {
  scenario?: Scenario;
  seed?: number;
  clock?: Clock;
  /**
   * Extra API log lines per second from the sandbox's creation on (the
   * warm-up backlog stays normal), for the log throughput benchmark
   * (bench/logs.mjs). Default: $OPSDECK_SANDBOX_LOG_RATE, else none.
   */
  logRate?: number;
}

export interface UpdateServiceOptions {
  /** "family:revision", "family" (latest) or an ARN */
  taskDefinition?: string;
  forceNewDeployment?: boolean;
}

export interface UpdateServiceResult {
  /** null when nothing changed (same revision, no force) */
  deploymentId: string | null;
  taskDefinition: string;
}

export interface Sandbox {
  readonly sources: Sources;
  readonly environment: EnvironmentConfig;
  readonly info: EnvironmentInfo;
  readonly scenario: Scenario;
  readonly seed: number;
  /** the drills the sandbox's team ran before it started (see drillHistory.ts) */
  drillHistory(): DrillSummary[];
  readonly clock: Clock;
  /** like ecs:UpdateService with desiredCount: tasks start (PENDING, then RUNNING) or drain and stop over seconds */
  setDesiredCount(cluster: string, service: string, desired: number, signal?: AbortSignal): Promise<void>;
  /** like ecs:RegisterTaskDefinition: a new revision derived from the latest (or `changes.from`) */
  registerRevision(family: string, changes: RevisionChanges, signal?: AbortSignal): Promise<TaskDefinition>;
  /** like ecs:UpdateService: a new PRIMARY deployment that replaces the tasks */
  updateService(cluster: string, service: string, opts: UpdateServiceOptions, signal?: AbortSignal): Promise<UpdateServiceResult>;
  /** like "retry all" on a dead-letter set; returns how many jobs went back to waiting */
  requeueFailed(redis: string, queue: string, signal?: AbortSignal): Promise<number>;
  /** a queue's failed jobs by id and the moves on them, caught up with the clock now: use it at once, do not keep it */
  deadSet(redis: string, queue: string, signal?: AbortSignal): DeadSet;
  /** "family:revision", "family" (latest) or an ARN; undefined when unknown */
  taskDefinition(ref: string): TaskDefinition | undefined;
  /** every revision of a family, oldest first */
  taskDefinitions(family: string): TaskDefinition[];
  /** RDS writes (snapshot, restore, delete) and fresh reads, for the RDS actions and the drill */
  readonly rds: SandboxRds;
  /** like application-autoscaling DescribeScalableTargets for one service; undefined: it has none */
  scalableTarget(cluster: string, service: string, signal?: AbortSignal): Promise<ScalableTarget | undefined>;
  /** like RegisterScalableTarget with only SuspendedState */
  setScalingSuspended(cluster: string, service: string, suspended: SuspendedState, signal?: AbortSignal): Promise<void>;
  /** like ecs ListServiceDeployments: the service's deployments created after `since`, newest first */
  deploymentHistory(cluster: string, service: string, since: number, signal?: AbortSignal): Promise<ServiceDeploymentRecord[]>;
  /** the demo database's sessions: one by pid now, and pg_cancel_backend / pg_terminate_backend on it */
  readonly postgres: SandboxPostgres;
  /** like ecs:DescribeTasks of one task (id or ARN): running, stopping or recently stopped; undefined when not kept */
  describeTask(cluster: string, task: string, signal?: AbortSignal): Promise<EcsTask | undefined>;
  /** like ecs:StopTask: the task drains and stops, and its service starts a replacement */
  stopTask(cluster: string, task: string, reason: string, signal?: AbortSignal): Promise<void>;
}

export interface SandboxPostgres {
  /** session `pid` now (listed, or idle after a cancel), and the clock's reading; undefined: no such session */
  backend(pid: number, signal?: AbortSignal): { backend: SimBackend | undefined; t: number };
  /** the listed sessions waiting for `pid`'s locks */
  waiting(pid: number, signal?: AbortSignal): number[];
  /** false when no such session runs, as the server answers */
  signal(pid: number, how: 'cancel' | 'terminate', signal?: AbortSignal): boolean;
  /** when the demo database's server started */
  readonly startedAt: number;
}

const DEFAULT_SEED = 20_261_122;

/** OPSDECK_SANDBOX_LOG_RATE=<lines/s>: unset or empty is the normal demo traffic. */
function logRateOf(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return 0;
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 0) throw new Error(`OPSDECK_SANDBOX_LOG_RATE must be log lines per second (0 or more), got "${oneLine(value)}"; unset it for the normal demo traffic`);
  return rate;
}

export function createSandbox(opts: SandboxOptions = {}): Sandbox {
  const scenario = opts.scenario ?? 'calm';
  if (!isScenario(scenario)) throw new Error(`unknown scenario "${String(scenario)}"; expected one of ${SCENARIOS.join(', ')}`);
  const seed = opts.seed ?? DEFAULT_SEED;
  const clock = opts.clock ?? systemClock;
  const environment = deepFreeze(demoEnvironment());
  // Built on first use: simulating the last 15 minutes is the costliest thing
  // at start-up, and the dashboard should be on screen before it happens.
  const createdAt = clock.now();
  let built: Fleet | undefined;
  const logRate = opts.logRate ?? logRateOf(process.env.OPSDECK_SANDBOX_LOG_RATE);
  const fleet = (): Fleet => (built ??= new Fleet(seed, scenario, createdAt, logRate));
  const rds = new RdsSim(seed);
  let closed = false;

  /** Every call: honour the signal, refuse after close, catch up with the clock. */
  const enter = (signal: AbortSignal | undefined): number => {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    if (closed) throw new Error('sandbox is closed');
    const now = clock.now();
    fleet().advanceTo(now);
    return now;
  };

  const queueSim = (redis: string, queue: string) => {
    const q = redis === 'jobs' && (queue === 'emails' || queue === 'default') ? fleet().queues[queue] : undefined;
    if (!q) throw awsError('QueueNotFound', `no queue ${redis}/${queue} in the sandbox`);
    return q;
  };

  let counters: AppCounters | undefined;
  // the app process started with the simulation's warm-up: its counters count from there
  const appCounters = () => (counters ??= new AppCounters(fleet(), fleet().start - 15 * 60_000));
  const metrics = createMetricsSource(environment.metrics, {
    scrape: async (_cfg, signal) => appCounters().exposition(enter(signal)),
    now: () => clock.now(),
    // ten seconds back, as if the dashboard had been scraping: the demo's rates are there on the first read
    prime: (_cfg, now) => ({ at: now - 10_000, text: appCounters().exposition(now - 10_000) }),
  });

  const sources: Sources = {
    ecs: { describe: async (signal) => (enter(signal), deepFreeze(ecsView(fleet(), environment))) },
    rds: { describe: async (signal) => (enter(signal), deepFreeze(rds.view(rdsView(fleet()), fleet().t))) },
    logs: {
      groups: [LOG_GROUP],
      // the sandbox delivers every line whatever filterPattern says, so its rules see them all
      rules: environment.logs.flatMap((l) => rulesOf(LOG_GROUP, { rules: l.rules })),
      savedFilters: savedFiltersOf(environment.logs),
      read: async (cursor: LogCursor | undefined, startAt: number, signal: AbortSignal) => {
        enter(signal);
        return fleet().logs.read(cursor, startAt, fleet().t);
      },
    },
    queues: { read: async (signal) => (enter(signal), deepFreeze(queuesView(fleet()))) },
    postgres: { read: async (signal) => (enter(signal), deepFreeze(postgresView(fleet()))) },
    health: { probe: async (signal) => deepFreeze(healthView(fleet(), enter(signal))) },
    metrics: { read: async (signal) => deepFreeze(await metrics.read(signal)) },
    close: async () => {
      closed = true;
      await metrics.close();
    },
  };

  return {
    sources,
    environment,
    info: deepFreeze({
      name: 'demo',
      protected: false,
      readOnly: false,
      region: REGION,
      account: ACCOUNT,
      identity: `arn:aws:sts::${ACCOUNT}:assumed-role/demo-operator/sandbox`,
      scenario,
    }),
    scenario,
    seed,
    clock,
    drillHistory: () => seededDrills(scenario, createdAt),
    async setDesiredCount(cluster, service, desired, signal) {
      enter(signal);
      fleet().ecs.setDesiredCount(cluster, service, desired);
    },
    async registerRevision(family, changes, signal) {
      enter(signal);
      return fleet().taskDefs.register(family, changes, clock.now());
    },
    async updateService(cluster, service, updates, signal) {
      const now = enter(signal);
      const deploymentId = fleet().ecs.updateService(cluster, service, now, updates);
      const primary = fleet().ecs.service(cluster, service).deployments[0]!;
      return { deploymentId, taskDefinition: taskDefinitionRef(primary.td) };
    },
    async requeueFailed(redis, queue, signal) {
      enter(signal);
      return queueSim(redis, queue).requeueFailed();
    },
    deadSet(redis, queue, signal) {
      enter(signal);
      return queueSim(redis, queue);
    },
    taskDefinition: (ref) => fleet().taskDefs.get(ref),
    taskDefinitions: (family) => fleet().taskDefs.list(family),
    async scalableTarget(cluster, service, signal) {
      enter(signal);
      return fleet().autoscaling.view(cluster, service);
    },
    async setScalingSuspended(cluster, service, suspended, signal) {
      enter(signal);
      fleet().autoscaling.setSuspended(cluster, service, suspended);
    },
    async deploymentHistory(cluster, service, since, signal) {
      enter(signal);
      return fleet().ecs.history(cluster, service).filter((d) => d.createdAt > since);
    },
    async describeTask(cluster, task, signal) {
      enter(signal);
      return findTask(fleet().ecs, cluster, task, fleet().t);
    },
    async stopTask(cluster, task, reason, signal) {
      const now = enter(signal);
      fleet().ecs.stopTask(cluster, task.slice(task.lastIndexOf('/') + 1), reason, now);
    },
    rds: sandboxRdsOps(rds, (signal) => (enter(signal), { t: fleet().t, base: rdsView(fleet()) })),
    postgres: {
      backend(pid, signal) {
        enter(signal);
        const f = fleet();
        return { backend: pgBackend(f.seed, f.t, f.plan.pg, f.pgSignals, pid), t: f.t };
      },
      waiting(pid, signal) {
        enter(signal);
        const f = fleet();
        return pgBackends(f.seed, f.t, f.plan.pg, f.pgSignals).filter((b) => b.blockedBy.includes(pid)).map((b) => b.pid).sort((a, b) => a - b);
      },
      signal(pid, how, signal) {
        enter(signal);
        const f = fleet();
        if (!pgBackend(f.seed, f.t, f.plan.pg, f.pgSignals, pid)) return false;
        f.pgSignals.record(pid, how, f.t);
        return true;
      },
      startedAt: createdAt - 41 * 24 * 3_600_000,
    },
  };
}
