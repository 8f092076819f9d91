// The RDS actions on the real RdsControl with aws-sdk-client-mock, for what
// moto cannot show: a restore that takes its time (creating → backing-up →
// available), one that fails, throttling while the wait goes on, and the
// drill tag vanishing between the plan and the call. Shapes follow the RDS
// API reference for DescribeDBInstances, DescribeDBSnapshots,
// RestoreDBInstanceFromDBSnapshot, ListTagsForResource and DeleteDBInstance.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateDBSnapshotCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
  RDSClient,
  RDSServiceException,
  RestoreDBInstanceFromDBSnapshotCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { ManualClock } from '../../src/engine/clock.js';
import { createAwsContext } from '../../src/sources/aws/clients.js';
import { awsRdsControl } from '../../src/sources/aws/rdsControl.js';
import { runAction } from '../../src/actions/executor.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { restoreAction } from '../../src/actions/rds/restore.js';
import { snapshotAction } from '../../src/actions/rds/snapshot.js';
import { deleteDrillAction } from '../../src/actions/rds/deleteDrill.js';
import type { RdsActionContext } from '../../src/actions/rds/context.js';
import type { ExecutorDeps } from '../../src/actions/executor.js';

const rdsMock = mockClient(RDSClient);
const T0 = Date.UTC(2026, 2, 14, 10, 0, 0);
const ACCOUNT = '123456789012';
const arn = (id: string) => `arn:aws:rds:us-east-1:${ACCOUNT}:db:${id}`;
const meta = (requestId: string) => ({ $metadata: { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 } });
const signal = new AbortController().signal;
const SNAP = 'rds:prod-db-2026-03-14-03-10';
const NEW = 'prod-db-drill-202603141000';

function instance(id: string, status: string, over: Partial<DBInstance> = {}): DBInstance {
  // while creating, RDS has no endpoint and no create time yet
  const exists = status !== 'creating';
  return {
    DBInstanceIdentifier: id,
    DBInstanceClass: 'db.r6g.large',
    Engine: 'postgres',
    EngineVersion: '16.4',
    DBInstanceStatus: status,
    ...(exists ? { Endpoint: { Address: `${id}.cx1abc2defgh.us-east-1.rds.amazonaws.com`, Port: 5432 }, InstanceCreateTime: new Date(T0) } : {}),
    AllocatedStorage: 200,
    MultiAZ: false,
    VpcSecurityGroups: [
      { VpcSecurityGroupId: 'sg-0123456789abcdef0', Status: 'active' },
      { VpcSecurityGroupId: 'sg-0fedcba9876543210', Status: 'active' },
    ],
    DBParameterGroups: [{ DBParameterGroupName: 'prod-postgres16', ParameterApplyStatus: 'in-sync' }],
    DBSubnetGroup: { DBSubnetGroupName: 'prod-private', VpcId: 'vpc-0a1b2c3d', SubnetGroupStatus: 'Complete' },
    DBInstanceArn: arn(id),
    DeletionProtection: false,
    TagList: [],
    ...over,
  };
}

const notFound = (id: string) => new RDSServiceException({ name: 'DBInstanceNotFoundFault', message: `DBInstance ${id} not found.`, $fault: 'client', $metadata: { httpStatusCode: 404 } });
const throttled = () => new RDSServiceException({ name: 'Throttling', message: 'Rate exceeded', $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 4 } });

let dir: string;
let deps: ExecutorDeps;
let journal: AuditJournal;
let clock: ManualClock;
let ctx: RdsActionContext;

beforeEach(() => {
  rdsMock.reset();
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-rds-mock-'));
  mkdirSync(join(dir, 'locks'));
  journal = new AuditJournal(join(dir, 'audit.jsonl'));
  deps = { journal, lock: new FileTargetLock(join(dir, 'locks')) };
  clock = new ManualClock(T0);
  const aws = createAwsContext({ config: { region: 'us-east-1' }, env: {}, sdk: { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } });
  ctx = {
    env: { name: 'prod', protected: true, readOnly: false, region: 'us-east-1', account: ACCOUNT, identity: `arn:aws:sts::${ACCOUNT}:assumed-role/oncall/alice,ops@example.com` },
    now: () => clock.now(),
    sleep: async (ms) => clock.advance(ms),
    rds: awsRdsControl(aws),
  };
  rdsMock.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: SNAP }).resolves({
    DBSnapshots: [{ DBSnapshotIdentifier: SNAP, DBInstanceIdentifier: 'prod-db', SnapshotType: 'automated', Status: 'available', PercentProgress: 100, AllocatedStorage: 200, Engine: 'postgres', SnapshotCreateTime: new Date(T0 - 7 * 3600_000) }],
  });
  rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'prod-db' }).resolves({ DBInstances: [instance('prod-db', 'available', { DeletionProtection: true })] });
});
afterEach(() => {
  rdsMock.reset();
  rmSync(dir, { recursive: true, force: true });
});

/** The new instance: absent for the plan and the re-check, then each of `states` per read (a string, or an error to throw). */
function newInstanceReads(states: (string | Error)[]) {
  let stub = rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: NEW }).rejectsOnce(notFound(NEW)).rejectsOnce(notFound(NEW));
  for (const s of states) stub = typeof s === 'string' ? stub.resolvesOnce({ DBInstances: [instance(NEW, s, { TagList: [{ Key: 'opsdeck:drill', Value: 'prod-db' }] })] }) : stub.rejectsOnce(s);
  rdsMock.on(RestoreDBInstanceFromDBSnapshotCommand).resolves({ DBInstance: instance(NEW, 'creating'), ...meta('restore-req-1') });
}

async function restore(onProgress?: (m: string) => void) {
  const plan = await restoreAction.plan(ctx, { snapshot: SNAP, newId: NEW, tags: { 'opsdeck:drill': 'prod-db' } }, signal);
  expect(plan.refusal).toBeUndefined();
  return { plan, result: await runAction(deps, { action: restoreAction, ctx, plan, typed: `prod/${NEW}`, onProgress: (p) => onProgress?.(p.message) }) };
}

describe('restore, against recorded RDS shapes', () => {
  it('sends the settings of the source instance and reports each state until available', async () => {
    newInstanceReads(['creating', 'creating', 'backing-up', 'backing-up', 'available']);
    const progress: string[] = [];
    const { plan, result } = await restore((m) => progress.push(m));
    expect(result.outcome, result.message).toBe('done');
    expect(result.requestIds).toEqual(['restore-req-1']);
    expect(result.message).toBe(`prod/${NEW} is available after 40 s (creating → backing-up → available); endpoint ${NEW}.cx1abc2defgh.us-east-1.rds.amazonaws.com:5432`);
    expect(progress).toEqual([
      `${NEW}: creating (0 s)`,
      `${NEW}: creating (10 s)`,
      `${NEW}: creating → backing-up (20 s)`,
      `${NEW}: creating → backing-up (30 s)`,
      `${NEW}: creating → backing-up → available (40 s)`,
    ]);
    const sent = rdsMock.commandCalls(RestoreDBInstanceFromDBSnapshotCommand).map((c) => c.args[0].input);
    expect(sent).toEqual([plan.calls[0]!.params]);
    expect(sent[0]).toMatchObject({
      DBSnapshotIdentifier: SNAP,
      DBInstanceIdentifier: NEW,
      DBInstanceClass: 'db.r6g.large',
      DBSubnetGroupName: 'prod-private',
      VpcSecurityGroupIds: ['sg-0123456789abcdef0', 'sg-0fedcba9876543210'],
      DBParameterGroupName: 'prod-postgres16',
    });
    // "," is not allowed in an RDS tag value: the session name is made safe
    expect(sent[0]!.Tags).toContainEqual({ Key: 'opsdeck:created-by', Value: `arn:aws:sts::${ACCOUNT}:assumed-role/oncall/alice_ops@example.com` });
    expect(sent[0]!.Tags).toContainEqual({ Key: 'opsdeck:drill', Value: 'prod-db' });
  });

  it('fails verification with one clear line when the instance ends failed', async () => {
    newInstanceReads(['creating', 'failed']);
    const { result } = await restore();
    expect(result.outcome).toBe('failed');
    expect(result.verify?.message).toBe(`${NEW} ended failed (creating → failed); read its RDS events for the reason, then delete the instance`);
  });

  it('keeps waiting through throttled reads, backing off, and says so', async () => {
    newInstanceReads(['creating', throttled(), throttled(), 'backing-up', 'available']);
    const progress: string[] = [];
    const { result } = await restore((m) => progress.push(m));
    expect(result.outcome, result.message).toBe('done');
    expect(progress.filter((m) => m.startsWith('AWS is throttling'))).toEqual([
      `AWS is throttling RDS requests; opsdeck will back off; reading again in 20 s (last seen: ${NEW}: creating (0 s))`,
      `AWS is throttling RDS requests; opsdeck will back off; reading again in 40 s (last seen: ${NEW}: creating (0 s))`,
    ]);
    // 10 s, then the two backoffs, then the normal pace again
    expect(progress.at(-1)).toBe(`${NEW}: creating → backing-up → available (80 s)`);
  });

  it('stops at an error that will not pass by waiting', async () => {
    const denied = new RDSServiceException({ name: 'AccessDenied', message: 'not authorized to perform: rds:DescribeDBInstances', $fault: 'client', $metadata: { httpStatusCode: 403 } });
    newInstanceReads(['creating', denied]);
    const { result } = await restore();
    expect(result.outcome).toBe('failed');
    expect(result.message).toContain('verification stopped: access denied for rds:DescribeDBInstances');
  });
});

describe('snapshot, against recorded RDS shapes', () => {
  it('creates the snapshot with its tags and follows PercentProgress to available', async () => {
    const id = 'prod-db-opsdeck-202603141000';
    const snap = (Status: string, PercentProgress: number) => ({ DBSnapshots: [{ DBSnapshotIdentifier: id, DBInstanceIdentifier: 'prod-db', SnapshotType: 'manual', Status, PercentProgress, AllocatedStorage: 200, Engine: 'postgres' }] });
    rdsMock.on(DescribeDBSnapshotsCommand, { DBSnapshotIdentifier: id }).resolvesOnce({ DBSnapshots: [] }).resolvesOnce({ DBSnapshots: [] }).resolvesOnce(snap('creating', 0)).resolvesOnce(snap('creating', 35)).resolves(snap('available', 100));
    rdsMock.on(CreateDBSnapshotCommand).resolves({ ...meta('snap-req-1') });
    const plan = await snapshotAction.plan(ctx, { instance: 'prod-db' }, signal);
    const progress: string[] = [];
    const r = await runAction(deps, { action: snapshotAction, ctx, plan, typed: 'y', onProgress: (p) => progress.push(p.message) });
    expect(r.outcome, r.message).toBe('done');
    expect(progress).toEqual([`snapshot ${id} creating 0 % (0 s)`, `snapshot ${id} creating 35 % (10 s)`, `snapshot ${id} available 100 % (20 s)`]);
    expect(rdsMock.commandCalls(CreateDBSnapshotCommand)[0]!.args[0].input).toEqual({ DBInstanceIdentifier: 'prod-db', DBSnapshotIdentifier: id, Tags: [{ Key: 'opsdeck:created-by', Value: `arn:aws:sts::${ACCOUNT}:assumed-role/oncall/alice_ops@example.com` }] });
  });
});

describe('delete-drill-instance, against recorded RDS shapes', () => {
  const DRILL = 'prod-db-drill-7';
  const tags = (drill: boolean) => ({ TagList: [{ Key: 'team', Value: 'platform' }, ...(drill ? [{ Key: 'opsdeck:drill', Value: 'prod-db' }] : [])] });

  beforeEach(() => {
    rdsMock.on(DeleteDBInstanceCommand).resolves({ DBInstance: instance(DRILL, 'deleting'), ...meta('delete-req-1') });
  });

  it('deletes an instance carrying the drill tag and waits for it to disappear', async () => {
    // available until the delete; then one read sees it deleting, and after that it is gone
    let readsSinceDelete = -1;
    rdsMock.on(DeleteDBInstanceCommand).callsFake(() => {
      readsSinceDelete = 0;
      return { DBInstance: instance(DRILL, 'deleting'), ...meta('delete-req-1') };
    });
    rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: DRILL }).callsFake(() => {
      if (readsSinceDelete < 0) return { DBInstances: [instance(DRILL, 'available')] };
      if (readsSinceDelete++ === 0) return { DBInstances: [instance(DRILL, 'deleting')] };
      throw notFound(DRILL);
    });
    rdsMock.on(ListTagsForResourceCommand, { ResourceName: arn(DRILL) }).resolves(tags(true));
    const plan = await deleteDrillAction.plan(ctx, { instance: DRILL }, signal);
    expect(plan.phrase).toBe(`prod/${DRILL}`);
    const r = await runAction(deps, { action: deleteDrillAction, ctx, plan, typed: `prod/${DRILL}` });
    expect(r.outcome, r.message).toBe('done');
    expect(r.message).toBe(`prod/${DRILL} is deleted after 10 s`);
    expect(rdsMock.commandCalls(DeleteDBInstanceCommand).map((c) => c.args[0].input)).toEqual([{ DBInstanceIdentifier: DRILL, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }]);
  });

  it('refuses in the plan an instance without the tag, and never calls DeleteDBInstance', async () => {
    rdsMock.on(ListTagsForResourceCommand, { ResourceName: arn('prod-db') }).resolves(tags(false));
    const plan = await deleteDrillAction.plan(ctx, { instance: 'prod-db' }, signal);
    expect(plan.refusal).toBe('prod-db does not carry the tag opsdeck:drill: opsdeck deletes only the instances a backup drill restored');
    const r = await runAction(deps, { action: deleteDrillAction, ctx, plan, typed: 'prod/prod-db' });
    expect(r.outcome).toBe('refused');
    expect(rdsMock.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
  });

  it('aborts when the tag is removed after the plan', async () => {
    rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: DRILL }).resolves({ DBInstances: [instance(DRILL, 'available')] });
    rdsMock.on(ListTagsForResourceCommand, { ResourceName: arn(DRILL) }).resolvesOnce(tags(true)).resolves(tags(false));
    const plan = await deleteDrillAction.plan(ctx, { instance: DRILL }, signal);
    expect(plan.refusal).toBeUndefined();
    const r = await runAction(deps, { action: deleteDrillAction, ctx, plan, typed: `prod/${DRILL}` });
    expect(r.outcome).toBe('aborted');
    expect(r.message).toBe(`prod/${DRILL} changed since the plan was shown (opsdeck:drill "prod-db" → null); plan again`);
    expect(rdsMock.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
  });

  it('refuses at the call itself when the tag goes between the re-check and the delete', async () => {
    rdsMock.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: DRILL }).resolves({ DBInstances: [instance(DRILL, 'available')] });
    // plan and re-check see the tag; execute's own read does not
    rdsMock.on(ListTagsForResourceCommand, { ResourceName: arn(DRILL) }).resolvesOnce(tags(true)).resolvesOnce(tags(true)).resolves(tags(false));
    const plan = await deleteDrillAction.plan(ctx, { instance: DRILL }, signal);
    const r = await runAction(deps, { action: deleteDrillAction, ctx, plan, typed: `prod/${DRILL}` });
    expect(r.outcome).toBe('failed');
    expect(r.message).toContain(`refused: ${DRILL} does not carry the tag opsdeck:drill`);
    expect(rdsMock.commandCalls(DeleteDBInstanceCommand)).toHaveLength(0);
    expect(journal.read().map((x) => [x.phase, x.outcome])).toEqual([
      ['intent', null],
      ['outcome', 'failed'],
    ]);
  });
});
