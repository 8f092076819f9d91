// The RDS source, RdsControl and the three RDS actions against moto, which
// speaks the real RDS query protocol. moto's limits shape what is asserted:
// snapshots and restored instances are `available` at once, a deleted
// instance is gone at once, DescribeDBSnapshots ignores MaxRecords (one page:
// pagination is in rds.mock.test.ts), DescribePendingMaintenanceActions is
// not implemented (a warning here), and CloudWatch holds no RDS metrics.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateDBInstanceCommandInput, RDSClient } from '@aws-sdk/client-rds';
import { ManualClock } from '../../src/engine/clock.js';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { AwsRdsSource } from '../../src/sources/aws/rds.js';
import { awsRdsControl } from '../../src/sources/aws/rdsControl.js';
import { runAction, type ExecutorDeps } from '../../src/actions/executor.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { snapshotAction } from '../../src/actions/rds/snapshot.js';
import { restoreAction } from '../../src/actions/rds/restore.js';
import { deleteDrillAction } from '../../src/actions/rds/deleteDrill.js';
import { DRILL_TAG, type RdsActionContext } from '../../src/actions/rds/context.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
const signal = new AbortController().signal;

beforeAll(async () => {
  moto = await startMoto();
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

/** What `send` saw, by command name: to count calls. */
function record(client: RDSClient | { middlewareStack: unknown }): string[] {
  const names: string[] = [];
  (client as RDSClient).middlewareStack.add(
    (next, c) => async (args) => {
      names.push(String(c.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'testRecordRds' },
  );
  return names;
}

/** prod-db with its own parameter group and security groups, and an unrelated instance. */
async function seed(ctx: AwsContext): Promise<void> {
  const rds = await ctx.sdk('rds');
  const client = await ctx.rds();
  await client.send(new rds.CreateDBParameterGroupCommand({ DBParameterGroupName: 'prod-postgres16', DBParameterGroupFamily: 'postgres16', Description: 'prod' }));
  const instances: [string, Partial<CreateDBInstanceCommandInput>][] = [
    ['prod-db', { DBParameterGroupName: 'prod-postgres16', VpcSecurityGroupIds: ['sg-0123456789abcdef0'], Tags: [{ Key: 'team', Value: 'platform' }] }],
    ['other-db', {}],
  ];
  for (const [id, extra] of instances) {
    await client.send(
      new rds.CreateDBInstanceCommand({ DBInstanceIdentifier: id, Engine: 'postgres', EngineVersion: '16.4', DBInstanceClass: 'db.t4g.medium', AllocatedStorage: 20, MasterUsername: 'app', MasterUserPassword: 'not-a-secret-1', ...extra }),
    );
  }
}

interface Harness {
  ctx: RdsActionContext;
  deps: ExecutorDeps;
  journal: AuditJournal;
  cleanup(): void;
}

function harness(aws: AwsContext): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'opsdeck-rds-moto-'));
  mkdirSync(join(dir, 'locks'));
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 30));
  const journal = new AuditJournal(join(dir, 'audit.jsonl'));
  return {
    ctx: { env: { name: 'staging', protected: false, readOnly: false, region: MOTO_REGION, account: '123456789012', identity: 'arn:aws:iam::123456789012:user/ops' }, now: () => clock.now(), sleep: async (ms) => clock.advance(ms), rds: awsRdsControl(aws) },
    deps: { journal, lock: new FileTargetLock(join(dir, 'locks')) },
    journal,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe('AwsRdsSource against moto', () => {
  it('shows the configured instance and the drill instance, not the others; snapshots of both kinds, newest first', async () => {
    const aws = context();
    await seed(aws);
    const control = awsRdsControl(aws);
    await control.createSnapshot('prod-db', 'prod-db-manual-1', {}, signal);
    await control.restoreFromSnapshot({ snapshotId: 'prod-db-manual-1', newId: 'prod-db-drill-1', tags: { [DRILL_TAG]: 'prod-db' } }, signal);

    const ctx = context();
    const rdsCalls = record(await ctx.rds());
    const cwCalls = record(await ctx.cloudwatch());
    const snap = await new AwsRdsSource(ctx, [{ instance: 'prod-db' }, { instance: 'gone-db' }], new ManualClock(Date.now())).describe(signal);

    expect(snap.instances.map((i) => i.id)).toEqual(['prod-db']);
    expect(snap.restored.map((i) => i.id)).toEqual(['prod-db-drill-1']);
    expect(snap.instances[0]).toMatchObject({ status: 'available', engine: 'postgres', instanceClass: 'db.t4g.medium', allocatedStorageGb: 20, tags: { team: 'platform' }, parameterGroup: 'prod-postgres16', securityGroups: ['sg-0123456789abcdef0'] });
    expect(snap.instances[0]!.endpoint?.port).toBe(5432);
    expect(snap.restored[0]!.tags[DRILL_TAG]).toBe('prod-db');
    // moto takes an automated snapshot when it creates an instance
    expect(snap.snapshots.map((s) => [s.instanceId, s.type, s.status, s.progress])).toEqual([
      ['prod-db', 'manual', 'available', 100],
      ['prod-db', 'automated', 'available', 100],
    ]);
    expect(snap.snapshots[0]!.id).toBe('prod-db-manual-1');
    expect(snap.instances[0]!.events.map((e) => e.message)).toContain('DB instance created');
    expect(snap.warnings.filter((w) => !w.startsWith('pending maintenance unavailable'))).toEqual([
      `RDS instance gone-db not found in region ${MOTO_REGION}: fix rds[1].instance in the config, or the region`,
    ]);
    expect(rdsCalls.filter((c) => c === 'DescribeDBInstancesCommand')).toHaveLength(1);
    expect(rdsCalls.filter((c) => c === 'DescribeDBSnapshotsCommand')).toHaveLength(1);
    expect(cwCalls).toEqual(['GetMetricDataCommand']);
  });
});

describe('RDS actions against moto', () => {
  it('snapshot: creates it and verifies it available', async () => {
    const aws = context();
    await seed(aws);
    const h = harness(aws);
    try {
      const plan = await snapshotAction.plan(h.ctx, { instance: 'prod-db' }, signal);
      expect(plan.params.snapshotId).toBe('prod-db-opsdeck-202601050930');
      const r = await runAction(h.deps, { action: snapshotAction, ctx: h.ctx, plan, typed: 'y' });
      expect(r.outcome, r.message).toBe('done');
      expect(r.requestIds).toHaveLength(1);
      const snaps = await h.ctx.rds.snapshots('prod-db', signal);
      expect(snaps.find((s) => s.id === 'prod-db-opsdeck-202601050930')).toMatchObject({ type: 'manual', status: 'available' });
      expect(h.journal.verify().ok).toBe(true);
    } finally {
      h.cleanup();
    }
  });

  it('restore: copies the source settings to a new instance, and refuses an id that exists', async () => {
    const aws = context();
    await seed(aws);
    const h = harness(aws);
    try {
      const automated = (await h.ctx.rds.snapshots('prod-db', signal)).find((s) => s.type === 'automated')!;
      expect(await h.ctx.rds.snapshot(automated.id, signal)).toMatchObject({ id: automated.id, type: 'automated' });

      const taken = await restoreAction.plan(h.ctx, { snapshot: automated.id, newId: 'other-db' }, signal);
      expect(taken.refusal).toMatch(/an instance other-db already exists/);

      const plan = await restoreAction.plan(h.ctx, { snapshot: automated.id, newId: 'prod-db-drill-2', tags: { [DRILL_TAG]: 'prod-db' } }, signal);
      expect(plan.refusal).toBeUndefined();
      const r = await runAction(h.deps, { action: restoreAction, ctx: h.ctx, plan, typed: 'prod-db-drill-2' });
      expect(r.outcome, r.message).toBe('done');
      expect(r.message).toMatch(/^staging\/prod-db-drill-2 is available after 0 s \(available\); endpoint prod-db-drill-2\./);
      const inst = await h.ctx.rds.instance('prod-db-drill-2', signal);
      expect(inst).toMatchObject({ instanceClass: 'db.t4g.medium', parameterGroup: 'prod-postgres16', securityGroups: ['sg-0123456789abcdef0'] });
      expect(await h.ctx.rds.tagsOf('prod-db-drill-2', signal)).toMatchObject({ [DRILL_TAG]: 'prod-db', 'opsdeck:restored-from': automated.id });
    } finally {
      h.cleanup();
    }
  });

  it('delete-drill-instance: deletes the drill instance, and refuses the production one', async () => {
    const aws = context();
    await seed(aws);
    const h = harness(aws);
    try {
      await h.ctx.rds.createSnapshot('prod-db', 'prod-db-for-drill', {}, signal);
      await h.ctx.rds.restoreFromSnapshot({ snapshotId: 'prod-db-for-drill', newId: 'prod-db-drill-3', tags: { [DRILL_TAG]: 'prod-db' } }, signal);

      const prod = await deleteDrillAction.plan(h.ctx, { instance: 'prod-db' }, signal);
      expect(prod.refusal).toMatch(/prod-db does not carry the tag opsdeck:drill/);
      expect((await runAction(h.deps, { action: deleteDrillAction, ctx: h.ctx, plan: prod, typed: 'prod-db' })).outcome).toBe('refused');

      const plan = await deleteDrillAction.plan(h.ctx, { instance: 'prod-db-drill-3' }, signal);
      const r = await runAction(h.deps, { action: deleteDrillAction, ctx: h.ctx, plan, typed: 'prod-db-drill-3' });
      expect(r.outcome, r.message).toBe('done');
      expect(await h.ctx.rds.instance('prod-db-drill-3', signal)).toBeUndefined();
      expect((await h.ctx.rds.instance('prod-db', signal))?.status).toBe('available');
      // the snapshot it came from stays
      expect(await h.ctx.rds.snapshot('prod-db-for-drill', signal)).toBeDefined();
    } finally {
      h.cleanup();
    }
  });
});
