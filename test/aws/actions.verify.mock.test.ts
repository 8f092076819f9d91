// What "done" means for the ECS actions, against the SDK with
// aws-sdk-client-mock: the responses follow the ECS API reference
// (DescribeServices: a service's deployments, each with its status PRIMARY /
// ACTIVE, rolloutState, runningCount, pendingCount; UpdateService starts a new
// PRIMARY deployment when the task definition changes or forceNewDeployment is
// set). moto cannot show a deployment that fails, nor one that replaces another.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, ListTaskDefinitionsCommand, UpdateServiceCommand, type Deployment, type Service } from '@aws-sdk/client-ecs';
import { createAwsContext } from '../../src/sources/aws/clients.js';
import { awsEcsControl } from '../../src/sources/aws/ecsControl.js';
import { runAction, type ExecutorDeps } from '../../src/actions/executor.js';
import { Watches } from '../../src/actions/watches.js';
import { scaleAction } from '../../src/actions/ecs/scale.js';
import { rollbackAction } from '../../src/actions/ecs/rollback.js';
import { redeployAction } from '../../src/actions/ecs/redeploy.js';
import type { EcsActionContext } from '../../src/actions/ecs/context.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { resourceKey } from '../../src/actions/lockResource.js';
import { ManualClock } from '../../src/engine/clock.js';

const ecsMock = mockClient(ECSClient);
// the ECS source and the scale plan also read Application Auto Scaling: no scalable targets here
mockClient(ApplicationAutoScalingClient).on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
const ACCOUNT = '123456789012';
const T0 = Date.UTC(2026, 2, 14, 3, 0, 0);
const tdArn = (td: string) => `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${td}`;
const signal = new AbortController().signal;

/** A service as ECS holds it; UpdateService changes it as ECS does, the test moves the task counts. */
class FakeService {
  desired = 4;
  taskDefinition = 'api:43';
  deployments: Deployment[] = [
    // the bad revision: a rollout that is not going to complete
    { id: 'ecs-svc/0002', status: 'PRIMARY', taskDefinition: tdArn('api:43'), desiredCount: 4, runningCount: 2, pendingCount: 2, failedTasks: 6, rolloutState: 'IN_PROGRESS', rolloutStateReason: 'ECS deployment ecs-svc/0002 in progress.', createdAt: new Date(T0 - 600_000), updatedAt: new Date(T0 - 60_000) },
  ];
  private next = 3;

  describe(): Service {
    const running = this.deployments.reduce((n, d) => n + (d.runningCount ?? 0), 0);
    const pending = this.deployments.reduce((n, d) => n + (d.pendingCount ?? 0), 0);
    return { serviceName: 'api', status: 'ACTIVE', desiredCount: this.desired, runningCount: running, pendingCount: pending, taskDefinition: tdArn(this.taskDefinition), deployments: structuredClone(this.deployments), events: [] };
  }

  update(input: { desiredCount?: number; taskDefinition?: string; forceNewDeployment?: boolean }): void {
    if (input.desiredCount !== undefined) {
      this.desired = input.desiredCount;
      this.primary().desiredCount = input.desiredCount;
    }
    if (input.taskDefinition !== undefined || input.forceNewDeployment) {
      if (input.taskDefinition) this.taskDefinition = input.taskDefinition;
      for (const d of this.deployments) d.status = 'ACTIVE';
      this.deployments.unshift({ id: `ecs-svc/000${this.next++}`, status: 'PRIMARY', taskDefinition: tdArn(this.taskDefinition), desiredCount: this.desired, runningCount: 0, pendingCount: 0, failedTasks: 0, rolloutState: 'IN_PROGRESS', createdAt: new Date(T0), updatedAt: new Date(T0) });
    }
  }

  primary(): Deployment {
    return this.deployments.find((d) => d.status === 'PRIMARY')!;
  }
}

let svc: FakeService;
let dir: string;
let clock: ManualClock;
/** called on every DescribeServices, after the answer was made: the world moves between reads */
let onRead: (n: number) => void;

beforeEach(() => {
  svc = new FakeService();
  clock = new ManualClock(T0);
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-verify-'));
  mkdirSync(join(dir, 'locks'));
  onRead = () => undefined;
  let reads = 0;
  ecsMock.reset();
  ecsMock.on(DescribeServicesCommand).callsFake(() => {
    const out = { services: [svc.describe()], failures: [] };
    onRead(++reads);
    return out;
  });
  ecsMock.on(UpdateServiceCommand).callsFake((input: { desiredCount?: number; taskDefinition?: string; forceNewDeployment?: boolean }) => {
    svc.update(input);
    return { service: svc.describe(), $metadata: { requestId: `req-${reads}` } };
  });
  ecsMock.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [tdArn('api:43'), tdArn('api:42')] });
  ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => {
    const rev = input.taskDefinition.split(':').pop();
    return { taskDefinition: { family: 'api', revision: Number(rev), taskDefinitionArn: tdArn(`api:${rev}`), containerDefinitions: [{ name: 'app', image: `registry.example.com/api:1.${rev}.0`, environment: [], secrets: [] }] } };
  });
});
afterEach(() => {
  ecsMock.reset();
  rmSync(dir, { recursive: true, force: true });
});

function setup(watches = new Watches()) {
  const aws = createAwsContext({ config: { region: 'us-east-1' }, env: {}, sdk: { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } });
  const ctx: EcsActionContext = {
    env: { name: 'prod', protected: false, readOnly: false, region: 'us-east-1', account: ACCOUNT, identity: 'tester' },
    now: () => clock.now(),
    // each pause moves the virtual clock and yields, so another action can run meanwhile
    sleep: (ms, s) =>
      new Promise((resolve, reject) => {
        if (s.aborted) return reject(s.reason);
        clock.advance(ms);
        setImmediate(() => (s.aborted ? reject(s.reason) : resolve()));
      }),
    ecs: awsEcsControl(aws),
    condition: () => ({ holds: true, reason: 'no rule' }),
    ruleFor: () => undefined,
  };
  const journal = new AuditJournal(join(dir, 'audit.jsonl'));
  const lock = new FileTargetLock(join(dir, 'locks'));
  const deps: ExecutorDeps = { journal, lock, watches };
  return { ctx, deps, journal, lock, close: () => aws.close() };
}

describe('scale', () => {
  it('is done when the counts reach the target, though the failing rollout never completes', async () => {
    const { ctx, deps, journal, close } = setup();
    // ECS stops the tasks over two reads; the deployment stays IN_PROGRESS throughout
    onRead = (n) => {
      const p = svc.primary();
      if (n === 3) Object.assign(p, { runningCount: 1, pendingCount: 0 });
      if (n === 4) Object.assign(p, { runningCount: 0, pendingCount: 0 });
    };
    const plan = await scaleAction.plan(ctx, { cluster: 'prod', service: 'api', desired: 0, verifyTimeoutMs: 45_000 }, signal);
    const r = await runAction(deps, { action: scaleAction, ctx, plan, typed: 'api' });
    close();
    expect(r.outcome, r.message).toBe('done');
    expect(r.message).toBe('prod/api: running 0/0, pending 0, rollout IN_PROGRESS, api:43');
    expect(journal.read().map((x) => [x.phase, x.outcome, x.detail])).toEqual([
      ['intent', null, plan.summary],
      ['outcome', 'ok', 'UpdateService desiredCount=0 accepted'],
      ['verify', 'ok', r.message],
    ]);
  });

  it('says the timeout as it was given, and journals the verification that ran out', async () => {
    const { ctx, deps, journal, close } = setup();
    // nothing stops: ECS keeps 2 tasks running
    const plan = await scaleAction.plan(ctx, { cluster: 'prod', service: 'api', desired: 0, verifyTimeoutMs: 45_000 }, signal);
    const r = await runAction(deps, { action: scaleAction, ctx, plan, typed: 'api' });
    close();
    expect(r.outcome).toBe('failed');
    expect(r.message).toBe('Scale prod/api to 0: the call succeeded but after 45 s running 2/0, pending 2, rollout IN_PROGRESS, api:43; it may still finish, watch the ECS panel');
    expect(journal.read().map((x) => [x.phase, x.outcome])).toEqual([['intent', null], ['outcome', 'ok'], ['verify', 'failed']]);
    expect(journal.read()[2]!.detail).toContain('after 45 s');
  });

  it('releases the lock once the call returned: a rollback of the same service runs during the watch and takes it over', async () => {
    const watches = new Watches();
    const { ctx, deps, journal, lock, close } = setup(watches);
    const scale = await scaleAction.plan(ctx, { cluster: 'prod', service: 'api', desired: 0 }, signal);
    let lockFree: boolean | undefined;
    let rollback: Promise<Awaited<ReturnType<typeof runAction>>> | undefined;
    onRead = (n) => {
      // read 1 made the plan, read 2 is the re-read under the lock; read 3 is the first of the watch, after the call returned
      if (n !== 3) return;
      onRead = () => undefined;
      rollback = (async () => {
        const probe = await lock.acquire(resourceKey({ kind: 'ecs-service', account: ACCOUNT, region: 'us-east-1', cluster: 'prod', service: 'api' }), 1_000, { action: 'probe', environment: 'prod', target: 'prod/api' });
        lockFree = true;
        await probe.release();
        const plan = await rollbackAction.plan(ctx, { cluster: 'prod', service: 'api' }, signal);
        // the new deployment of api:42 places all its tasks; the old one still drains
        onRead = () => Object.assign(svc.primary(), { runningCount: svc.primary().desiredCount, pendingCount: 0 });
        return runAction(deps, { action: rollbackAction, ctx, plan, typed: 'api' });
      })();
    };
    const first = await runAction(deps, { action: scaleAction, ctx, plan: scale, typed: 'api' });
    const second = await rollback!;
    close();
    expect(lockFree).toBe(true);
    expect(first.outcome).toBe('aborted');
    expect(first.message).toBe('Scale prod/api to 0: the call succeeded; the watch stopped: Roll back prod/api to api:42 took over prod/api');
    expect(second.outcome, second.message).toBe('done');
    expect(second.message).toBe('prod/api: the new deployment ecs-svc/0003 (api:42) is PRIMARY with 0/0 running');
    expect(watches.keys()).toEqual([]);
    const records = journal.read();
    const of = (action: string) => records.filter((x) => x.action === action).map((x) => [x.phase, x.outcome]);
    expect(of('scale')).toEqual([['intent', null], ['outcome', 'ok'], ['verify', 'aborted']]);
    expect(of('rollback')).toEqual([['intent', null], ['outcome', 'ok'], ['verify', 'ok']]);
    // the rollback's call went out while the scale was still being watched
    expect(records.findIndex((x) => x.action === 'rollback' && x.phase === 'outcome')).toBeLessThan(records.findIndex((x) => x.action === 'scale' && x.phase === 'verify'));
  });
});

describe('rollback and redeploy', () => {
  it('a rollback is done when the new deployment is PRIMARY with its running count, while its rollout is still IN_PROGRESS and the old one drains', async () => {
    const { ctx, deps, close } = setup();
    onRead = (n) => {
      const p = svc.primary();
      if (p.id === 'ecs-svc/0002') return;
      if (n === 3) Object.assign(p, { runningCount: 2, pendingCount: 2 });
      if (n === 4) Object.assign(p, { runningCount: 4, pendingCount: 0 });
    };
    const plan = await rollbackAction.plan(ctx, { cluster: 'prod', service: 'api' }, signal);
    const r = await runAction(deps, { action: rollbackAction, ctx, plan, typed: 'api' });
    close();
    expect(r.outcome, r.message).toBe('done');
    expect(r.message).toBe('prod/api: the new deployment ecs-svc/0003 (api:42) is PRIMARY with 4/4 running');
    const d = svc.describe().deployments!;
    expect(d.map((x) => [x.id, x.status, x.rolloutState, x.runningCount])).toEqual([
      ['ecs-svc/0003', 'PRIMARY', 'IN_PROGRESS', 4],
      ['ecs-svc/0002', 'ACTIVE', 'IN_PROGRESS', 2],
    ]);
  });

  it('a redeploy whose new deployment fails says so at once, with ECS\'s reason, and journals it', async () => {
    const { ctx, deps, journal, close } = setup();
    onRead = (n) => {
      if (n === 3) {
        const p = svc.primary();
        Object.assign(p, { rolloutState: 'FAILED', failedTasks: 3, rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.' });
      }
    };
    const plan = await redeployAction.plan(ctx, { cluster: 'prod', service: 'api' }, signal);
    const r = await runAction(deps, { action: redeployAction, ctx, plan, typed: 'y' });
    close();
    expect(r.outcome).toBe('failed');
    expect(r.message).toBe('Redeploy prod/api: the call succeeded but prod/api: the new deployment ecs-svc/0003 (api:43) failed: ECS deployment circuit breaker: tasks failed to start.; running 0/4');
    expect(journal.read().map((x) => [x.phase, x.outcome])).toEqual([['intent', null], ['outcome', 'ok'], ['verify', 'failed']]);
    // the watch ended on the first read that showed the failure, not at the timeout
    expect(clock.now() - T0).toBeLessThan(10_000);
  });
});
