// Point-in-time restore against moto, which speaks RDS's query protocol:
// the window as opsdeck reads it (moto gives LatestRestorableTime = now and
// an automated backup without its RestoreWindow, so the start falls back to
// the automated snapshot moto takes at creation), the restore through the
// executor, and the new instance read back with DescribeDBInstances as
// `aws rds describe-db-instances` shows it. What moto leaves out
// (RestoreWindow, retention 0) is in rdsPitr.mock.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { AwsRdsSource } from '../../src/sources/aws/rds.js';
import { awsRdsControl } from '../../src/sources/aws/rdsControl.js';
import { runAction, type ExecutorDeps } from '../../src/actions/executor.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { restorePitrAction } from '../../src/actions/rds/restorePitr.js';
import { CREATED_BY_TAG, PITR_TAG, type RdsActionContext } from '../../src/actions/rds/context.js';
import { systemClock } from '../../src/engine/clock.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
const signal = new AbortController().signal;
const IDENTITY = 'arn:aws:iam::123456789012:user/ops';

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
});

const context = (): AwsContext => createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });

/** prod-db with its own class, parameter group, security group and tag: what the restore must carry over. */
async function seed(aws: AwsContext): Promise<void> {
  const rds = await aws.sdk('rds');
  const client = await aws.rds();
  await client.send(new rds.CreateDBParameterGroupCommand({ DBParameterGroupName: 'prod-postgres16', DBParameterGroupFamily: 'postgres16', Description: 'prod' }));
  await client.send(
    new rds.CreateDBInstanceCommand({
      DBInstanceIdentifier: 'prod-db',
      Engine: 'postgres',
      EngineVersion: '16.4',
      DBInstanceClass: 'db.r6g.large',
      AllocatedStorage: 50,
      MasterUsername: 'app',
      MasterUserPassword: 'not-a-secret-1',
      BackupRetentionPeriod: 7,
      DBParameterGroupName: 'prod-postgres16',
      VpcSecurityGroupIds: ['sg-0123456789abcdef0'],
      Tags: [{ Key: 'team', Value: 'platform' }],
    }),
  );
}

/** The instance as `aws rds describe-db-instances --db-instance-identifier ID` returns it. */
async function describeDb(aws: AwsContext, id: string) {
  const rds = await aws.sdk('rds');
  const out = await (await aws.rds()).send(new rds.DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  return out.DBInstances?.[0];
}

function harness(aws: AwsContext): { ctx: RdsActionContext; deps: ExecutorDeps; journal: AuditJournal; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'opsdeck-pitr-moto-'));
  mkdirSync(join(dir, 'locks'));
  const journal = new AuditJournal(join(dir, 'audit.jsonl'));
  return {
    // RDS's times are the real clock's: so are the plan's
    ctx: { env: { name: 'staging', protected: false, readOnly: false, region: MOTO_REGION, account: '123456789012', identity: IDENTITY }, now: () => systemClock.now(), sleep: async () => {}, rds: awsRdsControl(aws) },
    deps: { journal, lock: new FileTargetLock(join(dir, 'locks')) },
    journal,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe('the restorable window against moto', () => {
  it('reads LatestRestorableTime and the retention, and starts the window at the automated snapshot; the panel shows it too', async () => {
    const aws = context();
    const before = Date.now();
    await seed(aws);
    const raw = await describeDb(aws, 'prod-db');
    const window = await awsRdsControl(aws).restoreWindow('prod-db', signal);
    expect(window).toMatchObject({ retentionDays: 7, earliestFrom: 'oldest-backup' });
    // moto's LatestRestorableTime is the moment of each describe
    expect(window!.latest!).toBeGreaterThanOrEqual(raw!.LatestRestorableTime!.getTime());
    expect(window!.latest!).toBeLessThanOrEqual(Date.now());
    // moto's automated snapshot is stamped when the instance was made, to the second
    expect(window!.earliest!).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(window!.earliest!).toBeLessThanOrEqual(window!.latest!);
    expect(await awsRdsControl(aws).restoreWindow('no-such-db', signal)).toBeUndefined();

    const snap = await new AwsRdsSource(aws, [{ instance: 'prod-db' }]).describe(signal);
    expect(snap.instances[0]!.pitr).toMatchObject({ retentionDays: 7, earliest: window!.earliest, earliestFrom: 'oldest-backup' });
    expect(snap.warnings.filter((w) => w.startsWith('restore window'))).toEqual([]);
  });
});

describe('restore-pitr against moto', () => {
  it('restores prod-db as of a time in its window to a new instance with its settings and the opsdeck tags', async () => {
    const aws = context();
    await seed(aws);
    const h = harness(aws);
    try {
      // a time inside the window: moto's window opens when the instance was made and ends now
      await new Promise((r) => setTimeout(r, 2100));
      const window = (await h.ctx.rds.restoreWindow('prod-db', signal))!;
      // the first whole second after the window opened
      const time = Math.ceil(window.earliest! / 1000) * 1000;
      expect(time).toBeLessThan(window.latest!);
      const plan = await restorePitrAction.plan(h.ctx, { instance: 'prod-db', time, newId: 'prod-db-pitr-test' }, signal);
      expect(plan.refusal).toBeUndefined();
      expect(plan.phrase).toBe('prod-db-pitr-test');
      expect(plan.calls).toEqual([
        {
          api: 'rds:RestoreDBInstanceToPointInTime',
          params: {
            SourceDBInstanceIdentifier: 'prod-db',
            TargetDBInstanceIdentifier: 'prod-db-pitr-test',
            RestoreTime: new Date(time).toISOString(),
            DBInstanceClass: 'db.r6g.large',
            VpcSecurityGroupIds: ['sg-0123456789abcdef0'],
            DBParameterGroupName: 'prod-postgres16',
            ...(plan.params.subnetGroup ? { DBSubnetGroupName: plan.params.subnetGroup } : {}),
            Tags: [
              { Key: PITR_TAG, Value: `prod-db@${new Date(time).toISOString().replace('.000Z', 'Z')}` },
              { Key: CREATED_BY_TAG, Value: IDENTITY },
            ],
          },
        },
      ]);
      expect(plan.details.join('\n')).toMatch(/^restorable window of prod-db: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC → .*backups kept 7 days; the start from the oldest automated snapshot kept$/m);
      expect(plan.details).toContain('A new instance is created and billed until it is deleted; prod-db is not touched.');

      const r = await runAction(h.deps, { action: restorePitrAction, ctx: h.ctx, plan, typed: 'prod-db-pitr-test' });
      expect(r.outcome, r.message).toBe('done');
      expect(r.verify?.ok, r.verify?.message).toBe(true);

      const copy = await describeDb(aws, 'prod-db-pitr-test');
      expect(copy).toMatchObject({ DBInstanceStatus: 'available', Engine: 'postgres', DBInstanceClass: 'db.r6g.large', AllocatedStorage: 50 });
      expect(copy!.DBParameterGroups?.map((g) => g.DBParameterGroupName)).toEqual(['prod-postgres16']);
      expect(copy!.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual(['sg-0123456789abcdef0']);
      const tags = Object.fromEntries((copy!.TagList ?? []).map((t) => [t.Key, t.Value]));
      expect(tags[PITR_TAG]).toBe(`prod-db@${new Date(time).toISOString().replace('.000Z', 'Z')}`);
      expect(tags[CREATED_BY_TAG]).toBe(IDENTITY);
      // prod-db itself is untouched
      expect(await describeDb(aws, 'prod-db')).toMatchObject({ DBInstanceStatus: 'available', DBInstanceClass: 'db.r6g.large' });

      // the RDS panel lists the copy among the ones opsdeck restored, by its tag
      const snap = await new AwsRdsSource(aws, [{ instance: 'prod-db' }]).describe(signal);
      expect(snap.restored.map((i) => [i.id, i.tags[PITR_TAG]])).toEqual([['prod-db-pitr-test', tags[PITR_TAG]]]);
      expect(h.journal.read().map((x) => [x.phase, x.outcome, x.action])).toEqual([
        ['intent', null, 'restore-pitr'],
        ['outcome', 'ok', 'restore-pitr'],
        ['verify', 'ok', 'restore-pitr'],
      ]);
    } finally {
      h.cleanup();
    }
  });

  it('--latest asks RDS for the latest restorable time; a time before the window and an existing id are refused before any call', async () => {
    const aws = context();
    await seed(aws);
    const h = harness(aws);
    try {
      const latest = await restorePitrAction.plan(h.ctx, { instance: 'prod-db', newId: 'prod-db-latest' }, signal);
      expect(latest.calls[0]!.params).toMatchObject({ UseLatestRestorableTime: true });
      expect(latest.calls[0]!.params).not.toHaveProperty('RestoreTime');
      const r = await runAction(h.deps, { action: restorePitrAction, ctx: h.ctx, plan: latest, typed: 'prod-db-latest' });
      expect(r.outcome, r.message).toBe('done');
      expect((await describeDb(aws, 'prod-db-latest'))?.DBInstanceStatus).toBe('available');

      const early = await restorePitrAction.plan(h.ctx, { instance: 'prod-db', time: Date.now() - 30 * 86_400_000, newId: 'prod-db-early' }, signal);
      expect(early.refusal).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC is outside prod-db's restorable window \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC → \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\d+ s ago\)$/);
      const refused = await runAction(h.deps, { action: restorePitrAction, ctx: h.ctx, plan: early, typed: 'prod-db-early' });
      expect(refused.outcome).toBe('refused');
      expect(await describeDb(aws, 'prod-db-early').catch((e: Error) => e.name)).toBe('DBInstanceNotFoundFault');

      const taken = await restorePitrAction.plan(h.ctx, { instance: 'prod-db', newId: 'prod-db-latest' }, signal);
      expect(taken.refusal).toBe('an instance prod-db-latest already exists (available); a point-in-time restore only ever creates a new instance, pick another id');
    } finally {
      h.cleanup();
    }
  });
});
