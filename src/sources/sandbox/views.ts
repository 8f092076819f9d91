/**
 * Fresh snapshot objects built from the fleet's state for each read; callers
 * keep them, so nothing here may share a mutable object with the simulation.
 */
import type { EcsDeployment, EcsService, EcsSnapshot } from '../../model/ecs.js';
import type { HealthSnapshot } from '../../model/health.js';
import type { PostgresSnapshot } from '../../model/postgres.js';
import type { QueuesSnapshot } from '../../model/queues.js';
import type { RdsSnapshot } from '../../model/rds.js';
import type { EnvironmentConfig } from '../../config/schema.js';
import type { Fleet } from './fleet.js';
import { probeApi, probeQueueHealth } from './health.js';
import { pgHealth } from './postgres.js';
import { redisHealth } from './queues.js';
import { rdsSnapshot } from './rds.js';
import { taskDefinitionRef } from './taskdefs.js';
import { serviceTasks } from './ecsTasks.js';

/** ECS keeps stopped tasks visible for about an hour. */
const STOPPED_VISIBLE_MS = 60 * 60_000;

export function ecsView(fleet: Fleet, env: EnvironmentConfig): EcsSnapshot {
  const rules = new Map<string, string>();
  for (const c of env.ecs) {
    if (c.cluster !== fleet.cluster || !c.singleInstanceUnless) continue;
    for (const s of c.services ?? [...fleet.ecs.services.keys()]) rules.set(s, c.singleInstanceUnless);
  }
  const services: EcsService[] = [];
  for (const svc of fleet.ecs.services.values()) {
    const primary = svc.deployments[0]!;
    const deployments: EcsDeployment[] = svc.deployments.map((d, i) => {
      const mine = svc.tasks.filter((x) => x.deploymentId === d.id);
      const running = mine.filter((x) => x.state !== 'PENDING').length;
      const pending = mine.filter((x) => x.state === 'PENDING').length;
      const dep: EcsDeployment = {
        id: d.id,
        status: i === 0 ? 'PRIMARY' : 'ACTIVE',
        taskDefinition: taskDefinitionRef(d.td),
        // ECS lowers an old deployment's desired count as it drains it
        desired: i === 0 ? d.desired : mine.filter((x) => x.state !== 'STOPPING').length,
        running,
        pending,
        failedTasks: d.failedTasks,
        rolloutState: d.rolloutState,
        createdAt: d.createdAt,
        updatedAt: d.updatedAt,
      };
      if (d.rolloutReason) dep.rolloutReason = d.rolloutReason;
      return dep;
    });
    const u = fleet.utilisation.get(svc.spec.name);
    const service: EcsService = {
      cluster: fleet.cluster,
      name: svc.spec.name,
      status: 'ACTIVE',
      desired: svc.desired,
      // a draining task still counts as running until it has stopped, as in describe-services
      running: svc.tasks.filter((x) => x.state !== 'PENDING').length,
      pending: svc.tasks.filter((x) => x.state === 'PENDING').length,
      taskDefinition: taskDefinitionRef(primary.td),
      family: primary.td.family,
      revision: primary.td.revision,
      rollout: primary.rolloutState,
      deployments,
      events: svc.log.events.map((e) => ({ ...e })),
      stoppedTasks: svc.stopped
        .filter((s) => s.stoppedAt >= fleet.t - STOPPED_VISIBLE_MS)
        .map((s) => ({ ...s, containers: s.containers.map((c) => ({ ...c })) })),
      cpu: [...(u?.cpu ?? [])],
      memory: [...(u?.memory ?? [])],
      tasks: serviceTasks(svc, fleet.t),
    };
    const rule = rules.get(svc.spec.name);
    if (rule) service.singleInstanceUnless = rule;
    const scaling = fleet.autoscaling.view(fleet.cluster, svc.spec.name);
    if (scaling) service.autoscaling = scaling;
    services.push(service);
  }
  return { services };
}

function pgLoad(fleet: Fleet) {
  return {
    api: fleet.tasksServing('api'),
    worker: fleet.tasksServing('worker'),
    scheduler: fleet.tasksServing('scheduler'),
    load: fleet.demand(),
  };
}

export function rdsView(fleet: Fleet): RdsSnapshot {
  const pg = pgHealth(fleet.seed, fleet.t, fleet.plan.pg, pgLoad(fleet), fleet.pgSignals);
  return rdsSnapshot(fleet.seed, fleet.start, fleet.t, {
    connections: pg.connections.total,
    cpu: fleet.plan.rdsCpu,
    databaseSizeBytes: pg.databaseSizeBytes ?? 0,
    maintenanceDueAt: fleet.plan.maintenanceDueAt,
  });
}

export function postgresView(fleet: Fleet): PostgresSnapshot {
  return { databases: [pgHealth(fleet.seed, fleet.t, fleet.plan.pg, pgLoad(fleet), fleet.pgSignals)] };
}

export function queuesView(fleet: Fleet): QueuesSnapshot {
  const queues = [fleet.queues.emails, fleet.queues.default];
  // each worker task holds a couple of connections per queue, each API task one for rate limiting
  const clients = 4 + fleet.tasksServing('worker') * 5 + fleet.tasksServing('api') * 2 + fleet.tasksServing('scheduler');
  return {
    redis: [redisHealth('jobs', fleet.seed, fleet.t, queues, clients)],
    queues: queues.map((q) => q.stats(fleet.t)),
  };
}

export function healthView(fleet: Fleet, now: number): HealthSnapshot {
  return {
    probes: [
      probeApi(fleet.seed, fleet.t, now, {
        servingVersions: fleet.servingVersions(),
        loadPerTask: fleet.apiLoadPerTask(),
        degraded: fleet.plan.probeDegraded(fleet.t),
        certExpiresAt: fleet.plan.certExpiresAt,
      }),
      probeQueueHealth(fleet.seed, fleet.t, now, {
        serving: fleet.servingVersions().length > 0,
        queues: [fleet.queues.emails, fleet.queues.default].map((q) => q.stats(fleet.t)),
        certExpiresAt: fleet.plan.certExpiresAt,
      }),
    ],
  };
}
