/**
 * How far back an instance can be restored to a point in time. RDS tells
 * the end on the instance itself (LatestRestorableTime); the start is on its
 * automated backup (DescribeDBInstanceAutomatedBackups → RestoreWindow). Where
 * that is missing (older API versions, emulators), the oldest automated
 * snapshot kept marks the start, and failing that the retention period
 * counted back from the end, never before the instance was created.
 */
import type { DBInstanceAutomatedBackup } from '@aws-sdk/client-rds';
import type { DbSnapshot, PitrWindow } from '../../model/rds.js';
import { send, type AwsContext } from './clients.js';
import { chunk, throwIfAborted } from './util.js';

const DAY = 86_400_000;
/** the API's largest page */
const PAGE = 100;
const MAX_PAGES = 20;

/** The automated backup of each instance, by lower-case id: the active one where a deleted namesake left a retained one. */
export async function automatedBackups(ctx: AwsContext, ids: readonly string[], signal: AbortSignal): Promise<Map<string, DBInstanceAutomatedBackup>> {
  const out = new Map<string, DBInstanceAutomatedBackup>();
  const wanted = new Set(ids.map((i) => i.toLowerCase()));
  for (const Values of chunk([...ids], PAGE)) {
    let marker: string | undefined;
    let pages = 0;
    do {
      throwIfAborted(signal);
      const m = marker;
      const res = await send(
        ctx,
        'rds',
        (rds) => new rds.DescribeDBInstanceAutomatedBackupsCommand({ Filters: [{ Name: 'db-instance-id', Values }], MaxRecords: PAGE, ...(m ? { Marker: m } : {}) }),
        signal,
      );
      for (const b of res.DBInstanceAutomatedBackups ?? []) {
        const id = (b.DBInstanceIdentifier ?? '').toLowerCase();
        // the filter is a request: an API (or an emulator) that ignores it still gets only what was asked for
        if (!wanted.has(id)) continue;
        if (!out.has(id) || b.Status === 'active') out.set(id, b);
      }
      marker = res.Marker;
    } while (marker && ++pages < MAX_PAGES);
  }
  return out;
}

/** Whether the window's start needs the instance's snapshots (RDS's restore window did not say). */
export const needsSnapshots = (base: PitrWindow | undefined, backup: DBInstanceAutomatedBackup | undefined) =>
  base?.retentionDays !== 0 && !backup?.RestoreWindow?.EarliestTime;

/**
 * The window from the instance's own figures (`base`: LatestRestorableTime and
 * the retention, see rdsMap), its automated backup and its snapshots.
 */
export function pitrWindow(base: PitrWindow | undefined, createdAt: number | undefined, backup: DBInstanceAutomatedBackup | undefined, snapshots: readonly DbSnapshot[]): PitrWindow {
  const retention = base?.retentionDays ?? backup?.BackupRetentionPeriod;
  // retention 0 turns automated backups off: there is nothing to restore from, whatever an old backup says
  if (retention === 0) return { retentionDays: 0 };
  const out: PitrWindow = retention === undefined ? {} : { retentionDays: retention };
  const latest = base?.latest ?? backup?.RestoreWindow?.LatestTime?.getTime();
  if (latest !== undefined) out.latest = latest;
  const windowStart = backup?.RestoreWindow?.EarliestTime?.getTime();
  const oldest = snapshots
    .filter((s) => s.type === 'automated' && s.status === 'available' && s.createdAt !== undefined)
    .reduce<number | undefined>((a, s) => (a === undefined || s.createdAt! < a ? s.createdAt : a), undefined);
  if (windowStart !== undefined) Object.assign(out, { earliest: windowStart, earliestFrom: 'restore-window' });
  else if (oldest !== undefined) Object.assign(out, { earliest: oldest, earliestFrom: 'oldest-backup' });
  else if (latest !== undefined && retention !== undefined) Object.assign(out, { earliest: Math.max(createdAt ?? -Infinity, latest - retention * DAY), earliestFrom: 'retention' });
  return out;
}
