/**
 * Which services of an environment write: the `writers:` of each ECS cluster
 * entry, else its `services:`, else every service the cluster runs (which
 * only ECS knows, so the caller passes what it read). Runbooks such as
 * stop-all-writes act on exactly these.
 */
import type { EcsClusterConfig, EnvironmentConfig } from './schema.js';

export interface WriterService {
  cluster: string;
  service: string;
}

const nameOf = (s: string) => s.slice(s.lastIndexOf('/') + 1);

/** The writers of one cluster entry; `running`: the services ECS lists in it, for an entry that names none. */
export function clusterWriters(entry: EcsClusterConfig, running: readonly string[] = []): string[] {
  return [...new Set((entry.writers ?? entry.services ?? running).map(nameOf))];
}

/** Every writer of the environment; `running(cluster)`: the services ECS lists in a cluster (the ECS panel's snapshot). */
export function writerServices(config: Pick<EnvironmentConfig, 'ecs'>, running: (cluster: string) => readonly string[] = () => []): WriterService[] {
  return config.ecs.flatMap((entry) => clusterWriters(entry, running(entry.cluster)).map((service) => ({ cluster: entry.cluster, service })));
}

/** Minutes → ms of `lastGood.steadyMinutes` for a cluster; undefined: not configured (the action's default applies). */
export function lastGoodSteadyMs(config: Pick<EnvironmentConfig, 'ecs'>, cluster: string): number | undefined {
  const minutes = config.ecs.find((c) => c.cluster === cluster)?.lastGood?.steadyMinutes;
  return minutes === undefined ? undefined : minutes * 60_000;
}
