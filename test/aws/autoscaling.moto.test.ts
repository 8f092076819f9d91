// Application Auto Scaling against moto (which implements RegisterScalableTarget
// with SuspendedState): the ECS panel's read, the scale plan's warning, suspend
// and resume through the executor, and the result as the aws CLI itself reports
// it (`aws application-autoscaling describe-scalable-targets`).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { awsEcsControl } from '../../src/sources/aws/ecsControl.js';
import { AwsEcsSource } from '../../src/sources/aws/ecs.js';
import { runAction } from '../../src/actions/executor.js';
import { scaleAction } from '../../src/actions/ecs/scale.js';
import { autoscalingResumeAction, autoscalingSuspendAction } from '../../src/actions/ecs/autoscaling.js';
import type { EcsActionContext } from '../../src/actions/ecs/context.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { evaluateCondition } from '../../src/checks/topology.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';

const CLUSTER = 'prod';
let moto: Moto;
let dir: string;
const contexts: AwsContext[] = [];
const signal = new AbortController().signal;

beforeAll(async () => {
  moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: '2' });
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-moto-aas-'));
  mkdirSync(join(dir, 'locks'));
  const ctx = aws();
  const ecs = await ctx.sdk('ecs');
  const client = await ctx.ecs();
  await client.send(new ecs.CreateClusterCommand({ clusterName: CLUSTER }));
  await client.send(new ecs.RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'registry.example.com/web:1', memory: 512 }] }));
  for (const serviceName of ['api', 'worker', 'cron']) await client.send(new ecs.CreateServiceCommand({ cluster: CLUSTER, serviceName, taskDefinition: 'web:1', desiredCount: 2 }));
  const aas = await ctx.sdk('autoscaling');
  const scaling = await ctx.autoscaling();
  await scaling.send(new aas.RegisterScalableTargetCommand({ ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount', ResourceId: `service/${CLUSTER}/api`, MinCapacity: 2, MaxCapacity: 6 }));
  await scaling.send(
    new aas.RegisterScalableTargetCommand({
      ServiceNamespace: 'ecs',
      ScalableDimension: 'ecs:service:DesiredCount',
      ResourceId: `service/${CLUSTER}/worker`,
      MinCapacity: 1,
      MaxCapacity: 4,
      SuspendedState: { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: true, ScheduledScalingSuspended: true },
    }),
  );
});
afterEach(() => {
  for (const c of contexts.splice(0)) c.close();
  rmSync(dir, { recursive: true, force: true });
});

function aws(): AwsContext {
  const ctx = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
  contexts.push(ctx);
  return ctx;
}

function setup() {
  const ctx: EcsActionContext = {
    env: { name: 'moto', protected: false, readOnly: false, region: MOTO_REGION, account: '123456789012', identity: 'tester' },
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
    ecs: awsEcsControl(aws()),
    condition: (rule) => evaluateCondition(rule, {}),
    ruleFor: () => undefined,
  };
  const journal = new AuditJournal(join(dir, 'audit.jsonl'));
  return { ctx, deps: { journal, lock: new FileTargetLock(join(dir, 'locks')) }, journal };
}

/** The aws CLI's own answer, pointed at moto with dummy keys. */
function cliTargets(): Array<{ ResourceId: string; MinCapacity: number; MaxCapacity: number; SuspendedState: Record<string, boolean> }> {
  const out = execFileSync(
    'aws',
    ['application-autoscaling', 'describe-scalable-targets', '--service-namespace', 'ecs', '--endpoint-url', moto.endpoint, '--region', MOTO_REGION, '--output', 'json'],
    { env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_PAGER: '' }, encoding: 'utf8' },
  );
  return JSON.parse(out).ScalableTargets;
}

// moto and the aws CLI are slow on a shared machine
describe('autoscaling against moto', { timeout: 180_000 }, () => {
  it('the ECS snapshot carries each service\'s scalable target as the aws CLI lists it; none for a service without one', async () => {
    const snap = await new AwsEcsSource(aws(), [{ cluster: CLUSTER }]).describe(signal);
    const by = Object.fromEntries(snap.services.map((s) => [s.name, s.autoscaling ?? null]));
    const cli = Object.fromEntries(cliTargets().map((t) => [t.ResourceId, t]));
    expect(by.api).toEqual({ resourceId: 'service/prod/api', min: cli['service/prod/api']!.MinCapacity, max: cli['service/prod/api']!.MaxCapacity, suspended: { dynamicIn: false, dynamicOut: false, scheduled: false } });
    expect(by.worker?.suspended).toEqual({ dynamicIn: true, dynamicOut: true, scheduled: true });
    expect(cli['service/prod/worker']!.SuspendedState).toEqual({ DynamicScalingInSuspended: true, DynamicScalingOutSuspended: true, ScheduledScalingSuspended: true });
    expect(by.cron).toBeNull();
    expect(snap.warnings).toEqual([]);
  });

  it('a scale to 0 of a service with active autoscaling warns and names the suspend; a suspended or absent target does not', async () => {
    const { ctx } = setup();
    const api = await scaleAction.plan(ctx, { cluster: CLUSTER, service: 'api', desired: 0 }, signal);
    expect(api.details.join('\n')).toMatch(/WARNING autoscaling is active on api \(min 2, max 6\): scaled to 0, Application Auto Scaling can raise the count again/);
    expect(api.details.join('\n')).toContain('opsdeck autoscaling suspend api');
    const below = await scaleAction.plan(ctx, { cluster: CLUSTER, service: 'api', desired: 1 }, signal);
    expect(below.details.join('\n')).toMatch(/scaled below its minimum 2/);
    const within = await scaleAction.plan(ctx, { cluster: CLUSTER, service: 'api', desired: 3 }, signal);
    expect(within.details.join('\n')).not.toMatch(/autoscaling/i);
    for (const service of ['worker', 'cron']) {
      const plan = await scaleAction.plan(ctx, { cluster: CLUSTER, service, desired: 0 }, signal);
      expect(plan.details.join('\n')).not.toMatch(/WARNING autoscaling/);
    }
  });

  it('suspends through the executor: plan before → after, one RegisterScalableTarget, journaled, visible to the aws CLI; then resumes', async () => {
    const { ctx, deps, journal } = setup();
    const plan = await autoscalingSuspendAction.plan(ctx, { cluster: CLUSTER, service: 'api', verifyTimeoutMs: 5_000 }, signal);
    expect(plan).toMatchObject({ action: 'autoscaling-suspend', tier: 'reversible', phrase: 'y' });
    expect(plan.refusal).toBeUndefined();
    expect(plan.changes).toEqual([
      { field: 'DynamicScalingInSuspended', before: 'false', after: 'true' },
      { field: 'DynamicScalingOutSuspended', before: 'false', after: 'true' },
      { field: 'ScheduledScalingSuspended', before: 'false', after: 'true' },
    ]);
    expect(plan.calls[0]).toMatchObject({ api: 'application-autoscaling:RegisterScalableTarget', params: { ResourceId: 'service/prod/api' } });
    const r = await runAction(deps, { action: autoscalingSuspendAction, ctx, plan, typed: 'y' });
    expect(r.outcome, r.message).toBe('done');
    expect(r.verify?.ok).toBe(true);
    const api = cliTargets().find((t) => t.ResourceId === 'service/prod/api')!;
    expect(api.SuspendedState).toEqual({ DynamicScalingInSuspended: true, DynamicScalingOutSuspended: true, ScheduledScalingSuspended: true });
    // the bounds stay as registered
    expect([api.MinCapacity, api.MaxCapacity]).toEqual([2, 6]);
    expect(journal.read().map((x) => [x.action, x.phase, x.outcome])).toEqual([
      ['autoscaling-suspend', 'intent', null],
      ['autoscaling-suspend', 'outcome', 'ok'],
      ['autoscaling-suspend', 'verify', 'ok'],
    ]);

    // suspended: the scale to 0 plan no longer warns, and suspending again is refused as nothing to do
    expect((await scaleAction.plan(ctx, { cluster: CLUSTER, service: 'api', desired: 0 }, signal)).details.join('\n')).not.toMatch(/WARNING autoscaling/);
    expect((await autoscalingSuspendAction.plan(ctx, { cluster: CLUSTER, service: 'api' }, signal)).refusal).toMatch(/already suspended/);

    const back = await autoscalingResumeAction.plan(ctx, { cluster: CLUSTER, service: 'api', verifyTimeoutMs: 5_000 }, signal);
    const rr = await runAction(deps, { action: autoscalingResumeAction, ctx, plan: back, typed: back.phrase });
    expect(rr.outcome, rr.message).toBe('done');
    expect(cliTargets().find((t) => t.ResourceId === 'service/prod/api')!.SuspendedState).toEqual({ DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false });
  });

  it('resuming a service scaled below its minimum is destructive (typed name) and says why; no target is refused', async () => {
    const { ctx, deps } = setup();
    await runAction(deps, { action: scaleAction, ctx, plan: await scaleAction.plan(ctx, { cluster: CLUSTER, service: 'worker', desired: 0, verifyTimeoutMs: 5_000 }, signal), typed: 'worker' });
    const plan = await autoscalingResumeAction.plan(ctx, { cluster: CLUSTER, service: 'worker' }, signal);
    expect(plan).toMatchObject({ tier: 'destructive', phrase: 'worker' });
    expect(plan.details.join('\n')).toMatch(/desired 0 is below the minimum 1/);
    expect((await autoscalingSuspendAction.plan(ctx, { cluster: CLUSTER, service: 'cron' }, signal)).refusal).toMatch(/cron has no scalable target/);
  });
});
