/**
 * Everything an ECS action needs from the opened environment: the control
 * port, the topology facts, the journal and the lock.
 */
import type { EnvironmentConfig } from '../config/schema.js';
import type { EcsActionContext } from '../actions/ecs/context.js';
import type { ExecutorDeps } from '../actions/executor.js';
import { AuditJournal } from '../audit/journal.js';
import { openJournal, type SharedJournal } from '../team/sharedJournal.js';
import { createTargetLock } from '../actions/lockSelect.js';
import { environmentLocator, redisPlace, type ResourceLocator } from '../actions/lockResource.js';
import { getIdentity } from '../sources/aws/identity.js';
import { evaluateCondition, type ConditionFacts } from '../checks/topology.js';
import { EXIT, UserError } from './exit.js';
import { errorMessage } from '../text/sanitize.js';
import { Redis } from 'ioredis';
import type { OpenedEnvironment } from './environment.js';
import { pause } from '../sources/backend.js';
import { lastGoodSteadyMs } from '../config/writers.js';
import { DEFAULT_LAST_GOOD_STEADY_MS } from '../actions/ecs/lastGood.js';
import { environmentNotifier } from '../notify/setup.js';
import { notifyingObserver } from '../notify/actionEvents.js';
import type { Notifier } from '../notify/notifier.js';
import { approvalGate, approvalOperator, ApprovalStore, type ApprovalOperator } from '../team/approvals.js';

/** The cluster a service lives in, from --cluster or the config. */
export function clusterOf(config: EnvironmentConfig, service: string, cluster: string | undefined): string {
  if (cluster) {
    if (!config.ecs.some((c) => c.cluster === cluster)) throw new UserError(`cluster "${cluster}" is not in this environment's config (known: ${config.ecs.map((c) => c.cluster).join(', ') || 'none'})`, EXIT.usage);
    return cluster;
  }
  const named = config.ecs.filter((c) => c.services?.includes(service));
  if (named.length === 1) return named[0]!.cluster;
  const open = config.ecs.filter((c) => !c.services);
  if (named.length === 0 && open.length === 1) return open[0]!.cluster;
  if (config.ecs.length === 0) throw new UserError('this environment configures no ECS cluster', EXIT.usage);
  const candidates = [...named, ...open].map((c) => c.cluster);
  if (candidates.length === 0) throw new UserError(`service "${service}" is not in this environment's config; add it under ecs, or pass --cluster`, EXIT.usage);
  throw new UserError(`service "${service}" could be in ${candidates.join(' or ')}; pass --cluster`, EXIT.usage);
}

function ruleFor(config: EnvironmentConfig, cluster: string, service: string): string | undefined {
  return config.ecs.find((c) => c.cluster === cluster && (!c.services || c.services.includes(service)))?.singleInstanceUnless;
}

function maxTasksFor(config: EnvironmentConfig, cluster: string, service: string): number | undefined {
  return config.ecs.find((c) => c.cluster === cluster && (!c.services || c.services.includes(service)) && c.maxTasks?.[service] !== undefined)?.maxTasks?.[service];
}

/** Reads what topology conditions look at; a source that fails leaves its facts out, so the condition fails closed. */
export async function readConditionFacts(opened: OpenedEnvironment, timeoutMs = 5_000): Promise<ConditionFacts> {
  const signal = AbortSignal.timeout(timeoutMs);
  const [queues, postgres, health] = await Promise.allSettled([opened.sources.queues.read(signal), opened.sources.postgres.read(signal), opened.sources.health.probe(signal)]);
  return {
    ...(queues.status === 'fulfilled' ? { queues: queues.value } : {}),
    ...(postgres.status === 'fulfilled' ? { postgres: postgres.value } : {}),
    ...(health.status === 'fulfilled' ? { health: health.value } : {}),
  };
}

/** The pause between verification reads. */
export const sleep = pause;

export function ecsActionContext(opened: OpenedEnvironment, facts: ConditionFacts, env: NodeJS.ProcessEnv = process.env): EcsActionContext {
  if (!opened.ecsControl) throw new UserError(`this build of opsdeck cannot act on ECS in ${opened.info.name}`, EXIT.usage);
  return {
    env: opened.info,
    now: () => Date.now(),
    sleep,
    ecs: opened.ecsControl,
    condition: (rule) => evaluateCondition(rule, facts),
    ruleFor: (cluster, service) => ruleFor(opened.config, cluster, service),
    lastGoodSteadyMs: (cluster) => lastGoodSteadyMs(opened.config, cluster) ?? DEFAULT_LAST_GOOD_STEADY_MS,
    journalRecords: async () => AuditJournal.open(env).read(),
    maxTasksFor: (cluster, service) => maxTasksFor(opened.config, cluster, service),
  };
}

/**
 * The journal (the state directory's, and the team store's chain when the
 * environment names one), the locator of the environment's resources (its
 * account from STS, asked once), and the lock: in the environment's first
 * Redis when it has one, else in the team store, else a lock file. A shared
 * lock that does not answer refuses every action with the reason, unless the
 * operator chose --local-lock for this run: guessing that nobody else is
 * acting is how two operators changed one service at once.
 */
export async function executorDeps(opened: OpenedEnvironment, env: NodeJS.ProcessEnv, warn: (line: string) => void, surface: 'cli' | 'dashboard' = 'cli'): Promise<ExecutorDeps & { close(): Promise<void>; team?: SharedJournal; approvalStore?: ApprovalStore; notifier: Notifier }> {
  const deps = await lockedDeps(opened, env, warn, surface);
  // told of every outcome, it only queues; closing waits for the queue a bounded time
  const notifier = environmentNotifier(opened, { env, onFailure: warn });
  const approvalStore = opened.config.approvals && deps.team ? new ApprovalStore(deps.team.store.pool) : undefined;
  const approvals = opened.config.approvals ? { approvals: approvalGate(opened.config.approvals, approvalStore, () => runningOperator(opened, env)) } : {};
  return { ...deps, ...approvals, ...(approvalStore ? { approvalStore } : {}), notifier, observer: notifyingObserver(notifier), close: async () => void (await Promise.all([deps.close(), notifier.flush()])) };
}

/** This process's operator for the two-person rule: an environment without AWS (the sandbox) has no identity of its own to compare. */
export function runningOperator(opened: OpenedEnvironment, env: NodeJS.ProcessEnv): ApprovalOperator {
  return approvalOperator(opened.info.identity, !opened.aws, env);
}

async function lockedDeps(opened: OpenedEnvironment, env: NodeJS.ProcessEnv, warn: (line: string) => void, surface: 'cli' | 'dashboard'): Promise<ExecutorDeps & { close(): Promise<void>; team?: SharedJournal }> {
  const chosen = await openJournal(opened.teamStore, env);
  if (chosen.warning) warn(chosen.warning);
  const shared = chosen.shared;
  const closeJournal = async () => void (await shared?.close());
  const base = { journal: chosen.journal, awsArn: opened.info.identity.startsWith('arn:') ? opened.info.identity : undefined, locate: resourceLocator(opened), ...(shared ? { team: shared } : {}) };
  const team = shared ? { pool: shared.store.pool, where: shared.store.where, describe: shared.store.describe } : undefined;
  const localLockHint = surface === 'dashboard' ? 'quit and start opsdeck with --local-lock' : 'run again with --local-lock';
  const redisConf = opened.lockRedis;
  if (!redisConf) {
    if (team && opened.localLock) warn(`--local-lock: actions take a lock file on this machine instead of the shared lock in the team store; an operator elsewhere is not kept out`);
    return { ...base, lock: createTargetLock({ env, ...(team ? { team, localLockHint, localLock: Boolean(opened.localLock) } : {}) }), close: closeJournal };
  }
  const sharedRedis = { name: redisConf.name, place: redisPlace(redisConf.url) ?? 'an unparsable URL' };
  if (opened.localLock) {
    warn(`--local-lock: actions take a lock file on this machine instead of the shared lock in Redis "${sharedRedis.name}"; an operator elsewhere is not kept out`);
    return { ...base, lock: createTargetLock({ env, shared: sharedRedis, localLock: true }), close: closeJournal };
  }
  const redis = new Redis(redisConf.url, {
    lazyConnect: true,
    connectTimeout: 3_000,
    commandTimeout: 3_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // reconnects, so that a renewal after a Redis restart can take the lock again
    retryStrategy: (times) => Math.min(200 * times, 2_000),
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return {
      ...base,
      lock: createTargetLock({ redis, env, shared: sharedRedis }),
      close: async () => {
        await redis.quit().catch(() => redis.disconnect());
        await closeJournal();
      },
    };
  } catch (err) {
    redis.disconnect();
    const unreachable = errorMessage(err);
    warn(`Redis "${sharedRedis.name}" (${sharedRedis.place}) does not answer (${unreachable}): actions are refused until it does, or ${localLockHint}`);
    return { ...base, lock: createTargetLock({ env, shared: sharedRedis, unreachable, localLockHint }), close: closeJournal };
  }
}

/** Where the environment's resources live, for lock keys: the header's account or one STS call, the config's Redis and PostgreSQL URLs. */
export function resourceLocator(opened: OpenedEnvironment): ResourceLocator {
  const urls = Object.fromEntries(opened.config.redis.map((r) => [r.name, r.url]));
  const aws = opened.aws;
  const pg = Object.fromEntries(opened.config.postgres.map((p) => [p.name, p.url]));
  return environmentLocator(() => opened.info, urls, aws ? async (signal) => (await getIdentity(aws, signal)).account : undefined, pg);
}
