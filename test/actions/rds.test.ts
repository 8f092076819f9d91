// The RDS actions on the sandbox, through the one executor, on a manual clock
// that verification's sleeps move forward: what an operator sees in the demo.
import { describe, it, expect, afterEach } from 'vitest';
import { harness, type Harness } from './support.js';
import { runAction } from '../../src/actions/executor.js';
import { snapshotAction } from '../../src/actions/rds/snapshot.js';
import { restoreAction } from '../../src/actions/rds/restore.js';
import { deleteDrillAction } from '../../src/actions/rds/deleteDrill.js';
import { DRILL_TAG, type RdsActionContext } from '../../src/actions/rds/context.js';
import { sandboxRdsControl } from '../../src/sources/sandbox/rdsControl.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';
import type { DbInstance, RdsSnapshot } from '../../src/model/rds.js';

const signal = new AbortController().signal;
let h: Harness | undefined;
afterEach(() => {
  h?.cleanup();
  h = undefined;
});

async function setup(env: Partial<EnvironmentInfo> = {}): Promise<{ h: Harness; ctx: RdsActionContext }> {
  h = await harness({ env });
  const clock = h.clock;
  const ctx: RdsActionContext = { env: h.ctx.env, now: () => clock.now(), sleep: async (ms) => clock.advance(ms), rds: sandboxRdsControl(h.sandbox) };
  return { h, ctx };
}

async function newestAutomated(ctx: RdsActionContext): Promise<string> {
  const snaps = await ctx.rds.snapshots('demo-db', signal);
  return snaps.find((s) => s.type === 'automated' && s.status === 'available')!.id;
}

/** Restores a drill instance and waits for it, as the drill will. */
async function restoreDrill(h: Harness, ctx: RdsActionContext, newId: string, tags: Record<string, string> = { [DRILL_TAG]: 'demo-db' }) {
  const plan = await restoreAction.plan(ctx, { snapshot: await newestAutomated(ctx), newId, tags }, signal);
  const r = await runAction(h.deps, { action: restoreAction, ctx, plan, typed: newId });
  expect(r.outcome, r.message).toBe('done');
}

describe('snapshot', () => {
  it('takes a manual snapshot named after the instance and the UTC minute, and watches its progress to available', async () => {
    const { h, ctx } = await setup();
    const plan = await snapshotAction.plan(ctx, { instance: 'demo-db' }, signal);
    expect(plan.refusal).toBeUndefined();
    expect(plan.tier).toBe('reversible');
    expect(plan.phrase).toBe('y');
    expect(plan.params.snapshotId).toBe('demo-db-opsdeck-202611220900');
    expect(plan.calls).toEqual([
      { api: 'rds:CreateDBSnapshot', params: { DBInstanceIdentifier: 'demo-db', DBSnapshotIdentifier: 'demo-db-opsdeck-202611220900', Tags: [{ Key: 'opsdeck:created-by', Value: expect.stringContaining('demo-operator') }] } },
    ]);

    const progress: { message: string; fraction?: number }[] = [];
    const r = await runAction(h.deps, { action: snapshotAction, ctx, plan, typed: 'y', onProgress: (p) => progress.push(p) });
    expect(r.outcome, r.message).toBe('done');
    expect(r.message).toMatch(/^snapshot demo-db-opsdeck-202611220900 of demo\/demo-db is available after \d+ s$/);
    // creating with a rising percentage, then available
    expect(progress[0]!.message).toMatch(/creating 0 %/);
    const fractions = progress.map((p) => p.fraction ?? 0);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.some((p) => /creating [1-9]\d? %/.test(p.message))).toBe(true);
    expect(progress.at(-1)!.message).toMatch(/available 100 %/);

    const panel = await h.sandbox.sources.rds.describe(signal);
    expect(panel.snapshots[0]).toMatchObject({ id: 'demo-db-opsdeck-202611220900', type: 'manual', status: 'available', progress: 100 });
    expect(h.journal.read().map((x) => [x.phase, x.outcome, x.target])).toEqual([
      ['intent', null, 'demo/demo-db'],
      ['outcome', 'ok', 'demo/demo-db'],
      ['verify', 'ok', 'demo/demo-db'],
    ]);
  });

  it('refuses a second snapshot with the same name in the same minute', async () => {
    const { h, ctx } = await setup();
    const first = await snapshotAction.plan(ctx, { instance: 'demo-db' }, signal);
    await runAction(h.deps, { action: snapshotAction, ctx, plan: first, typed: 'y' });
    h.clock.set(Date.parse('2026-11-22T09:00:30Z'));
    const again = await snapshotAction.plan(ctx, { instance: 'demo-db' }, signal);
    expect(again.refusal).toMatch(/a snapshot demo-db-opsdeck-202611220900 already exists \(available\)/);
  });

  it('refuses an instance that does not exist', async () => {
    const { ctx } = await setup();
    const plan = await snapshotAction.plan(ctx, { instance: 'nope-db' }, signal);
    expect(plan.refusal).toMatch(/no RDS instance nope-db in demo/);
  });
});

describe('restore', () => {
  it('plans the copy of the source settings, then restores to a new instance through creating → backing-up → available', async () => {
    const { h, ctx } = await setup();
    const snapshot = await newestAutomated(ctx);
    const plan = await restoreAction.plan(ctx, { snapshot, newId: 'demo-db-drill-1', tags: { [DRILL_TAG]: 'demo-db' } }, signal);
    expect(plan.refusal).toBeUndefined();
    expect(plan.tier).toBe('destructive');
    expect(plan.phrase).toBe('demo-db-drill-1');
    expect(plan.target).toMatchObject({ kind: 'db-instance', name: 'demo-db-drill-1', parent: 'demo-db', display: 'demo/demo-db-drill-1' });
    expect(Object.fromEntries(plan.changes.map((c) => [c.field, c.after]))).toEqual({
      instance: 'demo-db-drill-1',
      class: 'db.t4g.medium (as demo-db)',
      'subnet group': 'demo-db-subnets (as demo-db)',
      'security groups': 'sg-0d3b9e1a7c5f24e68 (as demo-db)',
      'parameter group': 'demo-postgres16 (as demo-db)',
      tags: expect.stringMatching(new RegExp(`^opsdeck:restored-from=${snapshot}, opsdeck:created-by=.*, opsdeck:drill=demo-db$`)),
    });
    expect(plan.calls[0]!.params).toMatchObject({ DBSnapshotIdentifier: snapshot, DBInstanceIdentifier: 'demo-db-drill-1', DBInstanceClass: 'db.t4g.medium', DBSubnetGroupName: 'demo-db-subnets', VpcSecurityGroupIds: ['sg-0d3b9e1a7c5f24e68'], DBParameterGroupName: 'demo-postgres16' });

    // the drill's seam: restored instances answer where it says
    h.sandbox.rds.setEndpoint((id) => (id === 'demo-db-drill-1' ? { host: '127.0.0.1', port: 5432 } : undefined));
    const progress: string[] = [];
    const r = await runAction(h.deps, { action: restoreAction, ctx, plan, typed: 'demo-db-drill-1', onProgress: (p) => progress.push(p.message) });
    expect(r.outcome, r.message).toBe('done');
    expect(r.message).toMatch(/^demo\/demo-db-drill-1 is available after \d+ s \(creating → backing-up → available\); endpoint 127\.0\.0\.1:5432$/);
    expect(progress[0]).toMatch(/^demo-db-drill-1: creating \(/);
    expect(progress.some((m) => /^demo-db-drill-1: creating → backing-up \(/.test(m))).toBe(true);

    const inst = await ctx.rds.instance('demo-db-drill-1', signal);
    expect(inst).toMatchObject({ status: 'available', instanceClass: 'db.t4g.medium', subnetGroup: 'demo-db-subnets', parameterGroup: 'demo-postgres16', endpoint: { host: '127.0.0.1', port: 5432 } });
    expect(inst!.tags[DRILL_TAG]).toBe('demo-db');
    expect(inst!.tags['opsdeck:restored-from']).toBe(snapshot);
    // the panel shows it apart from the configured instances, as the AWS source does
    const panel = (await h.sandbox.sources.rds.describe(signal)) as RdsSnapshot & { restored: DbInstance[] };
    expect(panel.instances.map((i) => i.id)).toEqual(['demo-db']);
    expect(panel.restored.map((i) => [i.id, i.status])).toEqual([['demo-db-drill-1', 'available']]);
  });

  it('refuses a new id that already exists: restore never overwrites', async () => {
    const { h, ctx } = await setup();
    const plan = await restoreAction.plan(ctx, { snapshot: await newestAutomated(ctx), newId: 'demo-db' }, signal);
    expect(plan.refusal).toMatch(/an instance demo-db already exists \(available\); restore only ever creates a new instance/);
    const r = await runAction(h.deps, { action: restoreAction, ctx, plan, typed: 'demo-db' });
    expect(r.outcome).toBe('refused');
    expect(h.journal.read().map((x) => x.phase)).toEqual(['refusal']);
  });

  it('aborts when the new id was taken between the plan and the confirmation', async () => {
    const { h, ctx } = await setup();
    const snapshot = await newestAutomated(ctx);
    const plan = await restoreAction.plan(ctx, { snapshot, newId: 'demo-db-copy' }, signal);
    await h.sandbox.rds.restore({ snapshotId: snapshot, newId: 'demo-db-copy', tags: {} });
    const r = await runAction(h.deps, { action: restoreAction, ctx, plan, typed: 'demo-db-copy' });
    expect(r.outcome).toBe('aborted');
    expect(r.message).toContain('newInstance null → "creating"');
  });

  it('in a protected environment the phrase is env/new-id', async () => {
    const { h, ctx } = await setup({ name: 'prod', protected: true });
    const plan = await restoreAction.plan(ctx, { snapshot: await newestAutomated(ctx), newId: 'demo-db-restored' }, signal);
    expect(plan.phrase).toBe('prod/demo-db-restored');
    const r = await runAction(h.deps, { action: restoreAction, ctx, plan, typed: 'demo-db-restored' });
    expect(r.outcome).toBe('refused');
    expect(await ctx.rds.instance('demo-db-restored', signal)).toBeUndefined();
  });

  it('rejects a malformed new id before reading anything', async () => {
    const { ctx } = await setup();
    await expect(restoreAction.plan(ctx, { snapshot: 'x', newId: 'drill--1' }, signal)).rejects.toThrow('new instance id "drill--1" must not end with a hyphen or hold two in a row');
  });

  it('fails verification with one clear line when the restore ends incompatible-restore', async () => {
    const { h, ctx } = await setup();
    h.sandbox.rds.failNextRestore('incompatible-restore');
    const plan = await restoreAction.plan(ctx, { snapshot: await newestAutomated(ctx), newId: 'demo-db-broken' }, signal);
    const r = await runAction(h.deps, { action: restoreAction, ctx, plan, typed: 'demo-db-broken' });
    expect(r.outcome).toBe('failed');
    expect(r.message).toBe(
      'Restore ' + plan.title.slice('Restore '.length) + ': the call succeeded but demo-db-broken ended incompatible-restore (creating → incompatible-restore); read its RDS events for the reason, then delete the instance',
    );
  });

  it('says so when the restore outlasts the timeout', async () => {
    const { h, ctx } = await setup();
    const plan = await restoreAction.plan(ctx, { snapshot: await newestAutomated(ctx), newId: 'demo-db-slow', verifyTimeoutMs: 15_000 }, signal);
    const r = await runAction(h.deps, { action: restoreAction, ctx, plan, typed: 'demo-db-slow' });
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/after 15 s demo-db-slow: creating \(\d+ s\); it may still finish, watch the RDS panel$/);
  });
});

describe('delete-drill-instance', () => {
  it('deletes a drill instance and waits until it is gone', async () => {
    const { h, ctx } = await setup();
    await restoreDrill(h, ctx, 'demo-db-drill-2');
    const plan = await deleteDrillAction.plan(ctx, { instance: 'demo-db-drill-2' }, signal);
    expect(plan.refusal).toBeUndefined();
    expect(plan.phrase).toBe('demo-db-drill-2');
    expect(plan.calls).toEqual([{ api: 'rds:DeleteDBInstance', params: { DBInstanceIdentifier: 'demo-db-drill-2', SkipFinalSnapshot: true, DeleteAutomatedBackups: true } }]);
    const progress: string[] = [];
    const r = await runAction(h.deps, { action: deleteDrillAction, ctx, plan, typed: 'demo-db-drill-2', onProgress: (p) => progress.push(p.message) });
    expect(r.outcome, r.message).toBe('done');
    expect(progress[0]).toMatch(/^demo-db-drill-2: deleting/);
    expect(await ctx.rds.instance('demo-db-drill-2', signal)).toBeUndefined();
    expect(((await h.sandbox.sources.rds.describe(signal)) as RdsSnapshot & { restored: DbInstance[] }).restored).toEqual([]);
  });

  it('refuses the production instance whatever is typed', async () => {
    const { h, ctx } = await setup();
    const plan = await deleteDrillAction.plan(ctx, { instance: 'demo-db' }, signal);
    expect(plan.refusal).toBe('demo-db does not carry the tag opsdeck:drill: opsdeck deletes only the instances a backup drill restored');
    for (const typed of ['demo-db', 'demo/demo-db', 'y']) {
      const r = await runAction(h.deps, { action: deleteDrillAction, ctx, plan, typed });
      expect(r.outcome).toBe('refused');
    }
    expect((await ctx.rds.instance('demo-db', signal))!.status).toBe('available');
  });

  it('refuses an instance opsdeck restored outside a drill', async () => {
    const { h, ctx } = await setup();
    await restoreDrill(h, ctx, 'demo-db-kept', {});
    const plan = await deleteDrillAction.plan(ctx, { instance: 'demo-db-kept' }, signal);
    expect(plan.refusal).toMatch(/does not carry the tag opsdeck:drill/);
  });

  it('aborts when the drill tag was removed after the plan', async () => {
    const { h, ctx } = await setup();
    await restoreDrill(h, ctx, 'demo-db-drill-3');
    const plan = await deleteDrillAction.plan(ctx, { instance: 'demo-db-drill-3' }, signal);
    expect(plan.refusal).toBeUndefined();
    await h.sandbox.rds.removeTags('demo-db-drill-3', [DRILL_TAG]);
    const r = await runAction(h.deps, { action: deleteDrillAction, ctx, plan, typed: 'demo-db-drill-3' });
    expect(r.outcome).toBe('aborted');
    expect(r.message).toContain('opsdeck:drill "demo-db" → null');
    expect((await ctx.rds.instance('demo-db-drill-3', signal))!.status).toBe('available');
  });

  it('refuses at execution even for a plan edited to drop its refusal', async () => {
    const { h, ctx } = await setup();
    const refused = await deleteDrillAction.plan(ctx, { instance: 'demo-db' }, signal);
    const { refusal: _dropped, ...forged } = refused;
    const r = await runAction(h.deps, { action: deleteDrillAction, ctx, plan: forged, typed: 'demo-db' });
    expect(r.outcome).toBe('failed');
    expect(r.message).toBe('Delete drill instance demo/demo-db failed: refused: demo-db does not carry the tag opsdeck:drill: opsdeck deletes only the instances a backup drill restored');
    expect((await ctx.rds.instance('demo-db', signal))!.status).toBe('available');
    expect(h.journal.read().map((x) => [x.phase, x.outcome])).toEqual([
      ['intent', null],
      ['outcome', 'failed'],
    ]);
  });
});
