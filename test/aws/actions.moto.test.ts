// The ECS actions through the real path: runAction → awsEcsControl → the SDK
// → a counting proxy → moto, with a real journal and a real file lock. The
// proxy is what proves a guard held: a refused action must leave no
// UpdateService (nor any other mutating call) at the emulator.
// moto settles at once: UpdateService sets runningCount = desiredCount, and
// MOTO_ECS_SERVICE_RUNNING=2 starts every service with 2 running tasks (a
// service created wanting more keeps its deployment IN_PROGRESS for good).
// moto does not start a new deployment when the task definition changes, so
// a rollback's verification cannot see one here: actions.verify.mock.test.ts
// covers that with ECS's own response shapes.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { awsEcsControl } from '../../src/sources/aws/ecsControl.js';
import { runAction, type ExecutorDeps } from '../../src/actions/executor.js';
import { scaleAction } from '../../src/actions/ecs/scale.js';
import { rollbackAction } from '../../src/actions/ecs/rollback.js';
import { redeployAction } from '../../src/actions/ecs/redeploy.js';
import type { EcsActionContext } from '../../src/actions/ecs/context.js';
import type { ActionDefinition } from '../../src/actions/types.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { resourceKey } from '../../src/actions/lockResource.js';
import { evaluateCondition } from '../../src/checks/topology.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';
import { startCountingProxy, type CountingProxy } from '../support/countingProxy.js';

const CLUSTER = 'prod';
const FAMILY = 'web';
const SERVICES = Array.from({ length: 25 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
const DB_SECRET = 'hunter2';
// three revisions whose image tags and variable names differ; values must never surface
const REVISIONS = [
  { tag: '1.0.0', env: ['LOG_LEVEL', 'DATABASE_URL'] },
  { tag: '1.1.0', env: ['LOG_LEVEL', 'DATABASE_URL', 'FEATURE_FLAGS'] },
  { tag: '1.2.0', env: ['LOG_LEVEL', 'DB_URL', 'FEATURE_FLAGS', 'CACHE_URL'] },
];

let moto: Moto;
let proxy: CountingProxy;
let dir: string;
let contexts: AwsContext[] = [];
const signal = new AbortController().signal;

beforeAll(async () => {
  moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: '2' });
  proxy = await startCountingProxy(moto.endpoint);
});
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  await seedFleet();
  proxy.clear();
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-moto-actions-'));
  mkdirSync(join(dir, 'locks'));
});
afterEach(() => {
  for (const c of contexts.splice(0)) c.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An SDK context; `direct` bypasses the proxy (seeding and inspecting moto), otherwise calls are counted. */
function aws(direct = false): AwsContext {
  const ctx = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: direct ? moto.sdk : { ...moto.sdk, endpoint: proxy.url } });
  contexts.push(ctx);
  return ctx;
}

async function seedFleet(): Promise<void> {
  const ctx = aws(true);
  const ecs = await ctx.sdk('ecs');
  const client = await ctx.ecs();
  await client.send(new ecs.CreateClusterCommand({ clusterName: CLUSTER }));
  for (const r of REVISIONS) {
    await client.send(
      new ecs.RegisterTaskDefinitionCommand({
        family: FAMILY,
        containerDefinitions: [
          {
            name: 'app',
            image: `registry.example.com/web:${r.tag}`,
            memory: 512,
            environment: r.env.map((name) => ({ name, value: /URL/.test(name) ? `postgres://app:${DB_SECRET}@db/app` : 'x' })),
          },
        ],
      }),
    );
  }
  for (const serviceName of SERVICES) {
    await client.send(new ecs.CreateServiceCommand({ cluster: CLUSTER, serviceName, taskDefinition: `${FAMILY}:3`, desiredCount: 2 }));
  }
}

/** moto's own view of a service, read around the proxy. */
async function motoService(name: string) {
  const ctx = aws(true);
  const ecs = await ctx.sdk('ecs');
  const out = await (await ctx.ecs()).send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: [name] }));
  const s = out.services?.[0];
  if (!s) throw new Error(`moto has no service ${name}`);
  return { desired: s.desiredCount, running: s.runningCount, taskDefinition: (s.taskDefinition ?? '').split('/').pop(), deployment: s.deployments?.[0]?.id };
}

interface Setup {
  ctx: EcsActionContext;
  deps: ExecutorDeps;
  journal: AuditJournal;
}

function setup(env: Partial<EnvironmentInfo> = {}): Setup {
  const info: EnvironmentInfo = { name: 'moto', protected: false, readOnly: false, region: MOTO_REGION, account: '123456789012', identity: 'tester', ...env };
  const ctx: EcsActionContext = {
    env: info,
    now: () => Date.now(),
    // moto settles on the first read; a short pause keeps a failing verification from hammering it
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
    ecs: awsEcsControl(aws()),
    condition: (rule) => evaluateCondition(rule, {}),
    ruleFor: () => undefined,
  };
  const journal = new AuditJournal(join(dir, 'audit.jsonl'));
  return { ctx, deps: { journal, lock: new FileTargetLock(join(dir, 'locks')) }, journal };
}

const VERIFY_MS = 10_000;
const ops = () => proxy.calls().map((c) => c.operation);

describe('scale against moto', () => {
  it('scales a service to 0 and back: exact calls, moto changed, journal intent + outcome + verify, verified', async () => {
    const { ctx, deps, journal } = setup();
    const down = await scaleAction.plan(ctx, { cluster: CLUSTER, service: 'svc-03', desired: 0, verifyTimeoutMs: VERIFY_MS }, signal);
    expect(down.summary).toBe('moto / cluster prod / service svc-03: desiredCount 2 → 0; running 2');
    expect(down).toMatchObject({ tier: 'destructive', phrase: 'svc-03', target: { display: 'moto/svc-03', parent: CLUSTER } });
    expect(down.calls).toEqual([{ api: 'ecs:UpdateService', params: { cluster: CLUSTER, service: 'svc-03', desiredCount: 0 } }]);
    expect(ops()).toEqual(['DescribeServices', 'DescribeScalableTargets']);

    proxy.clear();
    const r = await runAction(deps, { action: scaleAction, ctx, plan: down, typed: 'svc-03' });
    expect(r.outcome, r.message).toBe('done');
    expect(r.verify?.ok).toBe(true);
    expect(r.message).toContain('moto/svc-03: running 0/0');
    // the re-read under the lock, the one call the plan listed, the verification read
    expect(ops()).toEqual(['DescribeServices', 'UpdateService', 'DescribeServices']);
    expect(proxy.calls('UpdateService')[0]!.input).toEqual({ cluster: CLUSTER, service: 'svc-03', desiredCount: 0 });
    expect(proxy.calls().map((c) => c.status)).toEqual([200, 200, 200]);
    expect(await motoService('svc-03')).toMatchObject({ desired: 0, running: 0, taskDefinition: 'web:3' });
    expect(await motoService('svc-04')).toMatchObject({ desired: 2, running: 2 });

    const records = journal.read();
    expect(records.map((x) => [x.phase, x.outcome, x.phraseAccepted, x.target, x.environment])).toEqual([
      ['intent', null, true, 'moto/svc-03', 'moto'],
      ['outcome', 'ok', true, 'moto/svc-03', 'moto'],
      ['verify', 'ok', true, 'moto/svc-03', 'moto'],
    ]);
    expect(records[0]!.detail).toBe(down.summary);
    expect(records[2]!.detail).toBe(r.message);
    expect(r.requestIds).toHaveLength(1);
    expect(records[1]!.requestIds).toEqual(r.requestIds);
    expect(journal.verify()).toMatchObject({ ok: true, count: 3 });

    // back up: more tasks is the reversible tier, confirmed with y
    const up = await scaleAction.plan(ctx, { cluster: CLUSTER, service: 'svc-03', desired: 2, verifyTimeoutMs: VERIFY_MS }, signal);
    expect(up.summary).toBe('moto / cluster prod / service svc-03: desiredCount 0 → 2; running 0');
    expect(up).toMatchObject({ tier: 'reversible', phrase: 'y' });
    const back = await runAction(deps, { action: scaleAction, ctx, plan: up, typed: 'y' });
    expect(back.outcome, back.message).toBe('done');
    expect(await motoService('svc-03')).toMatchObject({ desired: 2, running: 2 });
    expect(proxy.count('UpdateService')).toBe(2);
    expect(journal.read().map((x) => [x.phase, x.outcome])).toEqual([
      ['intent', null],
      ['outcome', 'ok'],
      ['verify', 'ok'],
      ['intent', null],
      ['outcome', 'ok'],
      ['verify', 'ok'],
    ]);
    expect(journal.verify()).toMatchObject({ ok: true, count: 6 });
  });

  it('scales a service whose rollout never completes to 0: done once nothing runs, though the rollout stays IN_PROGRESS', async () => {
    const { ctx, deps, journal } = setup();
    const admin = aws(true);
    const ecs = await admin.sdk('ecs');
    // wants 4, moto runs 2: its deployment stays IN_PROGRESS, as a failing one does
    await (await admin.ecs()).send(new ecs.CreateServiceCommand({ cluster: CLUSTER, serviceName: 'stuck', taskDefinition: `${FAMILY}:3`, desiredCount: 4 }));
    const before = await ctx.ecs.service(CLUSTER, 'stuck', signal);
    expect([before.running, before.desired, before.rollout]).toEqual([2, 4, 'IN_PROGRESS']);
    const plan = await scaleAction.plan(ctx, { cluster: CLUSTER, service: 'stuck', desired: 0, verifyTimeoutMs: VERIFY_MS }, signal);
    const r = await runAction(deps, { action: scaleAction, ctx, plan, typed: 'stuck' });
    expect(r.outcome, r.message).toBe('done');
    expect(r.message).toBe('moto/stuck: running 0/0, pending 0, rollout IN_PROGRESS, web:3');
    expect(await motoService('stuck')).toMatchObject({ desired: 0, running: 0 });
    expect(journal.read().map((x) => [x.phase, x.outcome])).toEqual([['intent', null], ['outcome', 'ok'], ['verify', 'ok']]);
  });

  it('refuses a no-op scale in the plan, and runAction then sends nothing', async () => {
    const { ctx, deps } = setup();
    const plan = await scaleAction.plan(ctx, { cluster: CLUSTER, service: 'svc-01', desired: 2 }, signal);
    expect(plan.refusal).toBe('svc-01 already wants 2 tasks; nothing to do');
    proxy.clear();
    const r = await runAction(deps, { action: scaleAction, ctx, plan, typed: plan.phrase });
    expect(r.outcome).toBe('refused');
    expect(proxy.calls()).toEqual([]);
  });
});

describe('rollback against moto', () => {
  it('goes back to the previous revision, showing the image tag and variable-name diff', async () => {
    const { ctx, deps, journal } = setup();
    const plan = await rollbackAction.plan(ctx, { cluster: CLUSTER, service: 'svc-05', verifyTimeoutMs: VERIFY_MS }, signal);
    expect(plan.refusal).toBeUndefined();
    expect(plan.summary).toBe('moto / cluster prod / service svc-05: taskDefinition web:3 → web:2; desired 2, running 2');
    expect(plan.changes).toEqual([{ field: 'taskDefinition', before: 'web:3', after: 'web:2' }]);
    expect(plan.details).toEqual(['app image: 1.2.0 → 1.1.0', 'app env added: DATABASE_URL', 'app env removed: CACHE_URL, DB_URL']);
    expect(JSON.stringify(plan)).not.toContain(DB_SECRET);

    proxy.clear();
    const r = await runAction(deps, { action: rollbackAction, ctx, plan: { ...plan, verifyTimeoutMs: 1_000 }, typed: 'svc-05' });
    expect(proxy.calls('UpdateService').map((c) => c.input)).toEqual([{ cluster: CLUSTER, service: 'svc-05', taskDefinition: 'web:2' }]);
    expect(await motoService('svc-05')).toMatchObject({ taskDefinition: 'web:2', desired: 2 });
    expect(await motoService('svc-06')).toMatchObject({ taskDefinition: 'web:3' });
    // moto keeps the old deployment (web:3) PRIMARY: no deployment of web:2 ever runs, and verification says so
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/^Roll back moto\/svc-05 to web:2: the call succeeded but after 1 s running 2\/2, pending 0, rollout COMPLETED, web:2; it may still finish/);
    expect(journal.read().map((x) => [x.phase, x.outcome])).toEqual([['intent', null], ['outcome', 'ok'], ['verify', 'failed']]);
    expect(journal.verify()).toMatchObject({ ok: true, count: 3 });
    expect(readFileSync(journal.path, 'utf8')).not.toContain(DB_SECRET);
  });

  it('goes back to a chosen revision with --to', async () => {
    const { ctx, deps } = setup();
    const plan = await rollbackAction.plan(ctx, { cluster: CLUSTER, service: 'svc-05', to: 1, verifyTimeoutMs: 1_000 }, signal);
    expect(plan.changes).toEqual([{ field: 'taskDefinition', before: 'web:3', after: 'web:1' }]);
    expect(plan.details).toEqual(['app image: 1.2.0 → 1.0.0', 'app env added: DATABASE_URL', 'app env removed: CACHE_URL, DB_URL, FEATURE_FLAGS']);
    const r = await runAction(deps, { action: rollbackAction, ctx, plan, typed: 'svc-05' });
    expect(r.message).toContain('the call succeeded');
    expect(proxy.calls('UpdateService').map((c) => c.input)).toEqual([{ cluster: CLUSTER, service: 'svc-05', taskDefinition: 'web:1' }]);
    expect(await motoService('svc-05')).toMatchObject({ taskDefinition: 'web:1' });
  });

  it('refuses the current revision and one that does not exist, sending no UpdateService', async () => {
    const { ctx, deps } = setup();
    const same = await rollbackAction.plan(ctx, { cluster: CLUSTER, service: 'svc-05', to: 3 }, signal);
    expect(same.refusal).toBe('svc-05 already runs web:3; nothing to roll back');
    const ghost = await rollbackAction.plan(ctx, { cluster: CLUSTER, service: 'svc-05', to: 9 }, signal);
    expect(ghost.refusal).toBe('web:9 is not an active revision of web (active: web:3, web:2, web:1)');
    for (const plan of [same, ghost]) expect((await runAction(deps, { action: rollbackAction, ctx, plan, typed: 'svc-05' })).outcome).toBe('refused');
    expect(proxy.count('UpdateService')).toBe(0);
    expect(await motoService('svc-05')).toMatchObject({ taskDefinition: 'web:3' });
  });
});

describe('a call moto rejects', () => {
  it('journals the failure and says it in one line', async () => {
    const { ctx, deps, journal } = setup();
    const plan = await rollbackAction.plan(ctx, { cluster: CLUSTER, service: 'svc-13', verifyTimeoutMs: VERIFY_MS }, signal);
    // the target revision disappears after the plan; the service itself is unchanged, so the re-read passes
    const admin = aws(true);
    const ecs = await admin.sdk('ecs');
    await (await admin.ecs()).send(new ecs.DeregisterTaskDefinitionCommand({ taskDefinition: 'web:2' }));
    await (await admin.ecs()).send(new ecs.DeleteTaskDefinitionsCommand({ taskDefinitions: ['web:2'] }));
    proxy.clear();
    const r = await runAction(deps, { action: rollbackAction, ctx, plan, typed: 'svc-13' });
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/^Roll back moto\/svc-13 to web:2 failed: ECS UpdateService failed: [^\n]+$/);
    expect(proxy.calls('UpdateService').map((c) => c.status)).toEqual([400]);
    expect(await motoService('svc-13')).toMatchObject({ taskDefinition: 'web:3' });
    const records = journal.read();
    expect(records.map((x) => [x.phase, x.outcome])).toEqual([['intent', null], ['outcome', 'failed']]);
    expect(r.message).toContain(records[1]!.detail);
    expect(journal.verify()).toMatchObject({ ok: true, count: 2 });
  });
});

describe('redeploy against moto', () => {
  it('forces a new deployment of the same revision', async () => {
    const { ctx, deps, journal } = setup();
    const before = await motoService('svc-07');
    const plan = await redeployAction.plan(ctx, { cluster: CLUSTER, service: 'svc-07', verifyTimeoutMs: VERIFY_MS }, signal);
    expect(plan).toMatchObject({ tier: 'reversible', phrase: 'y', summary: 'moto / cluster prod / service svc-07: new deployment of web:3; desired 2, running 2' });
    expect(plan.changes).toEqual([{ field: 'deployment', before: before.deployment, after: 'a new deployment' }]);
    proxy.clear();
    const r = await runAction(deps, { action: redeployAction, ctx, plan, typed: 'y' });
    expect(r.outcome, r.message).toBe('done');
    expect(proxy.calls('UpdateService').map((c) => c.input)).toEqual([{ cluster: CLUSTER, service: 'svc-07', forceNewDeployment: true }]);
    const after = await motoService('svc-07');
    expect(after.deployment).toBeTruthy();
    expect(after.deployment).not.toBe(before.deployment);
    expect(after).toMatchObject({ taskDefinition: 'web:3', desired: 2 });
    expect(r.message).toBe(`moto/svc-07: the new deployment ${after.deployment} (web:3) is PRIMARY with 2/2 running`);
    expect(journal.read().map((x) => [x.phase, x.outcome])).toEqual([['intent', null], ['outcome', 'ok'], ['verify', 'ok']]);
    expect(journal.verify()).toMatchObject({ ok: true, count: 3 });
  });
});

type AnyAction = ActionDefinition<never, EcsActionContext>;
const ALL: { name: string; action: AnyAction; args: Record<string, unknown>; phrase: string }[] = [
  { name: 'scale', action: scaleAction as AnyAction, args: { desired: 0 }, phrase: 'svc-09' },
  { name: 'rollback', action: rollbackAction as AnyAction, args: {}, phrase: 'svc-09' },
  { name: 'redeploy', action: redeployAction as AnyAction, args: {}, phrase: 'y' },
];

describe('the guards, seen at the emulator', () => {
  it.each(ALL)('read-only: $name is planned with reads only and refused with the right phrase; no mutating call reaches moto', async ({ action, args, phrase }) => {
    const { ctx, deps, journal } = setup({ readOnly: true });
    const plan = await action.plan(ctx, { cluster: CLUSTER, service: 'svc-09', ...args } as never, signal);
    expect(plan.phrase).toBe(phrase);
    const r = await runAction(deps, { action, ctx, plan, typed: phrase });
    expect(r.outcome).toBe('refused');
    expect(r.message).toMatch(/^moto is read-only: .* was not run/);
    expect(proxy.count('DescribeServices')).toBeGreaterThanOrEqual(1);
    expect(proxy.count('UpdateService')).toBe(0);
    expect(proxy.mutating()).toEqual([]);
    expect(await motoService('svc-09')).toMatchObject({ desired: 2, taskDefinition: 'web:3' });
    expect(journal.read().map((x) => [x.phase, x.outcome])).toEqual([['refusal', 'refused']]);
  });

  it('a wrong phrase sends nothing at all, not even the re-read', async () => {
    const { ctx, deps, journal } = setup();
    const plan = await scaleAction.plan(ctx, { cluster: CLUSTER, service: 'svc-10', desired: 0 }, signal);
    proxy.clear();
    for (const typed of [undefined, '', 'SVC-10', 'svc-10 ', 'moto/svc-10', 'y']) {
      expect((await runAction(deps, { action: scaleAction, ctx, plan, typed })).outcome).toBe('refused');
    }
    expect(proxy.calls()).toEqual([]);
    expect(await motoService('svc-10')).toMatchObject({ desired: 2 });
    expect(journal.read()).toHaveLength(6);
    expect(journal.read().every((x) => x.phase === 'refusal' && x.phraseAccepted === false)).toBe(true);
  });

  it.each([
    { name: 'scale', action: scaleAction as AnyAction, args: { desired: 0 }, typed: 'svc-11', meanwhile: { desiredCount: 5 }, moved: 'desiredCount 2 → 5' },
    { name: 'rollback', action: rollbackAction as AnyAction, args: {}, typed: 'svc-11', meanwhile: { taskDefinition: 'web:1' }, moved: 'taskDefinition "web:3" → "web:1"' },
    { name: 'redeploy', action: redeployAction as AnyAction, args: {}, typed: 'y', meanwhile: { forceNewDeployment: true }, moved: 'deployment "ecs-svc/' },
  ])('$name aborts when another client changed the service between plan and confirm', async ({ action, args, typed, meanwhile, moved }) => {
    const { ctx, deps, journal } = setup();
    const plan = await action.plan(ctx, { cluster: CLUSTER, service: 'svc-11', ...args } as never, signal);
    // another operator's client, also through the proxy
    const other = aws();
    const ecs = await other.sdk('ecs');
    await (await other.ecs()).send(new ecs.UpdateServiceCommand({ cluster: CLUSTER, service: 'svc-11', ...meanwhile }));
    const changed = await motoService('svc-11');

    const r = await runAction(deps, { action, ctx, plan, typed });
    expect(r.outcome).toBe('aborted');
    expect(r.message).toContain('moto/svc-11 changed since the plan was shown (');
    expect(r.message).toContain(moved);
    expect(proxy.calls('UpdateService').map((c) => c.input)).toEqual([{ cluster: CLUSTER, service: 'svc-11', ...meanwhile }]);
    expect(await motoService('svc-11')).toEqual(changed);
    expect(journal.read().map((x) => [x.phase, x.outcome])).toEqual([['refusal', 'aborted']]);
  });

  it('refuses while another owner holds the lock, naming them; nothing is sent', async () => {
    const { ctx, deps, journal } = setup();
    const alice = new FileTargetLock(join(dir, 'locks'), { identity: { operator: 'alice', host: 'bastion-1' } });
    const key = resourceKey({ kind: 'ecs-service', account: '123456789012', region: MOTO_REGION, cluster: CLUSTER, service: 'svc-12' });
    const held = await alice.acquire(key, 60_000, { action: 'scale', environment: 'other', target: 'other/svc-12' });
    try {
      const plan = await scaleAction.plan(ctx, { cluster: CLUSTER, service: 'svc-12', desired: 0 }, signal);
      proxy.clear();
      const r = await runAction(deps, { action: scaleAction, ctx, plan, typed: 'svc-12' });
      expect(r.outcome).toBe('refused');
      expect(r.message).toMatch(new RegExp(`^ecs/123456789012/${MOTO_REGION}/${CLUSTER}/svc-12 is locked: scale of other/svc-12 by alice@bastion-1 \\(pid \\d+\\)`));
      expect(r.message).toMatch(/its lease lapses at \d\d:\d\d:\d\d UTC \(in \d+ s\)/);
      expect(proxy.calls()).toEqual([]);
      expect(await motoService('svc-12')).toMatchObject({ desired: 2 });
      expect(journal.read().map((x) => [x.phase, x.outcome, x.detail.slice(0, 40)])).toEqual([['refusal', 'refused', r.message.slice(0, 40)]]);
    } finally {
      await held.release();
    }
  });
});
