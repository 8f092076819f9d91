/**
 * Everything an ECS action needs from the opened environment: the control
 * port, the topology facts, the journal and the lock.
 */
import type { EnvironmentConfig } from '../config/schema.js';
import type { EcsActionContext } from '../actions/ecs/context.js';
import type { ExecutorDeps } from '../actions/executor.js';
import { AuditJournal } from '../audit/journal.js';
import { createTargetLock } from '../actions/lockSelect.js';
import { evaluateCondition, type ConditionFacts } from '../checks/topology.js';
import { EXIT, UserError } from './exit.js';
import { errorMessage } from '../text/sanitize.js';
import { Redis } from 'ioredis';
import type { OpenedEnvironment } from './environment.js';
import { pause } from '../sources/backend.js';

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

export function ecsActionContext(opened: OpenedEnvironment, facts: ConditionFacts): EcsActionContext {
  if (!opened.ecsControl) throw new UserError(`this build of opsdeck cannot act on ECS in ${opened.info.name}`, EXIT.usage);
  return {
    env: opened.info,
    now: () => Date.now(),
    sleep,
    ecs: opened.ecsControl,
    condition: (rule) => evaluateCondition(rule, facts),
    ruleFor: (cluster, service) => ruleFor(opened.config, cluster, service),
    maxTasksFor: (cluster, service) => maxTasksFor(opened.config, cluster, service),
  };
}

/**
 * The journal in the state directory, and the lock: in the environment's
 * first Redis when it has one (the only lock that spans machines), else a
 * lock file. A Redis that does not answer must not block an incident, so the
 * lock falls back to the file and says so.
 */
export async function executorDeps(opened: OpenedEnvironment, env: NodeJS.ProcessEnv, warn: (line: string) => void): Promise<ExecutorDeps & { close(): Promise<void> }> {
  const base = { journal: AuditJournal.open(env), awsArn: opened.info.identity.startsWith('arn:') ? opened.info.identity : undefined };
  const redisConf = opened.lockRedis;
  if (!redisConf) return { ...base, lock: createTargetLock({ env }), close: async () => {} };
  const redis = new Redis(redisConf.url, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return { ...base, lock: createTargetLock({ redis, env }), close: async () => void (await redis.quit().catch(() => redis.disconnect())) };
  } catch (err) {
    redis.disconnect();
    warn(`Redis "${redisConf.name}" does not answer (${errorMessage(err)}); the lock is a local lock file, which only guards this machine`);
    return { ...base, lock: createTargetLock({ env }), close: async () => {} };
  }
}
