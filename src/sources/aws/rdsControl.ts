/**
 * The RdsControl port on the real RDS API: fresh reads for plans, their
 * re-checks and verification, and the writes the RDS actions make.
 */
import { placementParams, type DbInstanceDetail, type PitrRequest, type RdsControl, type RestoreRequest } from '../../actions/rds/context.js';
import { send, type AwsContext } from './clients.js';
import { mapInstance, tagRecord } from './rdsMap.js';
import { findSnapshot, isRdsNotFound, listSnapshots } from './rdsSnapshots.js';
import { automatedBackups, needsSnapshots, pitrWindow } from './rdsWindow.js';

// bounds a runaway Marker loop: 100 pages of 100 instances
const MAX_PAGES = 100;
const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const requestIdOf = (out: { $metadata?: { requestId?: string } }) => (out.$metadata?.requestId ? { requestId: out.$metadata.requestId } : {});

export function awsRdsControl(ctx: AwsContext): RdsControl {
  // an instance's ARN is region, account and id: the same id always has the same ARN
  const arns = new Map<string, string>();

  async function describe(id: string, signal: AbortSignal): Promise<DbInstanceDetail | undefined> {
    try {
      const out = await send(ctx, 'rds', (rds) => new rds.DescribeDBInstancesCommand({ DBInstanceIdentifier: id }), signal);
      const found = out.DBInstances?.find((i) => i.DBInstanceIdentifier?.toLowerCase() === id.toLowerCase());
      if (found?.DBInstanceArn) arns.set(id, found.DBInstanceArn);
      return found ? mapInstance(found) : undefined;
    } catch (err) {
      if (isRdsNotFound(err, 'DBInstanceNotFound')) return undefined;
      throw err;
    }
  }

  return {
    instance: describe,

    snapshots: (instanceId, signal) => listSnapshots(ctx, instanceId, signal),

    snapshot: (snapshotId, signal) => findSnapshot(ctx, snapshotId, signal),

    async createSnapshot(instanceId, snapshotId, tags, signal) {
      const out = await send(ctx, 'rds', (rds) => new rds.CreateDBSnapshotCommand({ DBInstanceIdentifier: instanceId, DBSnapshotIdentifier: snapshotId, Tags: tagList(tags) }), signal);
      return requestIdOf(out);
    },

    async restoreFromSnapshot(req: RestoreRequest, signal) {
      const out = await send(
        ctx,
        'rds',
        (rds) =>
          new rds.RestoreDBInstanceFromDBSnapshotCommand({
            DBSnapshotIdentifier: req.snapshotId,
            DBInstanceIdentifier: req.newId,
            ...placementParams(req),
            Tags: tagList(req.tags),
          }),
        signal,
      );
      return requestIdOf(out);
    },

    async restoreWindow(id, signal) {
      const inst = await describe(id, signal);
      if (!inst) return undefined;
      const backup = (await automatedBackups(ctx, [inst.id], signal)).get(inst.id.toLowerCase());
      const snapshots = needsSnapshots(inst.pitr, backup) ? await listSnapshots(ctx, inst.id, signal) : [];
      return pitrWindow(inst.pitr, inst.createdAt, backup, snapshots);
    },

    async restoreToPointInTime(req: PitrRequest, signal) {
      const out = await send(
        ctx,
        'rds',
        (rds) =>
          new rds.RestoreDBInstanceToPointInTimeCommand({
            SourceDBInstanceIdentifier: req.sourceId,
            TargetDBInstanceIdentifier: req.newId,
            ...(req.time !== undefined ? { RestoreTime: new Date(req.time) } : { UseLatestRestorableTime: true }),
            ...placementParams(req),
            Tags: tagList(req.tags),
          }),
        signal,
      );
      return requestIdOf(out);
    },

    async deleteInstance(id, signal) {
      const out = await send(ctx, 'rds', (rds) => new rds.DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true, DeleteAutomatedBackups: true }), signal);
      return requestIdOf(out);
    },

    async tagsOf(id, signal) {
      // ListTagsForResource wants the ARN, which a describe tells once
      const arn = arns.get(id) ?? (await describe(id, signal))?.arn;
      if (!arn) {
        const err = new Error(`RDS instance ${id} not found`);
        err.name = 'DBInstanceNotFoundFault';
        throw err;
      }
      const out = await send(ctx, 'rds', (rds) => new rds.ListTagsForResourceCommand({ ResourceName: arn }), signal);
      return tagRecord(out.TagList);
    },

    async tagged(key, signal) {
      const out: DbInstanceDetail[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const m = marker;
        const res = await send(ctx, 'rds', (rds) => new rds.DescribeDBInstancesCommand({ MaxRecords: 100, ...(m ? { Marker: m } : {}) }), signal);
        for (const i of res.DBInstances ?? []) if ((i.TagList ?? []).some((t) => t.Key === key)) out.push(mapInstance(i));
        marker = res.Marker;
      } while (marker && ++pages < MAX_PAGES);
      return out;
    },
  };
}
