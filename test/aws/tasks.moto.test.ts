// A service's running tasks and stop-task against moto, through the real
// path (runAction → awsEcsControl → the SDK → a counting proxy → moto), with
// a real journal and a real file lock. moto's services start no tasks, so
// RunTask starts them with the service's group ("service:<name>"), as the
// ECS scheduler does; a standalone task (another group) is nobody's. The
// reference answers come from the aws CLI where it is installed, else from
// the SDK straight at moto.
// moto ticks a task's state one step on every DescribeTasks (RUNNING →
// DEACTIVATING → …); real ECS leaves a running task running, so the state
// manager is told to hold tasks where they are (moto's own API for it).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { awsEcsControl } from '../../src/sources/aws/ecsControl.js';
import { AwsEcsSource } from '../../src/sources/aws/ecs.js';
import { runAction } from '../../src/actions/executor.js';
import { stopTaskAction } from '../../src/actions/ecs/stopTask.js';
import type { EcsActionContext } from '../../src/actions/ecs/context.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { evaluateCondition } from '../../src/checks/topology.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';
import { shortTaskId } from '../../src/model/ecs.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';
import { startCountingProxy, type CountingProxy } from '../support/countingProxy.js';

const run = promisify(execFile);
const CLUSTER = 'jobs';
const signal = new AbortController().signal;

let moto: Moto;
let proxy: CountingProxy;
let dir: string;
let contexts: AwsContext[] = [];
/** the ARNs RunTask gave each group */
let started: Record<'worker' | 'api' | 'standalone', string[]>;

beforeAll(async () => {
  // every service reports 2 running tasks, the count the worker service wants
  moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: '2' });
  proxy = await startCountingProxy(moto.endpoint);
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  const res = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'manual', times: 1_000_000 } }),
  });
  if (!res.ok) throw new Error(`moto state manager: ${res.status}`);
  started = await seed();
  proxy.clear();
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-moto-tasks-'));
  mkdirSync(join(dir, 'locks'));
}, 60_000);
afterEach(() => {
  for (const c of contexts.splice(0)) c.close();
  rmSync(dir, { recursive: true, force: true });
});

function aws(direct = false): AwsContext {
  const ctx = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: direct ? moto.sdk : { ...moto.sdk, endpoint: proxy.url } });
  contexts.push(ctx);
  return ctx;
}

async function seed() {
  const ctx = aws(true);
  const ecs = await ctx.sdk('ecs');
  const client = await ctx.ecs();
  await client.send(new ecs.CreateClusterCommand({ clusterName: CLUSTER }));
  // RunTask needs a container instance, which needs an EC2 instance
  const image = /<imageId>(.*?)<\/imageId>/.exec(await moto.ec2({ Action: 'DescribeImages' }))?.[1] ?? '';
  const instance = /<instanceId>(.*?)<\/instanceId>/.exec(await moto.ec2({ Action: 'RunInstances', ImageId: image, MinCount: '1', MaxCount: '1', InstanceType: 't3.large' }))?.[1];
  await client.send(new ecs.RegisterContainerInstanceCommand({ cluster: CLUSTER, instanceIdentityDocument: JSON.stringify({ instanceId: instance }) }));
  for (const family of ['worker', 'api']) {
    await client.send(new ecs.RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: family, image: `registry/${family}:7`, memory: 128 }] }));
    await client.send(new ecs.RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: family, image: `registry/${family}:8`, memory: 128 }] }));
  }
  await client.send(new ecs.CreateServiceCommand({ cluster: CLUSTER, serviceName: 'worker', taskDefinition: 'worker:2', desiredCount: 2 }));
  await client.send(new ecs.CreateServiceCommand({ cluster: CLUSTER, serviceName: 'api', taskDefinition: 'api:2', desiredCount: 2 }));
  const runTask = async (taskDefinition: string, count: number, group: string) =>
    ((await client.send(new ecs.RunTaskCommand({ cluster: CLUSTER, taskDefinition, count, group, launchType: 'EC2' }))).tasks ?? []).map((t) => t.taskArn!);
  // one worker task still on the older revision, as in a deployment under way
  const worker = [...(await runTask('worker:1', 1, 'service:worker')), ...(await runTask('worker:2', 1, 'service:worker'))];
  const api = await runTask('api:2', 2, 'service:api');
  const standalone = await runTask('worker:2', 1, 'family:worker');
  return { worker, api, standalone };
}

let hasCli: boolean | undefined;
/** `aws ecs <args>` against moto, or undefined when the CLI is not installed */
async function awsCli(args: string[]): Promise<Record<string, unknown> | undefined> {
  hasCli ??= await run('aws', ['--version']).then(
    () => true,
    () => false,
  );
  if (!hasCli) return undefined;
  const { stdout } = await run('aws', ['ecs', ...args, '--endpoint-url', moto.endpoint, '--region', MOTO_REGION, '--output', 'json'], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

interface TheirTask {
  taskArn: string;
  taskDefinitionArn: string;
  lastStatus: string;
  desiredStatus: string;
  group?: string;
  stoppedReason?: string;
}

/** What ECS says of the tasks it wants running: list-tasks + describe-tasks, by the CLI or else the SDK. */
async function ecsSays(): Promise<TheirTask[]> {
  const listed = await awsCli(['list-tasks', '--cluster', CLUSTER, '--desired-status', 'RUNNING']);
  const arns = listed ? (listed.taskArns as string[]) : ((await sdkList()) ?? []);
  return describeTheirs(arns);
}

async function sdkList() {
  const ctx = aws(true);
  const ecs = await ctx.sdk('ecs');
  return (await (await ctx.ecs()).send(new ecs.ListTasksCommand({ cluster: CLUSTER, desiredStatus: 'RUNNING' }))).taskArns;
}

async function describeTheirs(arns: string[]): Promise<TheirTask[]> {
  if (arns.length === 0) return [];
  const described = await awsCli(['describe-tasks', '--cluster', CLUSTER, '--tasks', ...arns]);
  if (described) return described.tasks as TheirTask[];
  const ctx = aws(true);
  const ecs = await ctx.sdk('ecs');
  return ((await (await ctx.ecs()).send(new ecs.DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }))).tasks ?? []) as TheirTask[];
}

/** their tasks of one service, as opsdeck names the fields */
function theirsOf(tasks: TheirTask[], service: string) {
  return tasks
    .filter((t) => t.group === `service:${service}`)
    .map((t) => ({ id: t.taskArn.split('/').pop()!, taskDefinition: t.taskDefinitionArn.split('/').pop()!, lastStatus: t.lastStatus, desiredStatus: t.desiredStatus }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

const ours = (tasks: { id: string; taskDefinition: string; lastStatus: string; desiredStatus: string }[]) =>
  tasks.map(({ id, taskDefinition, lastStatus, desiredStatus }) => ({ id, taskDefinition, lastStatus, desiredStatus })).sort((a, b) => a.id.localeCompare(b.id));

function setup(env: Partial<EnvironmentInfo> = {}) {
  const info: EnvironmentInfo = { name: 'moto', protected: false, readOnly: false, region: MOTO_REGION, account: '123456789012', identity: 'tester', ...env };
  const ctx: EcsActionContext = {
    env: info,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
    ecs: awsEcsControl(aws()),
    condition: (rule) => evaluateCondition(rule, {}),
    ruleFor: () => undefined,
  };
  const journal = new AuditJournal(join(dir, 'audit.jsonl'));
  return { ctx, deps: { journal, lock: new FileTargetLock(join(dir, 'locks')) }, journal };
}

// moto and the aws CLI are slow on a shared machine
describe('ECS tasks against moto', { timeout: 180_000 }, () => {
  it('lists each service\'s running tasks as list-tasks + describe-tasks tell them, leaving the standalone task out', async () => {
    const theirs = await ecsSays();
    expect(theirs).toHaveLength(5);
    const { ctx } = setup();
    const worker = await ctx.ecs.tasks!.list(CLUSTER, 'worker', signal);
    expect(ours(worker)).toEqual(theirsOf(theirs, 'worker'));
    expect(worker.map((t) => t.taskArn).sort()).toEqual([...started.worker].sort());
    expect(worker.map((t) => t.taskDefinition).sort()).toEqual(['worker:1', 'worker:2']);
    expect(worker.map((t) => t.revision).sort()).toEqual([1, 2]);
    expect(ours(await ctx.ecs.tasks!.list(CLUSTER, 'api', signal))).toEqual(theirsOf(theirs, 'api'));

    // the panel's refresh: one list and one describe for the whole cluster, not per service
    const snap = await new AwsEcsSource(aws(), [{ cluster: CLUSTER }]).describe(signal);
    const by = Object.fromEntries(snap.services.map((s) => [s.name, s.tasks]));
    expect(ours(by.worker!)).toEqual(theirsOf(theirs, 'worker'));
    expect(ours(by.api!)).toEqual(theirsOf(theirs, 'api'));
    expect(Object.values(by).flat().map((t) => t!.taskArn)).not.toContain(started.standalone[0]);
    expect(snap.warnings).toEqual([]);
    const running = proxy.calls('ListTasks').filter((c) => c.input.desiredStatus === 'RUNNING' && c.input.serviceName === undefined);
    expect(running).toHaveLength(1);
  });

  it('stop-task stops the task: describe-tasks shows it STOPPED with opsdeck\'s reason; the other tasks run on; journaled and verified', async () => {
    const { ctx, deps, journal } = setup({ name: 'prod', protected: true });
    const victim = started.worker[1]!;
    const id = victim.split('/').pop()!;
    const plan = await stopTaskAction.plan(ctx, { cluster: CLUSTER, service: 'worker', task: shortTaskId(id), operator: 'alice@bastion', reason: 'stuck consumer', verifyTimeoutMs: 10_000 }, signal);
    expect(plan.refusal).toBeUndefined();
    expect(plan.phrase).toBe(`prod/${shortTaskId(id)}`);
    expect(plan.calls).toEqual([{ api: 'ecs:StopTask', params: { cluster: CLUSTER, task: victim, reason: 'opsdeck: stopped by alice@bastion: stuck consumer' } }]);
    expect(plan.summary).toContain(`stop task ${shortTaskId(id)} (worker:2, `);

    // a wrong phrase reaches nothing
    proxy.clear();
    expect((await runAction(deps, { action: stopTaskAction, ctx, plan, typed: shortTaskId(id) })).outcome).toBe('refused');
    expect(proxy.count('StopTask')).toBe(0);

    const result = await runAction(deps, { action: stopTaskAction, ctx, plan, typed: plan.phrase });
    expect(result.outcome, result.message).toBe('done');
    expect(result.verify).toMatchObject({ ok: true });
    expect(proxy.count('StopTask')).toBe(1);
    expect(proxy.calls('StopTask')[0]!.input).toEqual({ cluster: CLUSTER, task: victim, reason: 'opsdeck: stopped by alice@bastion: stuck consumer' });

    const [stopped] = await describeTheirs([victim]);
    expect(stopped).toMatchObject({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedReason: 'opsdeck: stopped by alice@bastion: stuck consumer' });
    const still = await ecsSays();
    expect(theirsOf(still, 'worker').map((t) => t.id)).toEqual([started.worker[0]!.split('/').pop()]);
    expect(theirsOf(still, 'api')).toHaveLength(2);
    expect(journal.read().map((r) => [r.phase, r.outcome])).toEqual([
      ['refusal', 'refused'],
      ['intent', null],
      ['outcome', 'ok'],
      ['verify', 'ok'],
    ]);
    expect(journal.verify().ok).toBe(true);
  });

  it('re-reads the task under the lock: one stopped since the plan is not stopped again', async () => {
    const { ctx, deps } = setup();
    const victim = started.api[0]!;
    const plan = await stopTaskAction.plan(ctx, { cluster: CLUSTER, service: 'api', task: victim, verifyTimeoutMs: 10_000 }, signal);
    const direct = aws(true);
    const ecs = await direct.sdk('ecs');
    await (await direct.ecs()).send(new ecs.StopTaskCommand({ cluster: CLUSTER, task: victim, reason: 'someone else' }));
    proxy.clear();
    const r = await runAction(deps, { action: stopTaskAction, ctx, plan, typed: plan.phrase });
    expect(r.outcome).toBe('aborted');
    expect(r.message).toContain('changed since the plan was shown');
    expect(proxy.count('StopTask')).toBe(0);
    const [theirs] = await describeTheirs([victim]);
    expect(theirs?.stoppedReason).toBe('someone else');
  });
});
