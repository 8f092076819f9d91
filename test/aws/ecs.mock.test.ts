// The ECS source with aws-sdk-client-mock, for what moto cannot produce:
// pagination, rollouts, stop codes and exit codes, CloudWatch results and the
// errors AWS returns. Response shapes follow the ECS and CloudWatch API
// references (DescribeServices, DescribeTasks, GetMetricData).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import { mockClient } from 'aws-sdk-client-mock';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import {
  AccessDeniedException,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ECSServiceException,
  ListServicesCommand,
  ListTasksCommand,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { CloudWatchClient, CloudWatchServiceException, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { ManualClock } from '../../src/engine/clock.js';
import { createAwsContext } from '../../src/sources/aws/clients.js';
import { AwsEcsSource } from '../../src/sources/aws/ecs.js';
import { AwsError } from '../../src/sources/aws/errors.js';

const ecsMock = mockClient(ECSClient);
// the ECS source and the scale plan also read Application Auto Scaling: no scalable targets here
mockClient(ApplicationAutoScalingClient).on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
const cwMock = mockClient(CloudWatchClient);
const T0 = Date.UTC(2026, 2, 14, 3, 12, 0);
const ACCOUNT = '123456789012';
const clusterArn = (c: string) => `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${c}`;
const serviceArn = (c: string, s: string) => `arn:aws:ecs:us-east-1:${ACCOUNT}:service/${c}/${s}`;
const tdArn = (td: string) => `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${td}`;
const at = (offsetS: number) => new Date(T0 + offsetS * 1000);

function service(cluster: string, name: string, over: Partial<Service> = {}): Service {
  return {
    serviceArn: serviceArn(cluster, name),
    serviceName: name,
    clusterArn: clusterArn(cluster),
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: 2,
    pendingCount: 0,
    launchType: 'FARGATE',
    taskDefinition: tdArn('api:42'),
    deployments: [
      {
        id: 'ecs-svc/1111111111111111111',
        status: 'PRIMARY',
        taskDefinition: tdArn('api:42'),
        desiredCount: 2,
        runningCount: 2,
        pendingCount: 0,
        failedTasks: 0,
        createdAt: at(-3600),
        updatedAt: at(-3000),
        rolloutState: 'COMPLETED',
        rolloutStateReason: 'ECS deployment ecs-svc/1111111111111111111 completed.',
      },
    ],
    events: [],
    ...over,
  };
}

const signal = () => new AbortController().signal;
const ctx = () => createAwsContext({ config: { region: 'us-east-1', profile: 'prod' }, env: {}, sdk: { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } });

function serviceError(name: string, message: string, status = 400): ECSServiceException {
  return new ECSServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: status, requestId: 'req-1', attempts: 4, totalRetryDelay: 2600 } });
}

beforeEach(() => {
  ecsMock.reset();
  cwMock.reset();
  ecsMock.on(ListTasksCommand).resolves({ taskArns: [] });
  cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
});
afterEach(() => {
  ecsMock.reset();
  cwMock.reset();
});

describe('AwsEcsSource with recorded response shapes', () => {
  it('follows nextToken through ListServices and describes in batches of 10, at most 3 at a time', async () => {
    const page1 = Array.from({ length: 100 }, (_, i) => serviceArn('prod', `s${String(i).padStart(3, '0')}`));
    const page2 = Array.from({ length: 20 }, (_, i) => serviceArn('prod', `s${String(100 + i).padStart(3, '0')}`));
    ecsMock.on(ListServicesCommand).resolvesOnce({ serviceArns: page1, nextToken: 'token-2' }).resolvesOnce({ serviceArns: page2 });
    let inFlight = 0;
    let maxInFlight = 0;
    ecsMock.on(DescribeServicesCommand).callsFake(async (input: { services: string[] }) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setImmediate(r)); // let the other batches start if they are going to
      inFlight--;
      return { services: input.services.map((arn) => service('prod', arn.split('/').pop()!)), failures: [] };
    });

    const s = signal();
    const snap = await new AwsEcsSource(ctx(), [{ cluster: 'prod' }], new ManualClock(T0)).describe(s);

    expect(snap.services).toHaveLength(120);
    const lists = ecsMock.commandCalls(ListServicesCommand);
    expect(lists.map((c) => c.args[0].input)).toEqual([
      { cluster: 'prod', maxResults: 100 },
      { cluster: 'prod', maxResults: 100, nextToken: 'token-2' },
    ]);
    const describes = ecsMock.commandCalls(DescribeServicesCommand);
    expect(describes).toHaveLength(12);
    expect(describes.every((c) => c.args[0].input.services?.length === 10)).toBe(true);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    // every read carries its own signal, which the poll's aborts (listeners on the poll's are removed once a call is done)
    const own = describes.map((c) => ((c.args as unknown[])[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal);
    expect(own.every((o) => o instanceof AbortSignal && o !== s && !o.aborted)).toBe(true);
  });

  it('shows a rollout IN_PROGRESS, then FAILED with the circuit breaker reason; events newest first, capped', async () => {
    const events = Array.from({ length: 30 }, (_, i) => ({ id: `ev-${i}`, createdAt: at(-i * 60), message: `(service api) event ${i}` }));
    const inProgress = service('prod', 'api', {
      desiredCount: 2,
      runningCount: 1,
      pendingCount: 1,
      taskDefinition: tdArn('api:43'),
      events,
      deployments: [
        { id: 'ecs-svc/222', status: 'PRIMARY', taskDefinition: tdArn('api:43'), desiredCount: 2, runningCount: 0, pendingCount: 1, failedTasks: 2, createdAt: at(-300), updatedAt: at(-60), rolloutState: 'IN_PROGRESS', rolloutStateReason: 'ECS deployment ecs-svc/222 in progress.' },
        { id: 'ecs-svc/111', status: 'ACTIVE', taskDefinition: tdArn('api:42'), desiredCount: 1, runningCount: 1, pendingCount: 0, failedTasks: 0, createdAt: at(-86400), updatedAt: at(-300), rolloutState: 'COMPLETED', rolloutStateReason: 'ECS deployment ecs-svc/111 completed.' },
      ],
    });
    const failed = structuredClone(inProgress);
    Object.assign(failed.deployments![0]!, { rolloutState: 'FAILED', failedTasks: 3, rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' });
    ecsMock.on(DescribeServicesCommand).resolvesOnce({ services: [inProgress], failures: [] }).resolvesOnce({ services: [failed], failures: [] });

    const clock = new ManualClock(T0);
    const source = new AwsEcsSource(ctx(), [{ cluster: 'prod', services: ['api'] }], clock);
    const first = (await source.describe(signal())).services[0]!;
    expect(first).toMatchObject({ taskDefinition: 'api:43', family: 'api', revision: 43, rollout: 'IN_PROGRESS', running: 1, desired: 2 });
    expect(first.deployments.map((d) => [d.status, d.taskDefinition, d.rolloutState])).toEqual([
      ['PRIMARY', 'api:43', 'IN_PROGRESS'],
      ['ACTIVE', 'api:42', 'COMPLETED'],
    ]);
    expect(first.events).toHaveLength(20);
    expect(first.events[0]).toEqual({ id: 'ev-0', at: T0, message: '(service api) event 0' });

    clock.advance(120_000);
    const second = (await source.describe(signal())).services[0]!;
    expect(second.rollout).toBe('FAILED');
    expect(second.deployments[0]).toMatchObject({ failedTasks: 3, rolloutReason: 'ECS deployment circuit breaker: tasks failed to start.', createdAt: T0 - 300_000, updatedAt: T0 - 60_000 });
  });

  it('maps stopped tasks with stop codes and exit codes, newest first, and re-reads tasks still stopping', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service('prod', 'api')], failures: [] });
    const arn = (id: string) => `arn:aws:ecs:us-east-1:${ACCOUNT}:task/prod/${id}`;
    const tasks: Task[] = [
      {
        taskArn: arn('aaa'), taskDefinitionArn: tdArn('api:43'), lastStatus: 'STOPPED', desiredStatus: 'STOPPED', group: 'service:api',
        stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited', stoppedAt: at(-600), stoppingAt: at(-610),
        containers: [
          { name: 'app', lastStatus: 'STOPPED', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
          { name: 'log-router', lastStatus: 'STOPPED', exitCode: 0 },
        ],
      },
      {
        taskArn: arn('bbb'), taskDefinitionArn: tdArn('api:43'), lastStatus: 'STOPPED', desiredStatus: 'STOPPED', group: 'service:api',
        stopCode: 'TaskFailedToStart', stoppedReason: 'ResourceInitializationError: unable to pull secrets or registry auth', stoppedAt: at(-60),
        containers: [{ name: 'app', lastStatus: 'STOPPED', reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)' }],
      },
      {
        taskArn: arn('ccc'), taskDefinitionArn: tdArn('api:43'), lastStatus: 'DEPROVISIONING', desiredStatus: 'STOPPED', group: 'service:api',
        stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/222)', stoppingAt: at(-5),
        containers: [{ name: 'app', lastStatus: 'RUNNING' }],
      },
    ];
    ecsMock.on(ListTasksCommand).resolves({ taskArns: tasks.map((t) => t.taskArn!) });
    ecsMock.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({ tasks: tasks.filter((t) => input.tasks.includes(t.taskArn!)), failures: [] }));
    // these tests are about the stopped tasks: none running (tasks.mock.test.ts has the running ones)
    ecsMock.on(ListTasksCommand, { desiredStatus: 'RUNNING' }).resolves({ taskArns: [] });

    const source = new AwsEcsSource(ctx(), [{ cluster: 'prod', services: ['api'] }], new ManualClock(T0));
    const stopped = (await source.describe(signal())).services[0]!.stoppedTasks;
    expect(stopped.map((t) => [t.taskArn.split('/').pop(), t.stopCode])).toEqual([
      ['ccc', 'ServiceSchedulerInitiated'],
      ['bbb', 'TaskFailedToStart'],
      ['aaa', 'EssentialContainerExited'],
    ]);
    expect(stopped[2]).toEqual({
      taskArn: arn('aaa'),
      taskDefinition: 'api:43',
      stoppedAt: T0 - 600_000,
      stoppedReason: 'Essential container in task exited',
      stopCode: 'EssentialContainerExited',
      containers: [
        { container: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
        { container: 'log-router', exitCode: 0 },
      ],
    });
    expect(stopped[1]?.containers).toEqual([{ container: 'app', reason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)' }]);
    expect(ecsMock.commandCalls(ListTasksCommand, { desiredStatus: 'STOPPED' })[0]?.args[0].input).toEqual({ cluster: clusterArn('prod'), desiredStatus: 'STOPPED', maxResults: 100 });

    await source.describe(signal());
    const describedAgain = ecsMock.commandCalls(DescribeTasksCommand)[1]?.args[0].input.tasks;
    expect(describedAgain).toEqual([arn('ccc')]);
  });

  it('lists the stopped tasks of a cluster once, to the last page, and gives each service its own by task group', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service('prod', 'api'), service('prod', 'worker')], failures: [] });
    const arn = (id: string) => `arn:aws:ecs:us-east-1:${ACCOUNT}:task/prod/${id}`;
    const task = (id: string, group: string | undefined, ago: number): Task => ({
      taskArn: arn(id), taskDefinitionArn: tdArn('api:43'), lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: at(-ago), containers: [],
      ...(group ? { group } : {}),
    });
    const tasks = [
      ...Array.from({ length: 120 }, (_, i) => task(`w${i}`, 'service:worker', 100 + i)),
      task('a1', 'service:api', 50),
      task('a2', 'service:api', 40),
      task('standalone', 'family:api', 10),
    ];
    ecsMock.on(ListTasksCommand).callsFake((input: { nextToken?: string; maxResults?: number }) => {
      const from = Number(input.nextToken ?? 0);
      const to = from + (input.maxResults ?? 100);
      return { taskArns: tasks.slice(from, to).map((t) => t.taskArn!), ...(to < tasks.length ? { nextToken: String(to) } : {}) };
    });
    ecsMock.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({ tasks: tasks.filter((t) => input.tasks.includes(t.taskArn!)), failures: [] }));
    ecsMock.on(ListTasksCommand, { desiredStatus: 'RUNNING' }).resolves({ taskArns: [] });

    const source = new AwsEcsSource(ctx(), [{ cluster: 'prod', services: ['api', 'worker'] }], new ManualClock(T0));
    const [api, worker] = (await source.describe(signal())).services;
    expect(api!.stoppedTasks.map((t) => t.taskArn.split('/').pop())).toEqual(['a2', 'a1']);
    expect(worker!.stoppedTasks.map((t) => t.taskArn.split('/').pop())).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'w9']);
    expect(ecsMock.commandCalls(ListTasksCommand, { desiredStatus: 'STOPPED' })).toHaveLength(2);
    expect(ecsMock.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks?.length)).toEqual([100, 23]);
  });

  it('holds at most one abort listener per call in flight on the signal of the read, and at most 3 ECS calls in flight, for 250 services in 3 clusters', async () => {
    const names = (c: string) => Array.from({ length: c === 'a' ? 130 : 60 }, (_, i) => `${c}-${i}`);
    const ctl = new AbortController();
    let inFlight = 0;
    let maxInFlight = 0;
    let maxListeners = 0;
    const slowly = async <T>(answer: () => T): Promise<T> => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      maxListeners = Math.max(maxListeners, getEventListeners(ctl.signal, 'abort').length);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return answer();
    };
    ecsMock.on(ListServicesCommand).callsFake((input: { cluster: string }) => slowly(() => ({ serviceArns: names(input.cluster).map((n) => serviceArn(input.cluster, n)) })));
    ecsMock.on(DescribeServicesCommand).callsFake((input: { cluster: string; services: string[] }) => slowly(() => ({ services: input.services.map((s) => service(input.cluster, s.split('/').pop()!)), failures: [] })));
    ecsMock.on(ListTasksCommand).callsFake(() => slowly(() => ({ taskArns: [] })));

    const snap = await new AwsEcsSource(ctx(), [{ cluster: 'a' }, { cluster: 'b' }, { cluster: 'c' }], new ManualClock(T0)).describe(ctl.signal);
    expect(snap.services).toHaveLength(250);
    expect(maxInFlight).toBeLessThanOrEqual(3);
    // the SDK's own listeners go on each call's own signal; GetMetricData runs beside the ECS calls
    expect(maxListeners).toBeLessThanOrEqual(4);
    expect(getEventListeners(ctl.signal, 'abort')).toHaveLength(0);
  });

  it('maps GetMetricData results to services by query id, in one call, oldest first', async () => {
    ecsMock.on(ListServicesCommand).resolves({ serviceArns: [serviceArn('prod', 'api')] });
    ecsMock.on(DescribeServicesCommand).callsFake((input: { cluster: string; services: string[] }) => ({
      services: input.services.map((s) => service(input.cluster, s.split('/').pop()!)),
    }));
    const figures: Record<string, number[]> = { 'prod/api/CPUUtilization': [30, 35.25], 'prod/api/MemoryUtilization': [50], 'jobs/worker/CPUUtilization': [88, 91, 97] };
    cwMock.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: MetricDataQuery[] }) => ({
      // reversed order and newest-first timestamps: nothing may rely on either
      MetricDataResults: [...input.MetricDataQueries].reverse().map((q) => {
        const m = q.MetricStat!.Metric!;
        const dims = Object.fromEntries(m.Dimensions!.map((d) => [d.Name, d.Value]));
        const values = figures[`${dims.ClusterName}/${dims.ServiceName}/${m.MetricName}`] ?? [];
        return { Id: q.Id, Label: m.MetricName, StatusCode: 'Complete', Timestamps: values.map((_, i) => at(-60 * (values.length - i))).reverse(), Values: [...values].reverse() };
      }),
      Messages: [],
    }));

    const source = new AwsEcsSource(ctx(), [{ cluster: 'prod' }, { cluster: 'jobs', services: ['worker'] }], new ManualClock(T0 + 25_000));
    const snap = await source.describe(signal());
    const by = Object.fromEntries(snap.services.map((s) => [`${s.cluster}/${s.name}`, s]));
    expect(by['prod/api']).toMatchObject({ cpu: [30, 35.3], memory: [50] });
    expect(by['jobs/worker']).toMatchObject({ cpu: [88, 91, 97], memory: [] });

    const calls = cwMock.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.MetricDataQueries).toHaveLength(4);
    expect(input.MetricDataQueries?.[0]?.MetricStat).toMatchObject({ Period: 60, Stat: 'Average', Metric: { Namespace: 'AWS/ECS' } });
    expect(input.EndTime?.getTime()).toBe(T0); // whole minutes
    expect(input.EndTime!.getTime() - input.StartTime!.getTime()).toBe(30 * 60_000);
  });

  it('keeps reading services when CloudWatch fails, and says why in warnings', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service('prod', 'api')] });
    cwMock.on(GetMetricDataCommand).rejects(
      new CloudWatchServiceException({ name: 'AccessDenied', message: 'User: arn:aws:sts::123456789012:assumed-role/oncall/jane is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action', $fault: 'client', $metadata: { httpStatusCode: 403 } }),
    );
    const snap = await new AwsEcsSource(ctx(), [{ cluster: 'prod', services: ['api'] }], new ManualClock(T0)).describe(signal());
    expect(snap.services[0]).toMatchObject({ name: 'api', cpu: [], memory: [] });
    expect(snap.warnings).toEqual([
      'CPU and memory unavailable: access denied for cloudwatch:GetMetricData on the requested resource: the IAM policy needs cloudwatch:GetMetricData',
    ]);
  });

  it('surfaces throttling after the retries as one line', async () => {
    ecsMock.on(DescribeServicesCommand).rejects(serviceError('ThrottlingException', 'Rate exceeded'));
    const err = await new AwsEcsSource(ctx(), [{ cluster: 'prod', services: ['api'] }], new ManualClock(T0)).describe(signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect((err as AwsError).message).toBe('AWS is throttling ECS requests; opsdeck will back off');
    expect((err as AwsError).kind).toBe('throttled');
  });

  it('names the denied action and the resource', async () => {
    ecsMock.on(ListServicesCommand).rejects(
      new AccessDeniedException({ message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/oncall/jane is not authorized to perform: ecs:ListServices on resource: ${clusterArn('prod')} because no identity-based policy allows the ecs:ListServices action`, $metadata: { httpStatusCode: 400 } }),
    );
    await expect(new AwsEcsSource(ctx(), [{ cluster: 'prod' }], new ManualClock(T0)).describe(signal())).rejects.toThrow(
      `access denied for ecs:ListServices on ${clusterArn('prod')}: the IAM policy needs ecs:ListServices`,
    );

    ecsMock.on(DescribeServicesCommand).rejects(new AccessDeniedException({ message: 'Access denied', $metadata: { httpStatusCode: 400 } }));
    await expect(new AwsEcsSource(ctx(), [{ cluster: 'prod', services: ['api'] }], new ManualClock(T0)).describe(signal())).rejects.toThrow(
      'access denied for ecs:DescribeServices on service prod/api: the IAM policy needs ecs:DescribeServices',
    );
  });

  it('tells the operator to log in again when the token has expired', async () => {
    ecsMock.on(DescribeServicesCommand).rejects(serviceError('ExpiredTokenException', 'The security token included in the request is expired'));
    await expect(new AwsEcsSource(ctx(), [{ cluster: 'prod', services: ['api'] }], new ManualClock(T0)).describe(signal())).rejects.toThrow(
      'AWS credentials for profile prod have expired: run `aws sso login --profile prod`',
    );
  });

  it('lets an abort through as an abort, not as an AWS error line', async () => {
    const ac = new AbortController();
    ecsMock.on(DescribeServicesCommand).callsFake(() => {
      ac.abort();
      const e = new Error('Request aborted');
      e.name = 'AbortError';
      throw e;
    });
    const err = await new AwsEcsSource(ctx(), [{ cluster: 'prod', services: ['api'] }], new ManualClock(T0)).describe(ac.signal).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(AwsError);
    expect((err as Error).name).toBe('AbortError');
  });
});
