/**
 * The sandbox behind the EcsControl port the ECS actions use, so scale,
 * roll back and redeploy run the same code in the demo as against AWS.
 */
import type { EcsControl } from '../ports.js';
import type { TaskDefinitionSummary } from '../../model/ecs.js';
import type { Sandbox, TaskDefinition } from './index.js';

let requestCounter = 0;
const requestId = () => `sandbox-${(++requestCounter).toString(16).padStart(8, '0')}`;

function summary(td: TaskDefinition): TaskDefinitionSummary {
  return {
    ref: `${td.family}:${td.revision}`,
    family: td.family,
    revision: td.revision,
    cpu: String(td.cpu),
    memory: String(td.memory),
    containers: td.containers.map((c) => ({
      name: c.name,
      image: c.image,
      environmentNames: Object.keys(c.environment).sort(),
      secretNames: [...c.secrets].sort(),
    })),
  };
}

function notFound(what: string): Error {
  const err = new Error(what);
  err.name = 'ServiceNotFoundException';
  return err;
}

export function sandboxEcsControl(sandbox: Sandbox): EcsControl {
  return {
    async service(cluster, name, signal) {
      const snap = await sandbox.sources.ecs.describe(signal);
      const svc = snap.services.find((s) => s.cluster === cluster && s.name === name);
      if (!svc) throw notFound(`service ${name} not found in cluster ${cluster}`);
      return svc;
    },
    async updateService(cluster, name, change, signal) {
      if (change.desiredCount !== undefined) await sandbox.setDesiredCount(cluster, name, change.desiredCount, signal);
      if (change.taskDefinition !== undefined || change.forceNewDeployment) {
        await sandbox.updateService(cluster, name, { ...(change.taskDefinition ? { taskDefinition: change.taskDefinition } : {}), ...(change.forceNewDeployment ? { forceNewDeployment: true } : {}) }, signal);
      }
      return { requestId: requestId() };
    },
    async taskDefinition(ref, signal) {
      if (signal.aborted) throw signal.reason;
      const td = sandbox.taskDefinition(ref);
      if (!td) throw notFound(`task definition ${ref} not found`);
      return summary(td);
    },
    autoscaling: {
      target: (cluster, service, signal) => sandbox.scalableTarget(cluster, service, signal),
      async setSuspended(cluster, service, suspended, signal) {
        await sandbox.setScalingSuspended(cluster, service, suspended, signal);
        return { requestId: requestId() };
      },
    },
    history: (cluster, service, since, signal) => sandbox.deploymentHistory(cluster, service, since, signal),
    tasks: {
      async list(cluster, service, signal) {
        const svc = (await sandbox.sources.ecs.describe(signal)).services.find((s) => s.cluster === cluster && s.name === service);
        if (!svc) throw notFound(`service ${service} not found in cluster ${cluster}`);
        return svc.tasks ?? [];
      },
      describe: (cluster, task, signal) => sandbox.describeTask(cluster, task, signal),
      async stop(cluster, task, reason, signal) {
        await sandbox.stopTask(cluster, task, reason, signal);
        return { requestId: requestId() };
      },
    },
    async revisions(family, signal) {
      if (signal.aborted) throw signal.reason;
      return sandbox
        .taskDefinitions(family)
        .filter((td) => td.status === 'ACTIVE')
        .map((td) => `${td.family}:${td.revision}`)
        .reverse();
    },
  };
}
