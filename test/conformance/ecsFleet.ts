/**
 * A fleet the size the issue measured: 250 services in 3 clusters on moto,
 * about a third of them below desired. moto starts no tasks for a service;
 * it reports runningCount = MOTO_ECS_SERVICE_RUNNING for every one, so a
 * service is below desired when its desiredCount is above FLEET_RUNNING.
 * A few tasks are run and stopped under two services' groups, so the
 * per-cluster stopped-task read has something to hand out.
 */
import type { AwsContext } from '../../src/sources/aws/clients.js';
import type { Moto } from '../support/moto.js';

export const FLEET_RUNNING = 2;
export const FLEET_CLUSTERS = ['fleet-a', 'fleet-b', 'fleet-c'] as const;
/** services per cluster: more than one ListServices page (100) in the first */
export const FLEET_SIZES: Record<(typeof FLEET_CLUSTERS)[number], number> = { 'fleet-a': 130, 'fleet-b': 70, 'fleet-c': 50 };
/** the services that get stopped tasks, and how many each */
export const STOPPED_BY_SERVICE: Record<string, number> = { 'fleet-a-000': 3, 'fleet-a-001': 2 };

export interface FleetService {
  cluster: string;
  name: string;
  desired: number;
}

/** Every third service wants 3 or 4 tasks (below the 2 moto runs), the others 2. */
export function fleetPlan(): FleetService[] {
  let i = 0;
  return FLEET_CLUSTERS.flatMap((cluster) =>
    Array.from({ length: FLEET_SIZES[cluster] }, (_, n) => {
      const desired = i++ % 3 === 0 ? 3 + (n % 2) : FLEET_RUNNING;
      return { cluster, name: `${cluster}-${String(n).padStart(3, '0')}`, desired };
    }),
  );
}

export async function seedFleet(ctx: AwsContext, moto: Moto, plan = fleetPlan()): Promise<void> {
  const ecs = await ctx.sdk('ecs');
  const client = await ctx.ecs();
  for (const clusterName of FLEET_CLUSTERS) await client.send(new ecs.CreateClusterCommand({ clusterName }));
  await client.send(new ecs.RegisterTaskDefinitionCommand({ family: 'fleet', containerDefinitions: [{ name: 'app', image: 'registry/fleet:1', memory: 128 }] }));
  const queue = [...plan];
  // moto answers one request at a time per connection; a few in flight keep seeding short
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        await client.send(new ecs.CreateServiceCommand({ cluster: s.cluster, serviceName: s.name, taskDefinition: 'fleet', desiredCount: s.desired }));
      }
    }),
  );
  // RunTask needs a container instance, which needs an EC2 instance
  const image = /<imageId>(.*?)<\/imageId>/.exec(await moto.ec2({ Action: 'DescribeImages' }))?.[1] ?? '';
  const instance = /<instanceId>(.*?)<\/instanceId>/.exec(await moto.ec2({ Action: 'RunInstances', ImageId: image, MinCount: '1', MaxCount: '1', InstanceType: 't3.large' }))?.[1];
  await client.send(new ecs.RegisterContainerInstanceCommand({ cluster: 'fleet-a', instanceIdentityDocument: JSON.stringify({ instanceId: instance }) }));
  for (const [service, count] of Object.entries(STOPPED_BY_SERVICE)) {
    const run = await client.send(new ecs.RunTaskCommand({ cluster: 'fleet-a', taskDefinition: 'fleet', count, group: `service:${service}`, launchType: 'EC2' }));
    for (const t of run.tasks ?? []) await client.send(new ecs.StopTaskCommand({ cluster: 'fleet-a', task: t.taskArn!, reason: 'Essential container in task exited' }));
  }
}
