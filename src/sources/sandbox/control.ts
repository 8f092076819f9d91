/**
 * The sandbox behind the EcsControl port the ECS actions use, so scale,
 * roll back, redeploy and set-env run the same code in the demo as against AWS.
 */
import type { EcsControl, TaskDefinitionControl } from '../ports.js';
import type { TaskDefinitionSummary } from '../../model/ecs.js';
import type { Sandbox, TaskDefinition } from './index.js';
import { awsError, taskDefinitionRef } from './taskdefs.js';

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

function revision(sandbox: Sandbox, ref: string, signal: AbortSignal): TaskDefinition {
  if (signal.aborted) throw signal.reason;
  const td = sandbox.taskDefinition(ref);
  if (!td) throw notFound(`task definition ${ref} not found`);
  return td;
}

/** set-env: the sandbox's revisions with their values, and an edited copy registered as the family's next. */
function taskDefinitionControl(sandbox: Sandbox): TaskDefinitionControl {
  return {
    async environment(ref, signal) {
      return revision(sandbox, ref, signal).containers.map((c) => ({
        name: c.name,
        essential: c.essential,
        environment: Object.entries(c.environment).map(([name, value]) => ({ name, value })),
        secretNames: [...c.secrets],
        environmentFiles: 0,
      }));
    },
    async registerEdited(ref, edit, signal) {
      const td = revision(sandbox, ref, signal);
      if (!td.containers.some((c) => c.name === edit.container)) throw awsError('ClientException', `${taskDefinitionRef(td)} has no container ${edit.container}`);
      const environment = Object.fromEntries([...edit.unset.map((name) => [name, null] as const), ...edit.set.map((v) => [v.name, v.value] as const)]);
      const registered = await sandbox.registerRevision(td.family, { from: td.revision, container: edit.container, environment }, signal);
      return { ref: taskDefinitionRef(registered), requestId: requestId() };
    },
  };
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
      return summary(revision(sandbox, ref, signal));
    },
    autoscaling: {
      target: (cluster, service, signal) => sandbox.scalableTarget(cluster, service, signal),
      async setSuspended(cluster, service, suspended, signal) {
        await sandbox.setScalingSuspended(cluster, service, suspended, signal);
        return { requestId: requestId() };
      },
    },
    history: (cluster, service, since, signal) => sandbox.deploymentHistory(cluster, service, since, signal),
    taskDefinitions: taskDefinitionControl(sandbox),
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
