/**
 * The ECS panel's data from AWS: services (configured, or every service of
 * the cluster), their deployments and events, recent stopped tasks, and
 * CPU / memory from CloudWatch. Calls are batched to the APIs' maxima and run
 * with a small concurrency: a console polling every 15 s from the same
 * account as the production deploy pipeline must not be what gets throttled.
 */
import type { Service, Task } from '@aws-sdk/client-ecs';
import type { EcsClusterConfig } from '../../config/schema.js';
import { systemClock, type Clock } from '../../engine/clock.js';
import type { EcsService, EcsSnapshot, EcsStoppedTask } from '../../model/ecs.js';
import { errorMessage } from '../../text/sanitize.js';
import type { EcsSource } from '../ports.js';
import { send, type AwsContext } from './clients.js';
import { missingServiceLine } from './errors.js';
import { mapService, mapStoppedTask, serviceKey, type Utilisation } from './ecsMap.js';
import { readUtilisation } from './metrics.js';
import { chunk, lastSegment, mapLimit, throwIfAborted } from './util.js';

export { describeTaskDefinition, listRevisions } from './taskDefinitions.js';
export type { TaskDefinitionSummary, TaskDefinitionContainer, TaskDefinitionRevision } from './taskDefinitions.js';

/** API maxima: ListServices page size, DescribeServices and DescribeTasks batch sizes. */
export const LIST_SERVICES_PAGE = 100;
export const DESCRIBE_SERVICES_BATCH = 10;
export const DESCRIBE_TASKS_BATCH = 100;
/** how many ECS calls of one kind run at once */
export const CONCURRENCY = 3;
/** stopped tasks kept per service, newest first */
export const STOPPED_KEPT = 10;
// One ListTasks page: ECS keeps stopped tasks for about an hour, and the
// newest ten are what an operator reads.
const STOPPED_LISTED = 100;

/**
 * EcsSnapshot plus what went wrong without failing the read (metrics or
 * stopped tasks unavailable, a configured service that does not exist).
 */
export interface AwsEcsSnapshot extends EcsSnapshot {
  warnings: string[];
}

interface Found {
  service: Service;
  config: EcsClusterConfig;
  clusterName: string;
}

export class AwsEcsSource implements EcsSource {
  /** since when each service has read running < desired, by cluster/service */
  private readonly belowSince = new Map<string, number>();
  /** stopped tasks never change once STOPPED, so each is described once */
  private readonly stoppedCache = new Map<string, EcsStoppedTask>();

  constructor(
    private readonly ctx: AwsContext,
    private readonly clusters: readonly EcsClusterConfig[],
    private readonly clock: Clock = systemClock,
  ) {}

  async describe(signal: AbortSignal): Promise<AwsEcsSnapshot> {
    const warnings: string[] = [];
    const now = this.clock.now();
    const found = (await Promise.all(this.clusters.map((c, i) => this.readCluster(c, i, signal, warnings)))).flat();
    const [stopped, utilisation] = await Promise.all([this.readStopped(found, signal, warnings), this.readMetrics(found, now, signal, warnings)]);
    const services = found.map((f, i): EcsService => {
      const s = mapService(f.service, f.clusterName, {
        stoppedTasks: stopped[i] ?? [],
        utilisation: utilisation[i],
        singleInstanceUnless: f.config.singleInstanceUnless,
      });
      const since = this.trackBelowDesired(serviceKey(s.cluster, s.name), s.running, s.desired, now);
      if (since !== undefined) s.belowDesiredSince = since;
      return s;
    });
    const live = new Set(services.map((s) => serviceKey(s.cluster, s.name)));
    for (const key of this.belowSince.keys()) if (!live.has(key)) this.belowSince.delete(key);
    return { services, warnings: [...new Set(warnings)] };
  }

  private trackBelowDesired(key: string, running: number, desired: number, now: number): number | undefined {
    if (running >= desired) {
      this.belowSince.delete(key);
      return undefined;
    }
    const since = this.belowSince.get(key) ?? now;
    this.belowSince.set(key, since);
    return since;
  }

  private async readCluster(config: EcsClusterConfig, index: number, signal: AbortSignal, warnings: string[]): Promise<Found[]> {
    const cluster = config.cluster;
    const hint = { configPath: `ecs[${index}].cluster` };
    const names = config.services ?? (await this.listServices(cluster, signal, hint));
    const batches = await mapLimit(chunk(names, DESCRIBE_SERVICES_BATCH), CONCURRENCY, (services) =>
      send(this.ctx, 'ecs', (ecs) => new ecs.DescribeServicesCommand({ cluster, services }), signal, hint),
    );
    const byName = new Map<string, Service>();
    for (const out of batches) {
      for (const s of out.services ?? []) if (s.serviceName) byName.set(s.serviceName, s);
      for (const f of out.failures ?? []) {
        const name = lastSegment(f.arn ?? '?');
        warnings.push(
          f.reason === 'MISSING'
            ? missingServiceLine(name, cluster, `ecs[${index}].services`)
            : `ECS could not describe service ${name} in cluster ${lastSegment(cluster)}: ${f.reason ?? 'unknown reason'}${f.detail ? ` (${f.detail})` : ''}`,
        );
      }
    }
    // configured order as written; a listed cluster alphabetically
    const order = config.services ? names.map(lastSegment) : [...byName.keys()].sort();
    return order.flatMap((n) => {
      const service = byName.get(n);
      return service ? [{ service, config, clusterName: lastSegment(cluster) }] : [];
    });
  }

  private async listServices(cluster: string, signal: AbortSignal, hint: { configPath: string }): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      throwIfAborted(signal);
      const token = nextToken;
      const out = await send(
        this.ctx,
        'ecs',
        (ecs) => new ecs.ListServicesCommand({ cluster, maxResults: LIST_SERVICES_PAGE, ...(token ? { nextToken: token } : {}) }),
        signal,
        hint,
      );
      arns.push(...(out.serviceArns ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return arns;
  }

  /** Per service; a failure becomes a warning so the panel still shows the services. */
  private async readStopped(found: Found[], signal: AbortSignal, warnings: string[]): Promise<EcsStoppedTask[][]> {
    const seen = new Set<string>();
    const result = await mapLimit(found, CONCURRENCY, async (f) => {
      try {
        return await this.stoppedTasks(f, seen, signal);
      } catch (err) {
        if (signal.aborted) throw err;
        warnings.push(`stopped tasks unavailable: ${errorMessage(err)}`);
        return [];
      }
    });
    for (const arn of this.stoppedCache.keys()) if (!seen.has(arn)) this.stoppedCache.delete(arn);
    return result;
  }

  private async stoppedTasks(f: Found, seen: Set<string>, signal: AbortSignal): Promise<EcsStoppedTask[]> {
    const cluster = f.service.clusterArn ?? f.config.cluster;
    const serviceName = f.service.serviceName ?? '';
    const listed = await send(
      this.ctx,
      'ecs',
      (ecs) => new ecs.ListTasksCommand({ cluster, serviceName, desiredStatus: 'STOPPED', maxResults: STOPPED_LISTED }),
      signal,
    );
    const arns = listed.taskArns ?? [];
    arns.forEach((a) => seen.add(a));
    const fresh = new Map<string, EcsStoppedTask>();
    for (const tasks of chunk(arns.filter((a) => !this.stoppedCache.has(a)), DESCRIBE_TASKS_BATCH)) {
      const out = await send(this.ctx, 'ecs', (ecs) => new ecs.DescribeTasksCommand({ cluster, tasks }), signal);
      for (const t of out.tasks ?? []) this.remember(t, fresh);
    }
    return arns
      .map((a) => this.stoppedCache.get(a) ?? fresh.get(a))
      .filter((t): t is EcsStoppedTask => t !== undefined)
      .sort((a, b) => b.stoppedAt - a.stoppedAt)
      .slice(0, STOPPED_KEPT);
  }

  private remember(t: Task, fresh: Map<string, EcsStoppedTask>): void {
    if (!t.taskArn) return;
    const mapped = mapStoppedTask(t);
    // still stopping: exit codes may not be in yet, so read it again next poll
    if (t.lastStatus === 'STOPPED') this.stoppedCache.set(t.taskArn, mapped);
    else fresh.set(t.taskArn, mapped);
  }

  private async readMetrics(found: Found[], now: number, signal: AbortSignal, warnings: string[]): Promise<(Utilisation | undefined)[]> {
    const targets = found.map((f) => ({ cluster: f.clusterName, service: f.service.serviceName ?? '' }));
    try {
      const result = await readUtilisation(this.ctx, targets, now, signal);
      warnings.push(...result.warnings);
      return result.series;
    } catch (err) {
      if (signal.aborted) throw err;
      warnings.push(`CPU and memory unavailable: ${errorMessage(err)}`);
      return found.map(() => undefined);
    }
  }
}

export function createEcsSource(ctx: AwsContext, clusters: readonly EcsClusterConfig[], clock: Clock = systemClock): AwsEcsSource {
  return new AwsEcsSource(ctx, clusters, clock);
}
