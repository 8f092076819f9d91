// A service's running tasks with aws-sdk-client-mock, for what moto does not
// return (healthStatus, availabilityZone, startedAt) and for AWS's paging:
// response shapes follow the ECS API reference (ListTasks, DescribeTasks).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ManualClock } from '../../src/engine/clock.js';
import { createAwsContext } from '../../src/sources/aws/clients.js';
import { AwsEcsSource } from '../../src/sources/aws/ecs.js';
import { awsTaskControl, mapTask } from '../../src/sources/aws/ecsTasks.js';

const ecsMock = mockClient(ECSClient);
mockClient(ApplicationAutoScalingClient).on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
const cwMock = mockClient(CloudWatchClient);
const T0 = Date.UTC(2026, 2, 14, 3, 12, 0);
const ACCOUNT = '123456789012';
const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/prod`;
const taskArn = (id: string) => `arn:aws:ecs:us-east-1:${ACCOUNT}:task/prod/${id}`;
const tdArn = (td: string) => `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${td}`;
const at = (offsetS: number) => new Date(T0 + offsetS * 1000);
const signal = () => new AbortController().signal;
const ctx = () => createAwsContext({ config: { region: 'us-east-1', profile: 'prod' }, env: {}, sdk: { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } });

function task(id: string, over: Partial<Task> = {}): Task {
  return {
    taskArn: taskArn(id),
    clusterArn: CLUSTER_ARN,
    taskDefinitionArn: tdArn('api:42'),
    group: 'service:api',
    startedBy: 'ecs-svc/1111111111111111111',
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    healthStatus: 'HEALTHY',
    availabilityZone: 'us-east-1a',
    launchType: 'FARGATE',
    createdAt: at(-3_700),
    startedAt: at(-3_600),
    containers: [{ name: 'app', lastStatus: 'RUNNING', healthStatus: 'HEALTHY' }],
    ...over,
  };
}

beforeEach(() => {
  ecsMock.reset();
  cwMock.reset();
  cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
});
afterEach(() => {
  ecsMock.reset();
  cwMock.reset();
});

describe('ECS tasks with recorded response shapes', () => {
  it('maps health, zone, start and revision; a task not started yet has no start; unknown health stays UNKNOWN', () => {
    expect(mapTask(task('3f2a9c1e5b7d4e0f8a1b2c3d4e5f6a7b', { healthStatus: 'UNHEALTHY', availabilityZone: 'us-east-1c' }))).toEqual({
      taskArn: taskArn('3f2a9c1e5b7d4e0f8a1b2c3d4e5f6a7b'),
      id: '3f2a9c1e5b7d4e0f8a1b2c3d4e5f6a7b',
      taskDefinition: 'api:42',
      revision: 42,
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      health: 'UNHEALTHY',
      createdAt: T0 - 3_700_000,
      startedAt: T0 - 3_600_000,
      availabilityZone: 'us-east-1c',
      service: 'api',
    });
    const pending = mapTask(task('p1', { lastStatus: 'PROVISIONING', healthStatus: 'UNKNOWN', startedAt: undefined, availabilityZone: undefined, group: 'family:api' }));
    expect(pending).toMatchObject({ lastStatus: 'PROVISIONING', health: 'UNKNOWN' });
    expect(pending).not.toHaveProperty('startedAt');
    expect(pending).not.toHaveProperty('availabilityZone');
    expect(pending).not.toHaveProperty('service');
  });

  it('the refresh lists the cluster\'s running tasks to the last page, describes 100 at a time, and gives each service its own, oldest first', async () => {
    const tasks = [
      ...Array.from({ length: 130 }, (_, i) => task(`w${String(i).padStart(3, '0')}`, { group: 'service:worker', startedAt: at(-i) })),
      task('a-new', { startedAt: at(-60) }),
      task('a-old', { startedAt: at(-7_200), taskDefinitionArn: tdArn('api:41'), availabilityZone: 'us-east-1b' }),
      task('standalone', { group: 'family:api' }),
    ];
    ecsMock.on(DescribeServicesCommand).resolves({
      services: ['api', 'worker'].map((name) => ({ serviceName: name, clusterArn: CLUSTER_ARN, status: 'ACTIVE', desiredCount: 2, runningCount: 2, taskDefinition: tdArn('api:42'), deployments: [], events: [] })),
      failures: [],
    });
    ecsMock.on(ListTasksCommand, { desiredStatus: 'STOPPED' }).resolves({ taskArns: [] });
    ecsMock.on(ListTasksCommand, { desiredStatus: 'RUNNING' }).callsFake((input: { nextToken?: string; maxResults?: number }) => {
      const from = Number(input.nextToken ?? 0);
      const to = from + (input.maxResults ?? 100);
      return { taskArns: tasks.slice(from, to).map((t) => t.taskArn!), ...(to < tasks.length ? { nextToken: String(to) } : {}) };
    });
    ecsMock.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({ tasks: tasks.filter((t) => input.tasks.includes(t.taskArn!)), failures: [] }));

    const snap = await new AwsEcsSource(ctx(), [{ cluster: 'prod', services: ['api', 'worker'] }], new ManualClock(T0)).describe(signal());
    const [api, worker] = snap.services;
    expect(api!.tasks!.map((t) => [t.id, t.taskDefinition, t.availabilityZone])).toEqual([
      ['a-old', 'api:41', 'us-east-1b'],
      ['a-new', 'api:42', 'us-east-1a'],
    ]);
    expect(worker!.tasks).toHaveLength(130);
    expect(worker!.tasks![0]!.id).toBe('w129');
    const running = ecsMock.commandCalls(ListTasksCommand, { desiredStatus: 'RUNNING' });
    expect(running.map((c) => c.args[0].input)).toEqual([
      { cluster: CLUSTER_ARN, desiredStatus: 'RUNNING', maxResults: 100 },
      { cluster: CLUSTER_ARN, desiredStatus: 'RUNNING', maxResults: 100, nextToken: '100' },
    ]);
    expect(ecsMock.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks?.length)).toEqual([100, 33]);
    expect(snap.warnings).toEqual([]);
  });

  it('a cluster whose tasks cannot be read leaves its services without tasks and says so', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [{ serviceName: 'api', status: 'ACTIVE', desiredCount: 1, runningCount: 1, deployments: [], events: [] }], failures: [] });
    ecsMock.on(ListTasksCommand, { desiredStatus: 'STOPPED' }).resolves({ taskArns: [] });
    ecsMock.on(ListTasksCommand, { desiredStatus: 'RUNNING' }).rejects(Object.assign(new Error('User is not authorized to perform: ecs:ListTasks'), { name: 'AccessDeniedException', $metadata: {} }));
    const snap = await new AwsEcsSource(ctx(), [{ cluster: 'prod', services: ['api'] }], new ManualClock(T0)).describe(signal());
    expect(snap.services[0]!.tasks).toBeUndefined();
    expect(snap.warnings.join('\n')).toMatch(/^running tasks unavailable: .*ecs:ListTasks/m);
  });

  it('the control lists one service\'s tasks (by group, whatever the filter returned), describes one, and stops one with its reason', async () => {
    ecsMock.on(ListTasksCommand).resolves({ taskArns: [taskArn('a1'), taskArn('w1')] });
    ecsMock.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: [task('a1'), task('w1', { group: 'service:worker' })].filter((t) => input.tasks.some((x) => t.taskArn!.endsWith(x.split('/').pop()!))),
      failures: [],
    }));
    ecsMock.on(StopTaskCommand).resolves({ task: task('a1', { desiredStatus: 'STOPPED' }), $metadata: { requestId: 'req-stop' } });
    const control = awsTaskControl(ctx());
    expect((await control.list('prod', 'api', signal())).map((t) => t.id)).toEqual(['a1']);
    expect(ecsMock.commandCalls(ListTasksCommand)[0]!.args[0].input).toEqual({ cluster: 'prod', desiredStatus: 'RUNNING', maxResults: 100, serviceName: 'api' });
    expect(await control.describe('prod', 'w1', signal())).toMatchObject({ id: 'w1', service: 'worker' });
    expect(await control.describe('prod', 'gone', signal())).toBeUndefined();
    expect(await control.stop('prod', taskArn('a1'), 'opsdeck: stopped by a@b', signal())).toEqual({ requestId: 'req-stop' });
    expect(ecsMock.commandCalls(StopTaskCommand)[0]!.args[0].input).toEqual({ cluster: 'prod', task: taskArn('a1'), reason: 'opsdeck: stopped by a@b' });
  });
});
