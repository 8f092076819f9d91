// The RDS source with aws-sdk-client-mock, for what moto cannot produce:
// Marker pagination of snapshots, snapshots in progress, CloudWatch values,
// pending maintenance and failures. Response shapes follow the RDS API
// reference (DescribeDBInstances, DescribeDBSnapshots, DescribeEvents,
// DescribePendingMaintenanceActions) and CloudWatch's GetMetricData.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeDBInstanceAutomatedBackupsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeEventsCommand,
  DescribePendingMaintenanceActionsCommand,
  RDSClient,
  RDSServiceException,
  type DBInstance,
  type DBSnapshot,
} from '@aws-sdk/client-rds';
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { ManualClock } from '../../src/engine/clock.js';
import { createAwsContext } from '../../src/sources/aws/clients.js';
import { AwsRdsSource } from '../../src/sources/aws/rds.js';

const rdsMock = mockClient(RDSClient);
const cwMock = mockClient(CloudWatchClient);
const T0 = Date.UTC(2026, 2, 14, 3, 12, 0);
const ACCOUNT = '123456789012';
const arn = (id: string) => `arn:aws:rds:us-east-1:${ACCOUNT}:db:${id}`;
const at = (offsetS: number) => new Date(T0 + offsetS * 1000);
const signal = () => new AbortController().signal;
const ctx = () => createAwsContext({ config: { region: 'us-east-1' }, env: {}, sdk: { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } });

function dbInstance(id: string, over: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: id,
    DBInstanceClass: 'db.r6g.large',
    Engine: 'postgres',
    EngineVersion: '16.4',
    DBInstanceStatus: 'available',
    Endpoint: { Address: `${id}.cx1abc2defgh.us-east-1.rds.amazonaws.com`, Port: 5432, HostedZoneId: 'Z2R2ITUGPM61AM' },
    AllocatedStorage: 200,
    InstanceCreateTime: at(-400 * 86400),
    MultiAZ: true,
    VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-0123456789abcdef0', Status: 'active' }],
    DBParameterGroups: [{ DBParameterGroupName: 'prod-postgres16', ParameterApplyStatus: 'in-sync' }],
    DBSubnetGroup: { DBSubnetGroupName: 'prod-private', DBSubnetGroupDescription: 'private subnets', VpcId: 'vpc-0a1b2c3d', SubnetGroupStatus: 'Complete', Subnets: [] },
    PendingModifiedValues: {},
    DBInstanceArn: arn(id),
    DeletionProtection: true,
    TagList: [{ Key: 'team', Value: 'platform' }],
    ...over,
  };
}

function snapshot(id: string, createdS: number, over: Partial<DBSnapshot> = {}): DBSnapshot {
  return {
    DBSnapshotIdentifier: id,
    DBInstanceIdentifier: 'prod-db',
    SnapshotCreateTime: at(createdS),
    Engine: 'postgres',
    AllocatedStorage: 200,
    Status: 'available',
    SnapshotType: 'automated',
    PercentProgress: 100,
    DBSnapshotArn: `arn:aws:rds:us-east-1:${ACCOUNT}:snapshot:${id}`,
    ...over,
  };
}

function fault(name: string, message: string, status = 400): RDSServiceException {
  return new RDSServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: status, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 } });
}

beforeEach(() => {
  rdsMock.reset();
  cwMock.reset();
  rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [dbInstance('prod-db')] });
  rdsMock.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [] });
  rdsMock.on(DescribeEventsCommand).resolves({ Events: [] });
  rdsMock.on(DescribePendingMaintenanceActionsCommand).resolves({ PendingMaintenanceActions: [] });
  rdsMock.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });
  cwMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
});
afterEach(() => {
  rdsMock.reset();
  cwMock.reset();
});

describe('AwsRdsSource with recorded response shapes', () => {
  it('pages through DescribeDBInstances, keeps the configured instances in order and the ones opsdeck restored, and names a missing one', async () => {
    const page1 = [dbInstance('zeta-db'), ...Array.from({ length: 98 }, (_, i) => dbInstance(`other-${i}`)), dbInstance('prod-db')];
    const page2 = [
      dbInstance('prod-db-drill-202603140300', { TagList: [{ Key: 'opsdeck:drill', Value: 'prod-db' }], DeletionProtection: false }),
      dbInstance('prod-db-copy', { TagList: [{ Key: 'opsdeck:restored-from', Value: 'rds:prod-db-2026-03-13-03-10' }] }),
      dbInstance('unrelated'),
    ];
    rdsMock.on(DescribeDBInstancesCommand).resolvesOnce({ DBInstances: page1, Marker: 'marker-2' }).resolvesOnce({ DBInstances: page2 });

    const snap = await new AwsRdsSource(ctx(), [{ instance: 'zeta-db' }, { instance: 'ghost' }, { instance: 'prod-db' }], new ManualClock(T0)).describe(signal());

    expect(snap.instances.map((i) => i.id)).toEqual(['zeta-db', 'prod-db']);
    expect(snap.restored.map((i) => i.id)).toEqual(['prod-db-copy', 'prod-db-drill-202603140300']);
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand).map((c) => c.args[0].input)).toEqual([{ MaxRecords: 100 }, { MaxRecords: 100, Marker: 'marker-2' }]);
    expect(snap.warnings).toEqual(['RDS instance ghost not found in region us-east-1: fix rds[1].instance in the config, or the region']);
    expect(snap.instances[1]).toMatchObject({
      id: 'prod-db',
      status: 'available',
      engine: 'postgres',
      engineVersion: '16.4',
      instanceClass: 'db.r6g.large',
      multiAz: true,
      allocatedStorageGb: 200,
      endpoint: { host: 'prod-db.cx1abc2defgh.us-east-1.rds.amazonaws.com', port: 5432 },
      tags: { team: 'platform' },
      subnetGroup: 'prod-private',
      securityGroups: ['sg-0123456789abcdef0'],
      parameterGroup: 'prod-postgres16',
      createdAt: T0 - 400 * 86_400_000,
    });
    // snapshots are read for the configured instances only
    expect(rdsMock.commandCalls(DescribeDBSnapshotsCommand).map((c) => c.args[0].input.DBInstanceIdentifier).sort()).toEqual(['prod-db', 'zeta-db']);
  });

  it('follows Marker through DescribeDBSnapshots past one page: both kinds, newest first, with progress', async () => {
    const page1 = Array.from({ length: 100 }, (_, i) => snapshot(`rds:prod-db-${String(i).padStart(3, '0')}`, -(i + 2) * 3600));
    const creating = snapshot('prod-db-before-migration', -60, { SnapshotType: 'manual', Status: 'creating', PercentProgress: 42 });
    const noTimeYet = snapshot('prod-db-just-started', 0, { SnapshotType: 'manual', Status: 'creating', PercentProgress: 0, SnapshotCreateTime: undefined });
    const page2 = [creating, noTimeYet, snapshot('prod-db-by-aws-backup', -30 * 86400, { SnapshotType: 'awsbackup' })];
    rdsMock.on(DescribeDBSnapshotsCommand).resolvesOnce({ DBSnapshots: page1, Marker: 'snap-marker' }).resolvesOnce({ DBSnapshots: page2 });

    const snap = await new AwsRdsSource(ctx(), [{ instance: 'prod-db' }], new ManualClock(T0)).describe(signal());

    expect(rdsMock.commandCalls(DescribeDBSnapshotsCommand).map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: 'prod-db', MaxRecords: 100 },
      { DBInstanceIdentifier: 'prod-db', MaxRecords: 100, Marker: 'snap-marker' },
    ]);
    expect(snap.snapshots).toHaveLength(103);
    expect(snap.snapshots.slice(0, 3).map((s) => [s.id, s.type, s.status, s.progress])).toEqual([
      ['prod-db-just-started', 'manual', 'creating', 0],
      ['prod-db-before-migration', 'manual', 'creating', 42],
      ['rds:prod-db-000', 'automated', 'available', 100],
    ]);
    const times = snap.snapshots.slice(1).map((s) => s.createdAt!);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(snap.snapshots.at(-1)).toMatchObject({ id: 'prod-db-by-aws-backup', type: 'manual' });
  });

  it('reads five metrics of every instance in one GetMetricData call and puts the latest values in the model', async () => {
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [dbInstance('prod-db'), dbInstance('reports-db')] });
    cwMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'cpu0', StatusCode: 'Complete', Timestamps: [at(-120), at(-60)], Values: [31.24, 35.66] },
        { Id: 'free0', StatusCode: 'Complete', Timestamps: [at(-60)], Values: [48_318_382_080] },
        { Id: 'conn0', StatusCode: 'Complete', Timestamps: [at(-60), at(-120)], Values: [87, 80] },
        { Id: 'rlat0', StatusCode: 'Complete', Timestamps: [at(-60)], Values: [0.00213] },
        { Id: 'wlat0', StatusCode: 'Complete', Timestamps: [at(-60)], Values: [0.0047] },
        { Id: 'cpu1', StatusCode: 'Complete', Timestamps: [], Values: [] },
      ],
    });

    const snap = await new AwsRdsSource(ctx(), [{ instance: 'prod-db' }, { instance: 'reports-db' }], new ManualClock(T0)).describe(signal());

    const calls = cwMock.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    const queries = input.MetricDataQueries as MetricDataQuery[];
    expect(queries).toHaveLength(10);
    expect(queries.map((q) => q.MetricStat?.Metric?.MetricName).slice(0, 5)).toEqual(['CPUUtilization', 'FreeStorageSpace', 'DatabaseConnections', 'ReadLatency', 'WriteLatency']);
    expect(queries.every((q) => q.MetricStat?.Period === 60 && q.MetricStat.Metric?.Namespace === 'AWS/RDS')).toBe(true);
    expect(queries[5]!.MetricStat?.Metric?.Dimensions).toEqual([{ Name: 'DBInstanceIdentifier', Value: 'reports-db' }]);
    expect(input.EndTime!.getTime() - input.StartTime!.getTime()).toBe(30 * 60_000);

    const [prod, reports] = snap.instances;
    expect(prod).toMatchObject({ cpuPercent: 35.7, freeStorageBytes: 48_318_382_080, connections: 87, readLatencyMs: 2.13, writeLatencyMs: 4.7 });
    expect(prod!.series.connections).toEqual([80, 87]);
    expect(reports!.cpuPercent).toBeUndefined();
    expect(reports!.series.cpuPercent).toEqual([]);
  });

  it('keeps the last 24 h of events newest first, made safe for the terminal', async () => {
    rdsMock.on(DescribeEventsCommand).resolves({
      Events: [
        { SourceIdentifier: 'prod-db', SourceType: 'db-instance', Message: 'Backing up DB instance', EventCategories: ['backup'], Date: at(-7200), SourceArn: arn('prod-db') },
        { SourceIdentifier: 'prod-db', SourceType: 'db-instance', Message: 'Finished DB Instance backup\x1b[2J\x07', EventCategories: ['backup'], Date: at(-6900), SourceArn: arn('prod-db') },
      ],
    });
    const snap = await new AwsRdsSource(ctx(), [{ instance: 'prod-db' }], new ManualClock(T0)).describe(signal());
    expect(snap.instances[0]!.events).toEqual([
      { at: T0 - 6_900_000, message: 'Finished DB Instance backup', categories: ['backup'] },
      { at: T0 - 7_200_000, message: 'Backing up DB instance', categories: ['backup'] },
    ]);
    const input = rdsMock.commandCalls(DescribeEventsCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ SourceType: 'db-instance', SourceIdentifier: 'prod-db', MaxRecords: 100 });
    expect(input.StartTime!.getTime()).toBe(T0 - 86_400_000);
  });

  it('lists pending maintenance (matched by ARN) and pending modifications', async () => {
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [dbInstance('prod-db', { PendingModifiedValues: { DBInstanceClass: 'db.r6g.xlarge' } })] });
    rdsMock.on(DescribePendingMaintenanceActionsCommand).resolves({
      PendingMaintenanceActions: [
        {
          ResourceIdentifier: arn('prod-db'),
          PendingMaintenanceActionDetails: [{ Action: 'system-update', AutoAppliedAfterDate: new Date('2026-04-01T00:00:00Z'), Description: 'New Operating System update is available' }],
        },
      ],
    });
    const snap = await new AwsRdsSource(ctx(), [{ instance: 'prod-db' }], new ManualClock(T0)).describe(signal());
    expect(snap.instances[0]!.pendingMaintenance).toEqual([
      'system-update: New Operating System update is available (auto-applied after 2026-04-01)',
      'pending: DBInstanceClass → db.r6g.xlarge',
    ]);
    // the date the maintenance check judges: RDS's own, from the same call
    expect(snap.instances[0]!.maintenanceDue).toEqual([{ action: 'system-update', dueAt: Date.parse('2026-04-01T00:00:00Z'), kind: 'auto' }]);
    expect(rdsMock.commandCalls(DescribePendingMaintenanceActionsCommand)[0]!.args[0].input.Filters).toEqual([{ Name: 'db-instance-id', Values: ['prod-db'] }]);
  });

  it('shows the instances when events, metrics or maintenance fail, and says which', async () => {
    rdsMock.on(DescribeEventsCommand).rejects(fault('AccessDenied', 'User: arn:aws:iam::123456789012:user/ops is not authorized to perform: rds:DescribeEvents', 403));
    rdsMock.on(DescribePendingMaintenanceActionsCommand).rejects(fault('Throttling', 'Rate exceeded'));
    cwMock.on(GetMetricDataCommand).rejects(fault('Throttling', 'Rate exceeded'));
    const snap = await new AwsRdsSource(ctx(), [{ instance: 'prod-db' }], new ManualClock(T0)).describe(signal());
    expect(snap.instances.map((i) => i.id)).toEqual(['prod-db']);
    expect(snap.warnings.sort()).toEqual([
      'RDS events unavailable: access denied for rds:DescribeEvents on the requested resource: the IAM policy needs rds:DescribeEvents',
      'RDS metrics unavailable: AWS is throttling CloudWatch requests; opsdeck will back off',
      'pending maintenance unavailable: AWS is throttling RDS requests; opsdeck will back off',
    ]);
  });

  it('fails the read when snapshots cannot be read: an empty list would look like no backups', async () => {
    rdsMock.on(DescribeDBSnapshotsCommand).rejects(fault('Throttling', 'Rate exceeded'));
    await expect(new AwsRdsSource(ctx(), [{ instance: 'prod-db' }], new ManualClock(T0)).describe(signal())).rejects.toThrow('AWS is throttling RDS requests; opsdeck will back off');
  });

  it('falls back to the configured instances by name when IAM denies listing every instance', async () => {
    rdsMock
      .on(DescribeDBInstancesCommand)
      .rejectsOnce(fault('AccessDenied', 'User: arn:aws:iam::123456789012:user/ops is not authorized to perform: rds:DescribeDBInstances on resource: arn:aws:rds:us-east-1:123456789012:db:*', 403))
      .resolves({ DBInstances: [dbInstance('prod-db')] });
    const snap = await new AwsRdsSource(ctx(), [{ instance: 'prod-db' }], new ManualClock(T0)).describe(signal());
    expect(snap.instances.map((i) => i.id)).toEqual(['prod-db']);
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand)[1]!.args[0].input).toEqual({ Filters: [{ Name: 'db-instance-id', Values: ['prod-db'] }], MaxRecords: 100 });
    expect(snap.warnings).toEqual([
      'instances opsdeck restored are not listed: access denied for rds:DescribeDBInstances on arn:aws:rds:us-east-1:123456789012:db:*: the IAM policy needs rds:DescribeDBInstances',
    ]);
  });
});
