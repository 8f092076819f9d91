/**
 * The EcsControl port on the real ECS API: fresh reads of one service for a
 * plan and its re-check, UpdateService for the change, and the task
 * definitions a rollback compares.
 */
import type { EcsControl } from '../ports.js';
import type { TaskDefinitionSummary } from '../../model/ecs.js';
import { send, type AwsContext } from './clients.js';
import { mapService } from './ecsMap.js';
import { describeTaskDefinition, listRevisions } from './taskDefinitions.js';
import { awsAutoscalingControl } from './autoscaling.js';
import { readDeploymentHistory } from './deploymentHistory.js';
import { awsTaskDefinitionControl } from './taskDefinitionEdit.js';
import { awsTaskControl } from './ecsTasks.js';

export function awsEcsControl(ctx: AwsContext): EcsControl {
  return {
    async service(cluster, name, signal) {
      const out = await send(ctx, 'ecs', (ecs) => new ecs.DescribeServicesCommand({ cluster, services: [name] }), signal);
      const svc = out.services?.find((s) => s.serviceName === name && s.status !== 'INACTIVE');
      if (!svc) {
        const err = new Error(`ECS service ${name} not found in cluster ${cluster}`);
        err.name = 'ServiceNotFoundException';
        throw err;
      }
      return mapService(svc, cluster, { stoppedTasks: [] });
    },

    async updateService(cluster, name, change, signal) {
      const out = await send(
        ctx,
        'ecs',
        (ecs) =>
          new ecs.UpdateServiceCommand({
            cluster,
            service: name,
            ...(change.desiredCount !== undefined ? { desiredCount: change.desiredCount } : {}),
            ...(change.taskDefinition !== undefined ? { taskDefinition: change.taskDefinition } : {}),
            ...(change.forceNewDeployment ? { forceNewDeployment: true } : {}),
          }),
        signal,
      );
      const requestId = out.$metadata.requestId;
      return requestId ? { requestId } : {};
    },

    async taskDefinition(ref, signal): Promise<TaskDefinitionSummary> {
      const td = await describeTaskDefinition(ctx, ref, signal);
      return {
        ref: `${td.family}:${td.revision}`,
        family: td.family,
        revision: td.revision,
        ...(td.cpu !== undefined ? { cpu: String(td.cpu) } : {}),
        ...(td.memory !== undefined ? { memory: String(td.memory) } : {}),
        containers: td.containers.map((c) => ({
          name: c.name,
          image: c.image,
          cpu: c.cpu,
          ...(c.memory !== undefined ? { memory: c.memory } : {}),
          environmentNames: c.environment,
          secretNames: c.secrets,
        })),
      };
    },

    async revisions(family, signal) {
      return (await listRevisions(ctx, family, Infinity, signal)).map((r) => `${r.family}:${r.revision}`);
    },

    autoscaling: awsAutoscalingControl(ctx),
    history: (cluster, service, since, signal) => readDeploymentHistory(ctx, cluster, service, since, signal),
    taskDefinitions: awsTaskDefinitionControl(ctx),
    tasks: awsTaskControl(ctx),
  };
}
