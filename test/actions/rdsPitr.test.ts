// Point-in-time restore on the sandbox, through the one executor, on a
// manual clock: the demo's window (seven days of automated backups, the log
// shipped every five minutes), the copy going creating → backing-up →
// available, listed among the restored copies with its kind, and the
// sandbox refusing what RDS refuses.
import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from './support.js';
import { runAction } from '../../src/actions/executor.js';
import { parsePitrTime, restorePitrAction } from '../../src/actions/rds/restorePitr.js';
import { PITR_TAG, type RdsActionContext } from '../../src/actions/rds/context.js';
import { sandboxRdsControl } from '../../src/sources/sandbox/rdsControl.js';
import { restorePitrRequest } from '../../src/actions/requests.js';

const signal = new AbortController().signal;
const DAY = 86_400_000;
let h: Harness | undefined;
afterEach(() => {
  h?.cleanup();
  h = undefined;
});

async function setup(): Promise<{ h: Harness; ctx: RdsActionContext }> {
  h = await harness({});
  const clock = h.clock;
  return { h, ctx: { env: h.ctx.env, now: () => clock.now(), sleep: async (ms) => clock.advance(ms), rds: sandboxRdsControl(h.sandbox) } };
}

describe('the sandbox\'s restorable window', () => {
  it('opens at the oldest of the seven automated snapshots and ends at the last five-minute log shipment; the panel carries it', async () => {
    const { h, ctx } = await setup();
    const now = h.clock.now();
    const snap = await h.sandbox.sources.rds.describe(signal);
    const automated = snap.snapshots.filter((s) => s.type === 'automated' && s.status === 'available').map((s) => s.createdAt!);
    expect(automated).toHaveLength(7);
    const w = snap.instances[0]!.pitr!;
    expect(w).toEqual({ earliest: Math.min(...automated), latest: now - (now % 300_000), retentionDays: 7, earliestFrom: 'restore-window' });
    expect(w.earliest).toBeGreaterThan(now - 7 * DAY);
    expect(await ctx.rds.restoreWindow('demo-db', signal)).toEqual(w);
    expect(await ctx.rds.restoreWindow('no-such-db', signal)).toBeUndefined();
    h.clock.advance(7 * 60_000);
    expect((await ctx.rds.restoreWindow('demo-db', signal))?.latest).toBeGreaterThan(w.latest!);
  });
});

describe('restore-pitr on the sandbox', () => {
  it('restores demo-db as of 08:40 to a new instance with its settings, watched to available, listed as a pitr copy', async () => {
    const { h, ctx } = await setup();
    const time = parsePitrTime('2026-11-22 08:40') as number;
    const req = restorePitrRequest(ctx, 'demo-db');
    expect(req.prompt?.value).toBe('latest');
    expect(req.prompt?.hint).toMatch(/^e\.g\. 2026-11-26 08:04 \(UTC\); latest for the latest restorable time/);
    const args = req.args('2026-11-22 08:40');
    expect(args).toEqual({ instance: 'demo-db', newId: 'demo-db-pitr-202611220840', time });

    const plan = await restorePitrAction.plan(ctx, args, signal);
    expect(plan.refusal).toBeUndefined();
    expect(plan.tier).toBe('destructive');
    expect(plan.phrase).toBe('demo-db-pitr-202611220840');
    expect(plan.changes.map((c) => `${c.field}: ${c.after}`)).toEqual([
      'instance: demo-db-pitr-202611220840',
      'restored to: demo-db as of 2026-11-22 08:40:00 UTC (20 min ago)',
      'class: db.t4g.medium (as demo-db)',
      'subnet group: demo-db-subnets (as demo-db)',
      'security groups: sg-0d3b9e1a7c5f24e68 (as demo-db)',
      'parameter group: demo-postgres16 (as demo-db)',
      `tags: opsdeck:pitr=demo-db@2026-11-22T08:40:00Z, opsdeck:created-by=${h.ctx.env.identity}`,
    ]);
    const progress: string[] = [];
    const r = await runAction(h.deps, { action: restorePitrAction, ctx, plan, typed: 'demo-db-pitr-202611220840', onProgress: (p) => progress.push(p.message) });
    expect(r.outcome, r.message).toBe('done');
    expect(r.message).toMatch(/^demo\/demo-db-pitr-202611220840 is available after \d+ s \(creating → backing-up → available\); endpoint demo-db-pitr-202611220840\./);
    expect(progress[0]).toMatch(/^demo-db-pitr-202611220840: creating/);

    const copy = await ctx.rds.instance('demo-db-pitr-202611220840', signal);
    expect(copy).toMatchObject({ status: 'available', instanceClass: 'db.t4g.medium', subnetGroup: 'demo-db-subnets', securityGroups: ['sg-0d3b9e1a7c5f24e68'], parameterGroup: 'demo-postgres16', engine: 'postgres', allocatedStorageGb: 100 });
    expect(copy!.tags[PITR_TAG]).toBe('demo-db@2026-11-22T08:40:00Z');
    const panel = await h.sandbox.sources.rds.describe(signal);
    expect(panel.restored?.map((i) => i.id)).toEqual(['demo-db-pitr-202611220840']);
  });

  it('refuses a time outside the window with the window; the sandbox itself refuses it too, as RDS does', async () => {
    const { h, ctx } = await setup();
    const plan = await restorePitrAction.plan(ctx, { instance: 'demo-db', time: h.clock.now() - 8 * DAY, newId: 'demo-db-old' }, signal);
    expect(plan.refusal).toMatch(/^2026-11-14 09:00:00 UTC is outside demo-db's restorable window 2026-11-1[56] 03:1\d:\d\d UTC → 2026-11-22 09:00:00 UTC \(0 s ago\)$/);
    const future = await restorePitrAction.plan(ctx, { instance: 'demo-db', time: h.clock.now() + 60_000, newId: 'demo-db-future' }, signal);
    expect(future.refusal).toMatch(/^2026-11-22 09:01:00 UTC is outside demo-db's restorable window/);
    await expect(h.sandbox.rds.restorePitr({ sourceId: 'demo-db', newId: 'x-1', time: h.clock.now() - 8 * DAY, tags: {} })).rejects.toMatchObject({ name: 'InvalidRestoreFault' });
    await expect(h.sandbox.rds.restorePitr({ sourceId: 'gone-db', newId: 'x-2', tags: {} })).rejects.toMatchObject({ name: 'DBInstanceNotFoundFault' });
    const none = await restorePitrAction.plan(ctx, { instance: 'gone-db', newId: 'x-3' }, signal);
    expect(none.refusal).toBe('no instance gone-db in demo; the RDS panel lists the instances there are');
  });
});
