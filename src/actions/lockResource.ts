/**
 * The lock key is the thing changed, whatever environment names it: two
 * environments of one config (or two configs) that both list cluster "prod" /
 * service "api" in the same account and region must collide on one key.
 *
 *   ECS service   opsdeck:lock:ecs/<account>/<region>/<cluster>/<service>
 *   ECS task      opsdeck:lock:ecs/<account>/<region>/<cluster>/task/<task id>
 *   DB instance   opsdeck:lock:rds/<account>/<region>/<instance>
 *   queue         opsdeck:lock:queue/<host>:<port>/<db>/<queue>
 *   runbook run   opsdeck:lock:runbook/<environment>/<runbook>
 *   PG session    opsdeck:lock:pg/<host>:<port>/<database>/<pid>
 *
 * A key never holds a password: the Redis part is host, port and database
 * number only. A target may add an aspect (the backup drill holds
 * "…/<instance>#backup-drill", so a drill of an instance at a time does not
 * hold up a snapshot of it).
 */
import type { ActionTarget } from './types.js';
import type { EnvironmentInfo } from '../model/environment.js';

export const LOCK_PREFIX = 'opsdeck:lock:';

export interface AwsPlace {
  account: string;
  region: string;
}

export type LockResource =
  | ({ kind: 'ecs-service'; cluster: string; service: string } & AwsPlace)
  /** one task (stop-task): stopping another task of the service, or scaling it, is not held up */
  | ({ kind: 'ecs-task'; cluster: string; task: string } & AwsPlace)
  | ({ kind: 'db-instance'; instance: string } & AwsPlace)
  | { kind: 'queue'; redis: string; queue: string }
  /** a runbook run: one at a time per environment; each of its steps also locks its own resource */
  | { kind: 'runbook'; environment: string; runbook: string }
  /** a PostgreSQL backend: the server and database of the config entry's url, and the pid */
  | { kind: 'pg-backend'; place: string; pid: string };

/** Where an environment's resources live: its AWS account and region, its Redis servers. */
export interface ResourceLocator {
  /** the account (STS GetCallerIdentity, asked once per environment) and region the AWS calls reach */
  aws(signal: AbortSignal): Promise<AwsPlace>;
  /** "host:port/db" of a configured Redis by its name; undefined when not configured */
  redis(name: string): string | undefined;
  /** "host:port/database" of a configured postgres entry by its name; undefined when not configured */
  postgres?(name: string): string | undefined;
}

/** "127.0.0.1:6379/0" from a redis:// or rediss:// URL; undefined when it does not parse. The password is never read. */
export function redisPlace(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return undefined;
  const db = /^\/(\d+)$/.exec(u.pathname)?.[1] ?? '0';
  return `${u.hostname.toLowerCase()}:${u.port || '6379'}/${Number(db)}`;
}

/** "db.internal:5432/app" from a postgres:// URL (or its ?host= socket form); undefined when it does not parse. The password is never read. */
export function postgresPlace(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return undefined;
  const host = u.searchParams.get('host') ?? u.hostname.toLowerCase();
  const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
  return `${host || 'localhost'}:${u.searchParams.get('port') ?? (u.port || '5432')}/${db}`;
}

/** Resolves a plan's target to the resource it changes. */
export async function resourceOf(target: ActionTarget, locate: ResourceLocator, signal: AbortSignal): Promise<LockResource> {
  switch (target.kind) {
    case 'ecs-service': {
      if (!target.parent) throw new Error(`the plan for ${target.display} names no cluster`);
      return { kind: 'ecs-service', ...(await locate.aws(signal)), cluster: target.parent, service: target.name };
    }
    case 'ecs-task': {
      if (!target.parent) throw new Error(`the plan for ${target.display} names no cluster`);
      return { kind: 'ecs-task', ...(await locate.aws(signal)), cluster: target.parent, task: target.name };
    }
    case 'db-instance':
    case 'db-snapshot':
      return { kind: 'db-instance', ...(await locate.aws(signal)), instance: target.name };
    case 'queue': {
      const redis = target.parent ? locate.redis(target.parent) : undefined;
      if (!redis) throw new Error(`the Redis "${target.parent ?? '?'}" of ${target.display} is not configured or its URL does not parse`);
      return { kind: 'queue', redis, queue: target.name };
    }
    case 'runbook':
      return { kind: 'runbook', environment: target.display.split('/')[0]!, runbook: target.name };
    case 'pg-backend': {
      const place = target.parent ? locate.postgres?.(target.parent) : undefined;
      if (!place) throw new Error(`the postgres entry "${target.parent ?? '?'}" of ${target.display} is not configured or its URL does not parse`);
      return { kind: 'pg-backend', place, pid: target.name };
    }
  }
}

/** "ecs 123456789012/us-east-1/prod/api": how refusals and `unlock` name a resource. */
export function resourceText(r: LockResource): string {
  switch (r.kind) {
    case 'ecs-service':
      return `ecs/${r.account}/${r.region}/${r.cluster}/${r.service}`;
    case 'ecs-task':
      return `ecs/${r.account}/${r.region}/${r.cluster}/task/${r.task}`;
    case 'db-instance':
      return `rds/${r.account}/${r.region}/${r.instance}`;
    case 'queue':
      return `queue/${r.redis}/${r.queue}`;
    case 'runbook':
      return `runbook/${r.environment}/${r.runbook}`;
    case 'pg-backend':
      return `pg/${r.place}/${r.pid}`;
  }
}

export function resourceKey(r: LockResource, aspect?: string): string {
  return `${LOCK_PREFIX}${resourceText(r)}${aspect ? `#${aspect}` : ''}`;
}

/** The key of a target's lock, as the executor takes it. */
export async function lockKeyFor(target: ActionTarget, locate: ResourceLocator, signal: AbortSignal): Promise<string> {
  return resourceKey(await resourceOf(target, locate, signal), target.lockAspect);
}

/** "opsdeck:lock:ecs/1/r/c/s" → "ecs/1/r/c/s"; anything else is shown as is. */
export function lockSubject(key: string): string {
  return key.startsWith(LOCK_PREFIX) ? key.slice(LOCK_PREFIX.length) : key;
}

const UNKNOWN = new Set(['', '—', '-']);

/**
 * A locator from what the environment's header already knows: the sandbox's
 * fixed account, or an account resolved earlier. `redisUrls` maps the
 * configured Redis names to their URLs, `postgresUrls` the postgres entries'.
 */
export function environmentLocator(info: () => Pick<EnvironmentInfo, 'name' | 'account' | 'region'>, redisUrls: Record<string, string> = {}, account?: (signal: AbortSignal) => Promise<string>, postgresUrls: Record<string, string> = {}): ResourceLocator {
  let asked: Promise<string> | undefined;
  return {
    async aws(signal) {
      const env = info();
      if (UNKNOWN.has(env.region)) throw new Error(`the AWS region of ${env.name} is not known; set aws.region or --region`);
      if (!UNKNOWN.has(env.account)) return { account: env.account, region: env.region };
      if (!account) throw new Error(`the AWS account of ${env.name} is not known yet`);
      // one STS call per environment; a failure is asked again next time
      asked ??= account(signal).catch((err: unknown) => {
        asked = undefined;
        throw err;
      });
      const id = await asked;
      if (!id) throw new Error(`STS named no account for ${env.name}`);
      return { account: id, region: env.region };
    },
    redis(name) {
      const url = redisUrls[name];
      return url === undefined ? undefined : redisPlace(url);
    },
    postgres(name) {
      const url = postgresUrls[name];
      return url === undefined ? undefined : postgresPlace(url);
    },
  };
}
