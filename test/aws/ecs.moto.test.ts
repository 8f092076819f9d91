// The ECS source against moto, which speaks the real ECS and CloudWatch wire
// protocols. moto's limits shape what is asserted here: ListServices ignores
// maxResults (one page), services start no tasks (MOTO_ECS_SERVICE_RUNNING
// fakes runningCount), events stay empty and tasks carry no stopCode.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { ManualClock } from '../../src/engine/clock.js';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { AwsEcsSource, describeTaskDefinition, listRevisions } from '../../src/sources/aws/ecs.js';
import { getIdentity } from '../../src/sources/aws/identity.js';
import { shortfallSince } from '../../src/checks/shortfall.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';
import { startCountingProxy } from '../support/countingProxy.js';
import { awsEcsControl } from '../../src/sources/aws/ecsControl.js';

let moto: Moto;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

beforeAll(async () => {
  moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: '2' });
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
});

function context(): AwsContext {
  return createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
}

interface Call {
  command: string;
  input: Record<string, unknown>;
}

/** Every command sent on the client, with its input, in order. */
function record(client: { middlewareStack: unknown }): Call[] {
  const calls: Call[] = [];
  (client.middlewareStack as ECSClient['middlewareStack']).add(
    (next, context) => async (args) => {
      calls.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'testRecordCalls' },
  );
  return calls;
}

const named = (calls: Call[], command: string) => calls.filter((c) => c.command === command);

async function seed(ctx: AwsContext, cluster: string, services: string[], taskDefinition = 'api') {
  const ecs = await ctx.sdk('ecs');
  const client = await ctx.ecs();
  await client.send(new ecs.CreateClusterCommand({ clusterName: cluster }));
  await client.send(
    new ecs.RegisterTaskDefinitionCommand({ family: taskDefinition, containerDefinitions: [{ name: 'app', image: 'registry/api:1.0.0', memory: 512 }] }),
  );
  for (const serviceName of services) {
    await client.send(new ecs.CreateServiceCommand({ cluster, serviceName, taskDefinition, desiredCount: 3 }));
  }
}

describe('AwsEcsSource against moto', () => {
  it('reads every service of a cluster: ListServices, then DescribeServices in batches of 10', async () => {
    const setup = context();
    const names = Array.from({ length: 25 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    await seed(setup, 'prod', names);

    const ctx = context();
    const calls = record(await ctx.ecs());
    const cwCalls = record(await ctx.cloudwatch());
    const source = new AwsEcsSource(ctx, [{ cluster: 'prod', singleInstanceUnless: 'redis:jobs' }], new ManualClock(T0));
    const snap = await source.describe(new AbortController().signal);

    expect(snap.services.map((s) => s.name)).toEqual(names);
    expect(snap.warnings).toEqual([]);
    const list = named(calls, 'ListServicesCommand');
    expect(list.length).toBeGreaterThanOrEqual(1);
    expect(list.every((c) => c.input.maxResults === 100)).toBe(true);
    const describes = named(calls, 'DescribeServicesCommand');
    expect(describes.map((c) => (c.input.services as string[]).length).sort()).toEqual([10, 10, 5]);
    // utilisation for all 25 services in one call: 2 metrics each
    const metricCalls = named(cwCalls, 'GetMetricDataCommand');
    expect(metricCalls).toHaveLength(1);
    expect((metricCalls[0]?.input.MetricDataQueries as unknown[]).length).toBe(50);

    const s = snap.services[0]!;
    expect(s).toMatchObject({
      cluster: 'prod',
      status: 'ACTIVE',
      desired: 3,
      running: 2,
      pending: 1,
      taskDefinition: 'api:1',
      family: 'api',
      revision: 1,
      rollout: 'IN_PROGRESS',
      singleInstanceUnless: 'redis:jobs',
      stoppedTasks: [],
      cpu: [],
      memory: [],
    });
    expect(s.deployments).toHaveLength(1);
    expect(s.deployments[0]).toMatchObject({ status: 'PRIMARY', taskDefinition: 'api:1', desired: 3, running: 2, rolloutState: 'IN_PROGRESS' });
  });

  it('reads only the configured services, in the configured order, and warns about a missing one', async () => {
    const setup = context();
    await seed(setup, 'prod', ['api', 'worker', 'cron']);
    const ctx = context();
    const calls = record(await ctx.ecs());
    const source = new AwsEcsSource(ctx, [{ cluster: 'prod', services: ['worker', 'api', 'ghost'] }], new ManualClock(T0));
    const snap = await source.describe(new AbortController().signal);

    expect(snap.services.map((s) => s.name)).toEqual(['worker', 'api']);
    expect(named(calls, 'ListServicesCommand')).toHaveLength(0);
    expect(named(calls, 'DescribeServicesCommand')).toHaveLength(1);
    expect(snap.warnings).toEqual(['ECS service ghost not found in cluster prod: fix ecs[0].services in the config']);
  });

  it('fails with one line naming the cluster and the config path when a cluster does not exist', async () => {
    await seed(context(), 'prod', ['api']);
    const source = new AwsEcsSource(context(), [{ cluster: 'prod' }, { cluster: 'staging', services: ['api'] }], new ManualClock(T0));
    await expect(source.describe(new AbortController().signal)).rejects.toThrow(
      'ECS cluster staging not found in region us-east-1: fix ecs[1].cluster in the config, or the region',
    );
  });

  it('dates a shortfall from the deployment ECS stamped, the same on every poll, and clears it when the service recovers', async () => {
    const ctx = context();
    await seed(ctx, 'prod', ['api']);
    const ecs = await ctx.sdk('ecs');
    const stamped = (await (await ctx.ecs()).send(new ecs.DescribeServicesCommand({ cluster: 'prod', services: ['api'] }))).services?.[0]?.deployments?.[0]?.updatedAt;
    const clock = new ManualClock(T0);
    const source = new AwsEcsSource(ctx, [{ cluster: 'prod', services: ['api'] }], clock);
    const signal = new AbortController().signal;

    expect(shortfallSince((await source.describe(signal)).services[0]!)).toBe(stamped?.getTime());
    clock.advance(90_000);
    expect(shortfallSince((await source.describe(signal)).services[0]!)).toBe(stamped?.getTime());

    // moto sets running = desired on UpdateService
    await (await ctx.ecs()).send(new ecs.UpdateServiceCommand({ cluster: 'prod', service: 'api', desiredCount: 2 }));
    const recovered = (await source.describe(signal)).services[0]!;
    expect(recovered.running).toBe(2);
    expect(recovered.desired).toBe(2);
  });

  it('reads task definition revisions, their family and revision, and never their variable values', async () => {
    const ctx = context();
    const ecs = await ctx.sdk('ecs');
    const client = await ctx.ecs();
    await client.send(new ecs.CreateClusterCommand({ clusterName: 'prod' }));
    for (const tag of ['1.0.0', '1.1.0', '1.2.0']) {
      await client.send(
        new ecs.RegisterTaskDefinitionCommand({
          family: 'api',
          cpu: '256',
          memory: '512',
          containerDefinitions: [
            {
              name: 'app',
              image: `registry/api:${tag}`,
              cpu: 256,
              memory: 512,
              environment: [
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'DATABASE_URL', value: 'postgres://app:hunter2@db/app' },
              ],
              secrets: [{ name: 'STRIPE_KEY', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/stripe' }],
            },
          ],
        }),
      );
    }
    await client.send(new ecs.CreateServiceCommand({ cluster: 'prod', serviceName: 'api', taskDefinition: 'api:2', desiredCount: 1 }));

    const snap = await new AwsEcsSource(ctx, [{ cluster: 'prod' }], new ManualClock(T0)).describe(new AbortController().signal);
    expect(snap.services[0]).toMatchObject({ taskDefinition: 'api:2', family: 'api', revision: 2 });

    const td = await describeTaskDefinition(ctx, 'api:2');
    expect(td).toMatchObject({ family: 'api', revision: 2, status: 'ACTIVE', cpu: 256, memory: 512 });
    expect(td.containers).toEqual([
      { name: 'app', image: 'registry/api:1.1.0', cpu: 256, memory: 512, essential: true, environment: ['DATABASE_URL', 'LOG_LEVEL'], secrets: ['STRIPE_KEY'] },
    ]);
    expect(JSON.stringify(td)).not.toMatch(/hunter2|info|parameter\/stripe/);

    expect((await listRevisions(ctx, 'api', 10)).map((r) => r.revision)).toEqual([3, 2, 1]);
    expect((await listRevisions(ctx, 'api', 2)).map((r) => r.revision)).toEqual([3, 2]);
    expect(await listRevisions(ctx, 'nope', 10)).toEqual([]);
  });

  it('lists every ACTIVE revision of a family of 60, then 130, paging ListTaskDefinitions to the end (rollback --to 5)', async () => {
    const ctx = context();
    const ecs = await ctx.sdk('ecs');
    const client = await ctx.ecs();
    const register = async (family: string, n: number) => {
      for (let i = 0; i < n; i++) {
        await client.send(new ecs.RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image: `registry/${family}:${i}`, memory: 128 }] }));
      }
    };
    await register('big', 60);
    await register('big-worker', 1);
    // moto answers every list in one page whatever maxResults says; the proxy pages as AWS does
    const proxy = await startCountingProxy(moto.endpoint, { pageLists: true });
    try {
      const control = awsEcsControl(createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: { ...moto.sdk, endpoint: proxy.url } }));
      const signal = new AbortController().signal;
      const sixty = await control.revisions('big', signal);
      expect(sixty).toHaveLength(60);
      expect(sixty.slice(0, 2)).toEqual(['big:60', 'big:59']);
      expect(sixty).toContain('big:5');

      await register('big', 70);
      proxy.clear();
      const all = await control.revisions('big', signal);
      expect(all).toHaveLength(130);
      expect([all[0], all.at(-1)]).toEqual(['big:130', 'big:1']);
      expect(all).toContain('big:5');
      expect(proxy.calls('ListTaskDefinitions').map((c) => c.input.maxResults)).toEqual([100, 100]);
      // a capped read stops at the page that has enough
      proxy.clear();
      expect((await listRevisions(createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: { ...moto.sdk, endpoint: proxy.url } }), 'big', 3)).map((r) => r.revision)).toEqual([130, 129, 128]);
      expect(proxy.count('ListTaskDefinitions')).toBe(1);
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it('reads stopped tasks with their reason, describing each stopped task only once', async () => {
    const ctx = context();
    const ecs = await ctx.sdk('ecs');
    const client = await ctx.ecs();
    await client.send(new ecs.CreateClusterCommand({ clusterName: 'jobs' }));
    // RunTask needs a container instance, which needs an EC2 instance
    const image = /<imageId>(.*?)<\/imageId>/.exec(await moto.ec2({ Action: 'DescribeImages' }))?.[1] ?? '';
    const instance = /<instanceId>(.*?)<\/instanceId>/.exec(
      await moto.ec2({ Action: 'RunInstances', ImageId: image, MinCount: '1', MaxCount: '1', InstanceType: 't3.large' }),
    )?.[1];
    await client.send(new ecs.RegisterContainerInstanceCommand({ cluster: 'jobs', instanceIdentityDocument: JSON.stringify({ instanceId: instance }) }));
    await client.send(new ecs.RegisterTaskDefinitionCommand({ family: 'worker', containerDefinitions: [{ name: 'worker', image: 'registry/worker:7', memory: 128 }] }));
    await client.send(new ecs.CreateServiceCommand({ cluster: 'jobs', serviceName: 'worker', taskDefinition: 'worker', desiredCount: 2 }));
    const run = await client.send(
      new ecs.RunTaskCommand({ cluster: 'jobs', taskDefinition: 'worker', count: 2, group: 'service:worker', startedBy: 'ecs-svc/1', launchType: 'EC2' }),
    );
    const stoppedArn = run.tasks?.[0]?.taskArn ?? '';
    await client.send(new ecs.StopTaskCommand({ cluster: 'jobs', task: stoppedArn, reason: 'Essential container in task exited' }));

    const reader = context();
    const calls = record(await reader.ecs());
    const source = new AwsEcsSource(reader, [{ cluster: 'jobs' }], new ManualClock(T0));
    const first = (await source.describe(new AbortController().signal)).services[0]!;
    expect(first.stoppedTasks).toHaveLength(1);
    expect(first.stoppedTasks[0]).toMatchObject({
      taskArn: stoppedArn,
      taskDefinition: 'worker:1',
      stoppedReason: 'Essential container in task exited',
      containers: [{ container: 'worker' }],
    });
    // one list for the whole cluster, not one per service (the running tasks have their own: tasks.moto.test.ts)
    const stoppedLists = () => named(calls, 'ListTasksCommand').filter((c) => c.input.desiredStatus === 'STOPPED');
    const stoppedDescribes = () => named(calls, 'DescribeTasksCommand').filter((c) => (c.input.tasks as string[]).includes(stoppedArn));
    expect(stoppedLists()).toHaveLength(1);
    expect(stoppedLists()[0]?.input).toMatchObject({ cluster: expect.stringContaining('jobs'), desiredStatus: 'STOPPED', maxResults: 100 });
    expect(stoppedLists()[0]?.input).not.toHaveProperty('serviceName');
    expect(stoppedDescribes()).toHaveLength(1);

    await source.describe(new AbortController().signal);
    expect(stoppedLists()).toHaveLength(2);
    expect(stoppedDescribes()).toHaveLength(1);
  });

  it('maps CloudWatch utilisation to each service, oldest first', async () => {
    const ctx = context();
    await seed(ctx, 'prod', ['api', 'worker']);
    const now = Date.now();
    const minute = Math.floor(now / 60_000) * 60_000;
    const cw = await ctx.sdk('cloudwatch');
    const dims = (service: string) => [
      { Name: 'ClusterName', Value: 'prod' },
      { Name: 'ServiceName', Value: service },
    ];
    await (await ctx.cloudwatch()).send(
      new cw.PutMetricDataCommand({
        Namespace: 'AWS/ECS',
        MetricData: [
          { MetricName: 'CPUUtilization', Dimensions: dims('worker'), Timestamp: new Date(minute - 180_000), Value: 41, Unit: 'Percent' },
          { MetricName: 'CPUUtilization', Dimensions: dims('worker'), Timestamp: new Date(minute - 120_000), Value: 87.5, Unit: 'Percent' },
          { MetricName: 'MemoryUtilization', Dimensions: dims('worker'), Timestamp: new Date(minute - 120_000), Value: 63, Unit: 'Percent' },
          { MetricName: 'CPUUtilization', Dimensions: dims('api'), Timestamp: new Date(minute - 120_000), Value: 12, Unit: 'Percent' },
        ],
      }),
    );
    const snap = await new AwsEcsSource(ctx, [{ cluster: 'prod' }], new ManualClock(now)).describe(new AbortController().signal);
    const by = Object.fromEntries(snap.services.map((s) => [s.name, s]));
    expect(by.worker?.cpu).toEqual([41, 87.5]);
    expect(by.worker?.memory).toEqual([63]);
    expect(by.api?.cpu).toEqual([12]);
    expect(by.api?.memory).toEqual([]);
  });

  it('reads the caller identity from STS', async () => {
    const id = await getIdentity(context());
    expect(id.account).toMatch(/^\d{12}$/);
    expect(id.arn).toContain(id.account);
  });
});
