// The restorable window and restore-pitr on the real RdsControl and RDS
// source with aws-sdk-client-mock, for what moto leaves out: the automated
// backup's RestoreWindow (moto sends none), the fallbacks when it is
// missing, backups turned off (retention 0), a time outside the window
// refused without a call, the window moving on between plan and confirm, and
// the call as sent. Shapes follow the RDS API reference: DBInstance
// (LatestRestorableTime, BackupRetentionPeriod, InstanceCreateTime),
// DescribeDBInstanceAutomatedBackups (DBInstanceAutomatedBackup.RestoreWindow
// {EarliestTime, LatestTime}, Status active | retained | creating) and
// RestoreDBInstanceToPointInTime (RestoreTime | UseLatestRestorableTime).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeEventsCommand,
  DescribePendingMaintenanceActionsCommand,
  RDSClient,
  RDSServiceException,
  RestoreDBInstanceToPointInTimeCommand,
  type DBInstance,
  type DBInstanceAutomatedBackup,
} from '@aws-sdk/client-rds';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ManualClock } from '../../src/engine/clock.js';
import { createAwsContext } from '../../src/sources/aws/clients.js';
import { awsRdsControl } from '../../src/sources/aws/rdsControl.js';
import { AwsRdsSource } from '../../src/sources/aws/rds.js';
import { runAction, type ExecutorDeps } from '../../src/actions/executor.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { parsePitrTime, restorePitrAction } from '../../src/actions/rds/restorePitr.js';
import type { RdsActionContext } from '../../src/actions/rds/context.js';

const rdsMock = mockClient(RDSClient);
const cwMock = mockClient(CloudWatchClient);
const T0 = Date.UTC(2026, 10, 26, 8, 30, 0);
const DAY = 86_400_000;
const ACCOUNT = '123456789012';
const arn = (id: string) => `arn:aws:rds:us-east-1:${ACCOUNT}:db:${id}`;
const signal = new AbortController().signal;
const NEW = 'prod-db-pitr-202611260804';
const LATEST = T0 - 4 * 60_000;
const EARLIEST = T0 - 7 * DAY + 3_600_000;

function instance(id: string, status: string, over: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: id,
    DBInstanceClass: 'db.r6g.large',
    Engine: 'postgres',
    EngineVersion: '16.4',
    DBInstanceStatus: status,
    AllocatedStorage: 200,
    MultiAZ: true,
    InstanceCreateTime: new Date(T0 - 400 * DAY),
    LatestRestorableTime: new Date(LATEST),
    BackupRetentionPeriod: 7,
    VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0123456789abcdef0', Status: 'active' }],
    DBParameterGroups: [{ DBParameterGroupName: 'prod-postgres16', ParameterApplyStatus: 'in-sync' }],
    DBSubnetGroup: { DBSubnetGroupName: 'prod-private', VpcId: 'vpc-0a1b2c3d', SubnetGroupStatus: 'Complete' },
    DBInstanceArn: arn(id),
    DeletionProtection: true,
    TagList: [],
    ...over,
  };
}

function backup(over: Partial<DBInstanceAutomatedBackup> = {}): DBInstanceAutomatedBackup {
  return {
    DBInstanceIdentifier: 'prod-db',
    DBInstanceArn: arn('prod-db'),
    DbiResourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXY0',
    Region: 'us-east-1',
    Status: 'active',
    Engine: 'postgres',
    BackupRetentionPeriod: 7,
    InstanceCreateTime: new Date(T0 - 400 * DAY),
    RestoreWindow: { EarliestTime: new Date(EARLIEST), LatestTime: new Date(LATEST) },
    ...over,
  };
}

const notFound = (id: string) => new RDSServiceException({ name: 'DBInstanceNotFoundFault', message: `DBInstance ${id} not found.`, $fault: 'client', $metadata: { httpStatusCode: 404 } });

let dir: string;
let deps: ExecutorDeps;
let journal: AuditJournal;
let clock: ManualClock;
let ctx: RdsActionContext;
const aws = () => createAwsContext({ config: { region: 'us-east-1' }, env: {}, sdk: { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } });

beforeEach(() => {
  rdsMock.reset();
  cwMock.reset();
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-pitr-mock-'));
  mkdirSync(join(dir, 'locks'));
  journal = new AuditJournal(join(dir, 'audit.jsonl'));
  deps = { journal, lock: new FileTargetLock(join(dir, 'locks')) };
  clock = new ManualClock(T0);
  ctx = {
    env: { name: 'prod', protected: true, readOnly: false, region: 'us-east-1', account: ACCOUNT, identity: `arn:aws:sts::${ACCOUNT}:assumed-role/oncall/alice` },
    now: () => clock.now(),
    sleep: async (ms) => clock.advance(ms),
    rds: awsRdsControl(aws()),
  };
  rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'prod-db' }).resolves({ DBInstances: [instance('prod-db', 'available')] });
  rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: NEW }).rejects(notFound(NEW));
  // a deleted namesake's retained backup comes first: the active one is the instance's
  rdsMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [backup({ Status: 'retained', RestoreWindow: { EarliestTime: new Date(T0 - 900 * DAY), LatestTime: new Date(T0 - 800 * DAY) } }), backup()] });
  rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
});
afterEach(() => {
  rdsMock.reset();
  cwMock.reset();
  rmSync(dir, { recursive: true, force: true });
});

describe('the restorable window', () => {
  it('is LatestRestorableTime and the active automated backup\'s RestoreWindow start, asked for by instance id', async () => {
    expect(await ctx.rds.restoreWindow('prod-db', signal)).toEqual({ latest: LATEST, earliest: EARLIEST, earliestFrom: 'restore-window', retentionDays: 7 });
    expect(rdsMock.commandCalls(DescribeDBInstanceAutomatedBackupsCommand)[0]!.args[0].input).toMatchObject({ Filters: [{ Name: 'db-instance-id', Values: ['prod-db'] }] });
    // the window's start was there: no snapshot listing
    expect(rdsMock.commandCalls(DescribeDBSnapshotsCommand)).toHaveLength(0);
  });

  it('without a RestoreWindow starts at the oldest available automated snapshot, else the retention counted back (never before the instance was made)', async () => {
    rdsMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [backup({ RestoreWindow: undefined })] });
    const snap = (id: string, daysAgo: number, over = {}) => ({ DBSnapshotIdentifier: id, DBInstanceIdentifier: 'prod-db', SnapshotType: 'automated', Status: 'available', SnapshotCreateTime: new Date(T0 - daysAgo * DAY), ...over });
    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [snap('rds:prod-db-a', 1), snap('rds:prod-db-b', 6), snap('rds:prod-db-c', 9, { Status: 'deleting' }), snap('prod-db-manual', 30, { SnapshotType: 'manual' })] });
    expect(await ctx.rds.restoreWindow('prod-db', signal)).toEqual({ latest: LATEST, earliest: T0 - 6 * DAY, earliestFrom: 'oldest-backup', retentionDays: 7 });

    rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
    expect(await ctx.rds.restoreWindow('prod-db', signal)).toEqual({ latest: LATEST, earliest: LATEST - 7 * DAY, earliestFrom: 'retention', retentionDays: 7 });
    rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'prod-db' }).resolves({ DBInstances: [instance('prod-db', 'available', { InstanceCreateTime: new Date(T0 - 2 * DAY) })] });
    expect((await ctx.rds.restoreWindow('prod-db', signal))?.earliest).toBe(T0 - 2 * DAY);
  });

  it('with backups off (retention 0) has no window, whatever an old backup says; an unknown instance has none at all', async () => {
    rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'prod-db' }).resolves({ DBInstances: [instance('prod-db', 'available', { BackupRetentionPeriod: 0, LatestRestorableTime: undefined })] });
    expect(await ctx.rds.restoreWindow('prod-db', signal)).toEqual({ retentionDays: 0 });
    rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'ghost' }).rejects(notFound('ghost'));
    expect(await ctx.rds.restoreWindow('ghost', signal)).toBeUndefined();
  });

  it('is on the RDS panel\'s configured instances, from one automated-backups call; its failure is a warning, the panel still shows', async () => {
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance('prod-db', 'available')] });
    rdsMock.on(DescribeEventsCommand).resolves({ Events: [] });
    rdsMock.on(DescribePendingMaintenanceActionsCommand).resolves({ PendingMaintenanceActions: [] });
    cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const source = () => new AwsRdsSource(aws(), [{ instance: 'prod-db' }], new ManualClock(T0));
    let snap = await source().describe(signal);
    expect(snap.instances[0]!.pitr).toEqual({ latest: LATEST, earliest: EARLIEST, earliestFrom: 'restore-window', retentionDays: 7 });
    expect(rdsMock.commandCalls(DescribeDBInstanceAutomatedBackupsCommand)).toHaveLength(1);

    rdsMock.on(DescribeDBInstanceAutomatedBackupsCommand).rejects(new RDSServiceException({ name: 'AccessDenied', message: 'not authorized to perform: rds:DescribeDBInstanceAutomatedBackups', $fault: 'client', $metadata: { httpStatusCode: 403 } }));
    snap = await source().describe(signal);
    expect(snap.instances.map((i) => i.id)).toEqual(['prod-db']);
    expect(snap.warnings.some((w) => w.startsWith('restore window unavailable: '))).toBe(true);
    // the window's end is on the instance; the start falls back to the retention
    expect(snap.instances[0]!.pitr).toEqual({ latest: LATEST, earliest: LATEST - 7 * DAY, earliestFrom: 'retention', retentionDays: 7 });
  });
});

describe('restore-pitr', () => {
  it('sends RestoreDBInstanceToPointInTime with the time, the source\'s settings and the tags, and watches the new instance become available', async () => {
    const time = parsePitrTime('2026-11-26 08:04') as number;
    rdsMock
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: NEW })
      .rejectsOnce(notFound(NEW))
      .rejectsOnce(notFound(NEW))
      .resolvesOnce({ DBInstances: [instance(NEW, 'creating')] })
      .resolvesOnce({ DBInstances: [instance(NEW, 'backing-up')] })
      .resolves({ DBInstances: [instance(NEW, 'available', { Endpoint: { Address: `${NEW}.cx1abc2defgh.us-east-1.rds.amazonaws.com`, Port: 5432 } })] });
    rdsMock.on(RestoreDBInstanceToPointInTimeCommand).resolves({ DBInstance: instance(NEW, 'creating'), $metadata: { httpStatusCode: 200, requestId: 'pitr-req-1' } });

    const plan = await restorePitrAction.plan(ctx, { instance: 'prod-db', time, newId: NEW }, signal);
    expect(plan.refusal).toBeUndefined();
    expect(plan.phrase).toBe(`prod/${NEW}`);
    expect(plan.changes.find((c) => c.field === 'restored to')?.after).toBe('prod-db as of 2026-11-26 08:04:00 UTC (26 min ago)');
    expect(plan.details).toContain('restorable window of prod-db: 2026-11-19 09:30:00 UTC → 2026-11-26 08:26:00 UTC (4 min ago), backups kept 7 days; the start from RDS\'s restore window');
    expect(plan.details).toContain('prod-db is Multi-AZ; the new instance is Single-AZ (RDS\'s default for a restore)');
    const progress: string[] = [];
    const r = await runAction(deps, { action: restorePitrAction, ctx, plan, typed: `prod/${NEW}`, onProgress: (p) => progress.push(p.message) });
    expect(r.outcome, r.message).toBe('done');
    expect(r.requestIds).toEqual(['pitr-req-1']);
    expect(r.message).toMatch(new RegExp(`^prod/${NEW} is available after .* \\(creating → backing-up → available\\); endpoint ${NEW}\\.`));
    expect(progress.some((m) => m.startsWith(`${NEW}: creating → backing-up`))).toBe(true);

    const calls = rdsMock.commandCalls(RestoreDBInstanceToPointInTimeCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      SourceDBInstanceIdentifier: 'prod-db',
      TargetDBInstanceIdentifier: NEW,
      RestoreTime: new Date(Date.UTC(2026, 10, 26, 8, 4)),
      DBInstanceClass: 'db.r6g.large',
      DBSubnetGroupName: 'prod-private',
      VpcSecurityGroupIds: ['sg-0123456789abcdef0'],
      DBParameterGroupName: 'prod-postgres16',
      Tags: [
        { Key: 'opsdeck:pitr', Value: 'prod-db@2026-11-26T08:04:00Z' },
        { Key: 'opsdeck:created-by', Value: `arn:aws:sts::${ACCOUNT}:assumed-role/oncall/alice` },
      ],
    });
  });

  it('refuses a time outside the window in one line giving the window, and a source without backups; RDS is never asked to restore', async () => {
    const late = await restorePitrAction.plan(ctx, { instance: 'prod-db', time: T0 - 60_000, newId: NEW }, signal);
    expect(late.refusal).toBe('2026-11-26 08:29:00 UTC is outside prod-db\'s restorable window 2026-11-19 09:30:00 UTC → 2026-11-26 08:26:00 UTC (4 min ago)');
    const early = await restorePitrAction.plan(ctx, { instance: 'prod-db', time: EARLIEST - 1000, newId: NEW }, signal);
    expect(early.refusal).toMatch(/^2026-11-19 09:29:59 UTC is outside prod-db's restorable window 2026-11-19 09:30:00 UTC → /);
    const r = await runAction(deps, { action: restorePitrAction, ctx, plan: late, typed: `prod/${NEW}` });
    expect(r.outcome).toBe('refused');
    expect(r.message).toContain('is outside prod-db\'s restorable window');
    expect(journal.read().map((x) => [x.phase, x.outcome])).toEqual([['refusal', 'refused']]);

    rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'prod-db' }).resolves({ DBInstances: [instance('prod-db', 'available', { BackupRetentionPeriod: 0, LatestRestorableTime: undefined })] });
    const off = await restorePitrAction.plan(ctx, { instance: 'prod-db', newId: NEW }, signal);
    expect(off.refusal).toBe('prod-db keeps no automated backups (retention 0 days): there is no point in time to restore to; restore one of its snapshots instead');
    expect(rdsMock.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(0);
  });

  it('--latest sends UseLatestRestorableTime; a time the window left behind between plan and confirm aborts at the re-read', async () => {
    rdsMock.on(RestoreDBInstanceToPointInTimeCommand).resolves({ DBInstance: instance(NEW, 'creating'), $metadata: { httpStatusCode: 200, requestId: 'pitr-req-2' } });
    const latest = await restorePitrAction.plan(ctx, { instance: 'prod-db', newId: NEW }, signal);
    expect(latest.calls[0]!.params).toMatchObject({ UseLatestRestorableTime: true });
    expect(latest.changes.find((c) => c.field === 'restored to')?.after).toBe('prod-db as of the latest restorable time (2026-11-26 08:26:00 UTC now; RDS takes the latest when the call is made)');

    // the oldest second of the window, planned; then the day's oldest backup expires before the operator confirms
    const edge = await restorePitrAction.plan(ctx, { instance: 'prod-db', time: EARLIEST, newId: NEW }, signal);
    expect(edge.refusal).toBeUndefined();
    rdsMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [backup({ RestoreWindow: { EarliestTime: new Date(EARLIEST + DAY), LatestTime: new Date(LATEST) } })] });
    const r = await runAction(deps, { action: restorePitrAction, ctx, plan: edge, typed: `prod/${NEW}` });
    expect(r.outcome).toBe('aborted');
    expect(r.message).toContain('time "in the window" → "outside the window"');
    expect(rdsMock.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(0);
  });
});

describe('the time as typed', () => {
  it('takes ISO 8601 with or without a zone (none: UTC), or latest; anything else is one line', () => {
    expect(parsePitrTime('latest')).toBe('latest');
    expect(parsePitrTime(' 2026-11-26T08:04:10Z ')).toBe(Date.UTC(2026, 10, 26, 8, 4, 10));
    expect(parsePitrTime('2026-11-26 08:04')).toBe(Date.UTC(2026, 10, 26, 8, 4));
    expect(parsePitrTime('2026-11-26T09:04:00+01:00')).toBe(Date.UTC(2026, 10, 26, 8, 4));
    for (const bad of ['yesterday', '2026-11-26', '2026-13-40 08:04', '08:04']) expect(() => parsePitrTime(bad), bad).toThrow(/^the time is an ISO 8601 time like 2026-11-26T08:04:00Z \(no zone: UTC\) or latest, not "/);
  });
});
