/**
 * DescribeDBSnapshots, shared by the RDS source and RdsControl. Without a
 * SnapshotType the API returns both automated and manual snapshots (not
 * shared or public ones), so one paginated listing per instance covers both.
 */
import type { DbSnapshot } from '../../model/rds.js';
import { send, type AwsContext } from './clients.js';
import { mapSnapshot, newestFirst } from './rdsMap.js';
import { throwIfAborted } from './util.js';

const SNAPSHOT_PAGE = 100;
// 50 pages is 5,000 snapshots of one instance: past that, something loops
const MAX_PAGES = 50;

export async function listSnapshots(ctx: AwsContext, instanceId: string, signal?: AbortSignal): Promise<DbSnapshot[]> {
  const out: DbSnapshot[] = [];
  let marker: string | undefined;
  let pages = 0;
  do {
    throwIfAborted(signal);
    const m = marker;
    const res = await send(ctx, 'rds', (rds) => new rds.DescribeDBSnapshotsCommand({ DBInstanceIdentifier: instanceId, MaxRecords: SNAPSHOT_PAGE, ...(m ? { Marker: m } : {}) }), signal);
    out.push(...(res.DBSnapshots ?? []).map(mapSnapshot));
    marker = res.Marker;
  } while (marker && ++pages < MAX_PAGES);
  return out.sort(newestFirst);
}

/** One snapshot by id; undefined when RDS has none by that name. */
export async function findSnapshot(ctx: AwsContext, snapshotId: string, signal?: AbortSignal): Promise<DbSnapshot | undefined> {
  // RDS finds an automated snapshot by id only when asked for that type
  const automated = snapshotId.startsWith('rds:');
  try {
    const res = await send(ctx, 'rds', (rds) => new rds.DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId, ...(automated ? { SnapshotType: 'automated' } : {}) }), signal);
    // RDS stores snapshot ids in lower case
    const found = res.DBSnapshots?.find((s) => s.DBSnapshotIdentifier?.toLowerCase() === snapshotId.toLowerCase());
    return found ? mapSnapshot(found) : undefined;
  } catch (err) {
    if (isRdsNotFound(err, 'DBSnapshotNotFound')) return undefined;
    throw err;
  }
}

/** RDS's "no such thing" faults, as the SDK names them (DBInstanceNotFoundFault) or as the wire does (DBInstanceNotFound). */
export function isRdsNotFound(err: unknown, code: 'DBInstanceNotFound' | 'DBSnapshotNotFound'): boolean {
  const matches = (e: unknown) => {
    const f = (e && typeof e === 'object' ? e : {}) as { name?: unknown; Code?: unknown };
    return f.name === `${code}Fault` || f.name === code || f.Code === code;
  };
  // send() wraps the SDK's error in an AwsError whose cause is the original
  return matches(err) || (err instanceof Error && matches(err.cause));
}
