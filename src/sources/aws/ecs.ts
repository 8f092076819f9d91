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
import type { EcsService, EcsSnapshot, EcsStoppedTask, EcsTask } from '../../model/ecs.js';
import { errorMessage } from '../../text/sanitize.js';
import type { EcsSource } from '../ports.js';
import { send, type AwsContext } from './clients.js';
import { missingServiceLine } from './errors.js';
import { mapService, mapStoppedTask, serviceKey, type Utilisation } from './ecsMap.js';
import { readUtilisation } from './metrics.js';
import { readScalableTargets } from './autoscaling.js';
import { serviceResourceId, type ScalableTarget } from '../../model/autoscaling.js';
import { allPages } from './paging.js';
import { chunk, lastSegment, limiter, mapLimit } from './util.js';
import { DESCRIBE_TASKS_BATCH, LIST_TASKS_PAGE, runningTasksByService, serviceOfGroup } from './ecsTasks.js';

export { describeTaskDefinition, listRevisions } from './taskDefinitions.js';
export type { TaskDefinitionSummary, TaskDefinitionContainer, TaskDefinitionRevision } from './taskDefinitions.js';

/** API maxima: ListServices page size, DescribeServices batch size (ListTasks' and DescribeTasks' in ecsTasks.ts). */
const LIST_SERVICES_PAGE = 100;
const DESCRIBE_SERVICES_BATCH = 10;
/** how many ECS calls of this source run at once */
const CONCURRENCY = 3;
/** stopped tasks kept per service, newest first */
const STOPPED_KEPT = 10;

/**
 * EcsSnapshot plus what went wrong without failing the read (metrics or
 * stopped tasks unavailable, a configured service that does not exist).
 */
interface AwsEcsSnapshot extends EcsSnapshot {
  warnings: string[];
}

/** A described stopped task and the service that started it (none for a standalone task). */
interface Described {
  service: string | undefined;
  task: EcsStoppedTask;
}

const clusterOf = (f: Found) => f.service.clusterArn ?? f.config.cluster;

interface Found {
  service: Service;
  config: EcsClusterConfig;
  clusterName: string;
}

export class AwsEcsSource implements EcsSource {
  /** stopped tasks never change once STOPPED, so each is described once */
  private readonly stoppedCache = new Map<string, Described>();
  /** every ECS call of this source, across clusters and batches */
  private readonly limit = limiter(CONCURRENCY);

  constructor(
    private readonly ctx: AwsContext,
    private readonly clusters: readonly EcsClusterConfig[],
    private readonly clock: Clock = systemClock,
  ) {}

  async describe(signal: AbortSignal): Promise<AwsEcsSnapshot> {
    const warnings: string[] = [];
    const now = this.clock.now();
    const found = (await Promise.all(this.clusters.map((c, i) => this.readCluster(c, i, signal, warnings)))).flat();
    const [stopped, utilisation, scaling, running] = await Promise.all([
      this.readStopped(found, signal, warnings),
      this.readMetrics(found, now, signal, warnings),
      this.readAutoscaling(found, signal, warnings),
      this.readRunning(found, signal, warnings),
    ]);
    const services = found.map((f, i): EcsService => {
      const svc = mapService(f.service, f.clusterName, {
        stoppedTasks: stopped[i] ?? [],
        utilisation: utilisation[i],
        singleInstanceUnless: f.config.singleInstanceUnless,
      });
      const target = scaling[i];
      const tasks = running[i];
      return { ...svc, ...(target ? { autoscaling: target } : {}), ...(tasks ? { tasks } : {}) };
    });
    return { services, warnings: [...new Set(warnings)] };
  }

  private async readCluster(config: EcsClusterConfig, index: number, signal: AbortSignal, warnings: string[]): Promise<Found[]> {
    const cluster = config.cluster;
    const hint = { configPath: `ecs[${index}].cluster` };
    const names = config.services ?? (await this.listServices(cluster, signal, hint));
    const batches = await mapLimit(chunk(names, DESCRIBE_SERVICES_BATCH), CONCURRENCY, (services) =>
      this.limit(() => send(this.ctx, 'ecs', (ecs) => new ecs.DescribeServicesCommand({ cluster, services }), signal, hint)),
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

  private listServices(cluster: string, signal: AbortSignal, hint: { configPath: string }): Promise<string[]> {
    return allPages(async (nextToken) => {
      const out = await this.limit(() =>
        send(this.ctx, 'ecs', (ecs) => new ecs.ListServicesCommand({ cluster, maxResults: LIST_SERVICES_PAGE, ...(nextToken ? { nextToken } : {}) }), signal, hint),
      );
      return { items: out.serviceArns, nextToken: out.nextToken };
    }, signal);
  }

  /**
   * Per cluster, not per service: one ListTasks (paged) lists every stopped
   * task of the cluster, whatever the number of services, and DescribeTasks
   * runs only for tasks not seen before. A cluster's failure becomes a warning
   * so the panel still shows its services.
   */
  private async readStopped(found: Found[], signal: AbortSignal, warnings: string[]): Promise<EcsStoppedTask[][]> {
    const clusters = [...new Set(found.map(clusterOf))];
    const seen = new Set<string>();
    const byService = new Map<string, EcsStoppedTask[]>();
    await mapLimit(clusters, CONCURRENCY, async (cluster) => {
      try {
        for (const [key, tasks] of await this.stoppedInCluster(cluster, seen, signal)) byService.set(key, tasks);
      } catch (err) {
        if (signal.aborted) throw err;
        warnings.push(`stopped tasks unavailable: ${errorMessage(err)}`);
      }
    });
    for (const arn of this.stoppedCache.keys()) if (!seen.has(arn)) this.stoppedCache.delete(arn);
    return found.map((f) =>
      (byService.get(serviceKey(clusterOf(f), f.service.serviceName ?? '')) ?? []).sort((a, b) => b.stoppedAt - a.stoppedAt).slice(0, STOPPED_KEPT),
    );
  }

  /** The cluster's stopped tasks by serviceKey (from each task's group, "service:<name>"). */
  private async stoppedInCluster(cluster: string, seen: Set<string>, signal: AbortSignal): Promise<Map<string, EcsStoppedTask[]>> {
    const arns = await this.listStopped(cluster, signal);
    arns.forEach((a) => seen.add(a));
    const fresh = new Map<string, Described>();
    await mapLimit(chunk(arns.filter((a) => !this.stoppedCache.has(a)), DESCRIBE_TASKS_BATCH), CONCURRENCY, async (tasks) => {
      const out = await this.limit(() => send(this.ctx, 'ecs', (ecs) => new ecs.DescribeTasksCommand({ cluster, tasks }), signal));
      for (const t of out.tasks ?? []) this.remember(t, fresh);
    });
    const byService = new Map<string, EcsStoppedTask[]>();
    for (const arn of arns) {
      const d = this.stoppedCache.get(arn) ?? fresh.get(arn);
      if (!d?.service) continue; // a standalone task (RunTask without a service group)
      const key = serviceKey(cluster, d.service);
      byService.set(key, [...(byService.get(key) ?? []), d.task]);
    }
    return byService;
  }

  private listStopped(cluster: string, signal: AbortSignal): Promise<string[]> {
    return allPages(async (nextToken) => {
      const out = await this.limit(() =>
        send(this.ctx, 'ecs', (ecs) => new ecs.ListTasksCommand({ cluster, desiredStatus: 'STOPPED', maxResults: LIST_TASKS_PAGE, ...(nextToken ? { nextToken } : {}) }), signal),
      );
      return { items: out.taskArns, nextToken: out.nextToken };
    }, signal);
  }

  private remember(t: Task, fresh: Map<string, Described>): void {
    if (!t.taskArn) return;
    const mapped: Described = { service: serviceOfGroup(t.group), task: mapStoppedTask(t) };
    // still stopping: exit codes may not be in yet, so read it again next poll
    if (t.lastStatus === 'STOPPED') this.stoppedCache.set(t.taskArn, mapped);
    else fresh.set(t.taskArn, mapped);
  }

  /**
   * The running tasks, per cluster like the stopped ones: one ListTasks
   * (paged) and a DescribeTasks per 100 tasks, every poll, as a task's health
   * and status change. A cluster that cannot be read leaves its services
   * without tasks and says so.
   */
  private async readRunning(found: Found[], signal: AbortSignal, warnings: string[]): Promise<(EcsTask[] | undefined)[]> {
    const clusters = [...new Set(found.map(clusterOf))];
    const byCluster = new Map<string, Map<string, EcsTask[]>>();
    await mapLimit(clusters, CONCURRENCY, async (cluster) => {
      try {
        byCluster.set(cluster, await runningTasksByService(this.ctx, cluster, signal, this.limit));
      } catch (err) {
        if (signal.aborted) throw err;
        warnings.push(`running tasks unavailable: ${errorMessage(err)}`);
      }
    });
    return found.map((f) => {
      const tasks = byCluster.get(clusterOf(f));
      return tasks ? (tasks.get(f.service.serviceName ?? '') ?? []) : undefined;
    });
  }

  /** Each service's scalable target; unreadable (no permission) is a warning, not a failed panel. */
  private async readAutoscaling(found: Found[], signal: AbortSignal, warnings: string[]): Promise<(ScalableTarget | undefined)[]> {
    const ids = found.map((f) => serviceResourceId(f.clusterName, f.service.serviceName ?? ''));
    try {
      const targets = await readScalableTargets(this.ctx, ids, signal);
      return ids.map((id) => targets.get(id));
    } catch (err) {
      if (signal.aborted) throw err;
      warnings.push(`autoscaling unavailable: ${errorMessage(err)}`);
      return found.map(() => undefined);
    }
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

