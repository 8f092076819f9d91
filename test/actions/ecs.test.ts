import { describe, it, expect, afterEach } from 'vitest';
import { harness, type Harness } from './support.js';
import { runAction } from '../../src/actions/executor.js';
import { scaleAction } from '../../src/actions/ecs/scale.js';
import { rollbackAction } from '../../src/actions/ecs/rollback.js';
import { redeployAction } from '../../src/actions/ecs/redeploy.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { environmentLocator, lockKeyFor } from '../../src/actions/lockResource.js';
import { join } from 'node:path';

const signal = new AbortController().signal;
let h: Harness | undefined;
afterEach(() => {
  h?.cleanup();
  h = undefined;
});

describe('scale', () => {
  it('plans with before → after and the exact call, then scales api to 0 and verifies', async () => {
    h = await harness();
    const plan = await scaleAction.plan(h.ctx, { cluster: 'demo', service: 'api', desired: 0 }, signal);
    expect(plan.summary).toBe('demo / cluster demo / service api: desiredCount 3 → 0; running 3');
    expect(plan.tier).toBe('destructive');
    expect(plan.phrase).toBe('api');
    expect(plan.calls).toEqual([{ api: 'ecs:UpdateService', params: { cluster: 'demo', service: 'api', desiredCount: 0 } }]);
    const progress: string[] = [];
    const result = await runAction(h.deps, { action: scaleAction, ctx: h.ctx, plan, typed: 'api', onProgress: (p) => progress.push(p.message) });
    expect(result.outcome, result.message).toBe('done');
    const svc = await h.ctx.ecs.service('demo', 'api', signal);
    expect(svc.desired).toBe(0);
    expect(svc.running).toBe(0);
    expect(progress.length).toBeGreaterThan(0);
    const records = h.journal.read();
    expect(records.map((r) => [r.phase, r.outcome, r.phraseAccepted])).toEqual([
      ['intent', null, true],
      ['outcome', 'ok', true],
      ['verify', 'ok', true],
    ]);
    expect(records[2]!.detail).toBe(result.message);
    expect(records[0]!.target).toBe('demo/api');
    expect(h.journal.verify().ok).toBe(true);
  });

  it('in a protected environment the phrase carries the environment', async () => {
    h = await harness({ env: { name: 'prod', protected: true } });
    const plan = await scaleAction.plan(h.ctx, { cluster: 'demo', service: 'api', desired: 1 }, signal);
    expect(plan.phrase).toBe('prod/api');
    const wrong = await runAction(h.deps, { action: scaleAction, ctx: h.ctx, plan, typed: 'api' });
    expect(wrong.outcome).toBe('refused');
    expect((await h.ctx.ecs.service('demo', 'api', signal)).desired).toBe(3);
  });

  it('a wrong phrase changes nothing and is journaled as a refusal', async () => {
    h = await harness();
    const plan = await scaleAction.plan(h.ctx, { cluster: 'demo', service: 'api', desired: 0 }, signal);
    for (const typed of [undefined, '', 'API', 'api ', ' api', 'ap', 'demo/api']) {
      const r = await runAction(h.deps, { action: scaleAction, ctx: h.ctx, plan, typed });
      expect(r.outcome).toBe('refused');
    }
    expect((await h.ctx.ecs.service('demo', 'api', signal)).desired).toBe(3);
    const records = h.journal.read();
    expect(records).toHaveLength(7);
    expect(records.every((r) => r.phase === 'refusal' && r.phraseAccepted === false)).toBe(true);
  });

  it('read-only refuses before anything else, even with the right phrase', async () => {
    h = await harness({ env: { readOnly: true } });
    const plan = await scaleAction.plan(h.ctx, { cluster: 'demo', service: 'api', desired: 0 }, signal);
    const r = await runAction(h.deps, { action: scaleAction, ctx: h.ctx, plan, typed: 'api' });
    expect(r.outcome).toBe('refused');
    expect(r.message).toMatch(/read-only/);
    expect((await h.ctx.ecs.service('demo', 'api', signal)).desired).toBe(3);
  });

  it('aborts when the service changed between the plan and the confirmation', async () => {
    h = await harness();
    const plan = await scaleAction.plan(h.ctx, { cluster: 'demo', service: 'api', desired: 0 }, signal);
    // another operator scales it meanwhile
    await h.ctx.ecs.updateService('demo', 'api', { desiredCount: 5 }, signal);
    const r = await runAction(h.deps, { action: scaleAction, ctx: h.ctx, plan, typed: 'api' });
    expect(r.outcome).toBe('aborted');
    expect(r.message).toContain('changed since the plan was shown (desiredCount 3 → 5)');
    expect((await h.ctx.ecs.service('demo', 'api', signal)).desired).toBe(5);
    expect(h.journal.read().map((r) => r.outcome)).toEqual(['aborted']);
  });

  it('refuses while another operator holds the lock, naming them', async () => {
    h = await harness();
    const other = new FileTargetLock(join(h.dir, 'locks'), { identity: { operator: 'alice', host: 'bastion-1' } });
    const plan = await scaleAction.plan(h.ctx, { cluster: 'demo', service: 'api', desired: 0 }, signal);
    const held = await other.acquire(await lockKeyFor(plan.target, environmentLocator(() => h!.ctx.env), signal), 60_000, { action: 'rollback', environment: 'staging', target: 'staging/api' });
    const r = await runAction(h.deps, { action: scaleAction, ctx: h.ctx, plan, typed: 'api' });
    expect(r.outcome).toBe('refused');
    expect(r.message).toContain('alice@bastion-1');
    await held.release();
    expect((await h.ctx.ecs.service('demo', 'api', signal)).desired).toBe(3);
  });

  it('refuses to scale a single-instance service above 1 while its condition fails', async () => {
    h = await harness();
    const plan = await scaleAction.plan(h.ctx, { cluster: 'demo', service: 'scheduler', desired: 2 }, signal);
    expect(plan.refusal).toMatch(/scaling scheduler above 1 is refused: no Redis named "locks" is configured/);
    const r = await runAction(h.deps, { action: scaleAction, ctx: h.ctx, plan, typed: plan.phrase });
    expect(r.outcome).toBe('refused');
    expect((await h.ctx.ecs.service('demo', 'scheduler', signal)).desired).toBe(1);
  });

  it('scaling the unsafe service back to 1 is allowed', async () => {
    h = await harness({ scenario: 'unsafe-scale' });
    const plan = await scaleAction.plan(h.ctx, { cluster: 'demo', service: 'scheduler', desired: 1 }, signal);
    expect(plan.refusal).toBeUndefined();
    const r = await runAction(h.deps, { action: scaleAction, ctx: h.ctx, plan, typed: 'scheduler' });
    expect(r.outcome, r.message).toBe('done');
  });
});

describe('big scale-ups', () => {
  it('past twice the current count the phrase is typed; up to twice, y is enough', async () => {
    h = await harness();
    const small = await scaleAction.plan(h.ctx, { cluster: 'demo', service: 'api', desired: 6 }, signal);
    expect([small.tier, small.phrase]).toEqual(['reversible', 'y']);
    const big = await scaleAction.plan(h.ctx, { cluster: 'demo', service: 'api', desired: 7 }, signal);
    expect([big.tier, big.phrase, big.refusal]).toEqual(['destructive', 'api', undefined]);
    expect(big.details[0]).toMatch(/^A big scale-up: 7 is more than 6 \(twice 3\)/);
    const y = await runAction(h.deps, { action: scaleAction, ctx: h.ctx, plan: big, typed: 'y' });
    expect(y.outcome).toBe('refused');
    expect(y.message).toBe('the confirmation "y" is not "api": nothing was done');
    expect((await h.ctx.ecs.service('demo', 'api', signal)).desired).toBe(3);
  });

  it('in a protected environment a big scale-up asks for env/name', async () => {
    h = await harness({ env: { name: 'prod', protected: true } });
    const plan = await scaleAction.plan(h.ctx, { cluster: 'demo', service: 'api', desired: 200 }, signal);
    expect([plan.tier, plan.phrase]).toEqual(['destructive', 'prod/api']);
  });

  it('above the configured maxTasks the scale is refused in one line; at it, it is allowed', async () => {
    h = await harness();
    const ctx = { ...h.ctx, maxTasksFor: (_c: string, s: string) => (s === 'api' ? 12 : undefined) };
    const over = await scaleAction.plan(ctx, { cluster: 'demo', service: 'api', desired: 100_000 }, signal);
    expect(over.refusal).toBe('scaling api to 100000 is refused: its maxTasks is 12 (ecs[].maxTasks in the config)');
    const r = await runAction(h.deps, { action: scaleAction, ctx, plan: over, typed: over.phrase });
    expect(r.outcome).toBe('refused');
    expect(h.journal.read().map((x) => [x.phase, x.outcome])).toEqual([['refusal', 'refused']]);
    const at = await scaleAction.plan(ctx, { cluster: 'demo', service: 'api', desired: 12 }, signal);
    expect([at.refusal, at.tier]).toEqual([undefined, 'destructive']);
    expect(at.details[0]).toContain('its maxTasks is 12');
  });
});

describe('rollback', () => {
  it('goes back to the last good revision after showing the diff', async () => {
    // after two bad revisions the previous one is bad too (lastGood.test.ts): the last good one recovers
    h = await harness({ scenario: 'bad-deploy' });
    const before = await h.ctx.ecs.service('demo', 'api', signal);
    const plan = await rollbackAction.plan(h.ctx, { cluster: 'demo', service: 'api', to: 'last-good' }, signal);
    expect(plan.refusal).toBeUndefined();
    expect(plan.changes[0]!.before).toBe(before.taskDefinition);
    expect(plan.details.some((l) => /image: .* → /.test(l))).toBe(true);
    const r = await runAction(h.deps, { action: rollbackAction, ctx: h.ctx, plan, typed: 'api' });
    expect(r.outcome, r.message).toBe('done');
    const after = await h.ctx.ecs.service('demo', 'api', signal);
    expect(after.taskDefinition).toBe(plan.changes[0]!.after);
    // done means the new deployment is PRIMARY and runs its count; the old one may still drain
    const primary = after.deployments.find((d) => d.status === 'PRIMARY')!;
    expect(primary.taskDefinition).toBe(plan.changes[0]!.after);
    expect(primary.running).toBe(primary.desired);
    expect(r.message).toContain(`is PRIMARY with ${primary.desired}/${primary.desired} running`);
  });

  it('refuses a revision that does not exist', async () => {
    h = await harness();
    const plan = await rollbackAction.plan(h.ctx, { cluster: 'demo', service: 'api', to: 9999 }, signal);
    expect(plan.refusal).toMatch(/demo-api:9999 is not an active revision/);
  });
});

describe('redeploy', () => {
  it('is reversible: y confirms, and a new deployment completes', async () => {
    h = await harness();
    const plan = await redeployAction.plan(h.ctx, { cluster: 'demo', service: 'worker' }, signal);
    expect(plan.tier).toBe('reversible');
    expect(plan.phrase).toBe('y');
    const r = await runAction(h.deps, { action: redeployAction, ctx: h.ctx, plan, typed: 'y' });
    expect(r.outcome, r.message).toBe('done');
    expect(h.journal.read().map((x) => [x.phase, x.outcome])).toEqual([['intent', null], ['outcome', 'ok'], ['verify', 'ok']]);
    expect(h.journal.verify()).toMatchObject({ ok: true, count: 3 });
  });
});
