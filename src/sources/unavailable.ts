/**
 * Sources for a configured environment. A system the config does not list
 * reads as empty (the panel says "not configured"); a system whose adapter is
 * not part of this build fails every read with one line that says so, rather
 * than showing made-up numbers.
 */
import type { EnvironmentConfig } from '../config/schema.js';
import type { Sources } from './ports.js';

const empty = {
  ecs: { services: [] },
  rds: { instances: [], snapshots: [] },
  queues: { redis: [], queues: [] },
  postgres: { databases: [] },
  health: { probes: [] },
  metrics: { endpoints: [], rows: [] },
};

function missing(what: string): () => Promise<never> {
  return () => Promise.reject(new Error(`${what} is configured but this build of opsdeck has no ${what} adapter yet; try \`opsdeck demo\``));
}

export function configuredSources(env: EnvironmentConfig, real: Partial<Sources> = {}): Sources {
  const groups = env.logs.map((l) => l.group);
  const fallback: Sources = {
    ecs: { describe: env.ecs.length ? missing('ECS') : async () => structuredClone(empty.ecs) },
    rds: { describe: env.rds.length ? missing('RDS') : async () => structuredClone(empty.rds) },
    logs: {
      groups,
      read: groups.length
        ? missing('CloudWatch Logs')
        : async (_cursor, startAt) => ({ events: [], cursor: { since: startAt, seenAtSince: [] }, mode: 'poll' as const }),
    },
    queues: { read: env.redis.length ? missing('Redis') : async () => structuredClone(empty.queues) },
    postgres: { read: env.postgres.length ? missing('PostgreSQL') : async () => structuredClone(empty.postgres) },
    health: { probe: env.http.length ? missing('HTTP probe') : async () => structuredClone(empty.health) },
    metrics: { read: env.metrics.length ? missing('metrics') : async () => structuredClone(empty.metrics) },
    close: async () => {},
  };
  return { ...fallback, ...real };
}
