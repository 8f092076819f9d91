/**
 * RDS API shapes → the model. Pure functions, so the mapping is tested on
 * recorded responses without a client. Free text from AWS (event messages,
 * maintenance descriptions) is made safe for the terminal here.
 */
import type { DBInstance, DBSnapshot, Event, PendingMaintenanceAction, PendingModifiedValues, Tag } from '@aws-sdk/client-rds';
import type { DbSnapshot, MaintenanceDue } from '../../model/rds.js';
import type { DbInstanceDetail } from '../../actions/rds/context.js';
import { oneLine } from '../../text/sanitize.js';

/** One line of an instance's RDS event history. */
export interface DbEvent {
  at: number;
  message: string;
  /** e.g. backup, maintenance, notification, failure */
  categories: string[];
}

export function tagRecord(list: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key) out[t.Key] = t.Value ?? '';
  return out;
}

export function mapInstance(i: DBInstance): DbInstanceDetail {
  const out: DbInstanceDetail = {
    id: i.DBInstanceIdentifier ?? '?',
    status: i.DBInstanceStatus ?? 'unknown',
    engine: i.Engine ?? 'unknown',
    engineVersion: i.EngineVersion ?? '',
    instanceClass: i.DBInstanceClass ?? 'unknown',
    multiAz: i.MultiAZ ?? false,
    allocatedStorageGb: i.AllocatedStorage ?? 0,
    pendingMaintenance: pendingModifications(i.PendingModifiedValues),
    tags: tagRecord(i.TagList),
    // RDS lists groups being removed too; a restore copies the ones in force
    securityGroups: (i.VpcSecurityGroups ?? []).filter((g) => g.VpcSecurityGroupId && g.Status !== 'removing').map((g) => g.VpcSecurityGroupId as string),
    deletionProtection: i.DeletionProtection ?? false,
  };
  if (i.Endpoint?.Address) out.endpoint = { host: i.Endpoint.Address, port: i.Endpoint.Port ?? i.DbInstancePort ?? 5432 };
  if (i.InstanceCreateTime) out.createdAt = i.InstanceCreateTime.getTime();
  if (i.DBInstanceArn) out.arn = i.DBInstanceArn;
  if (i.DBSubnetGroup?.DBSubnetGroupName) out.subnetGroup = i.DBSubnetGroup.DBSubnetGroupName;
  const group = i.DBParameterGroups?.[0]?.DBParameterGroupName;
  if (group) out.parameterGroup = group;
  // the window's end and the retention; its start needs the automated backups (rdsWindow.ts)
  if (i.LatestRestorableTime || i.BackupRetentionPeriod !== undefined) {
    out.pitr = {
      ...(i.LatestRestorableTime ? { latest: i.LatestRestorableTime.getTime() } : {}),
      ...(i.BackupRetentionPeriod !== undefined ? { retentionDays: i.BackupRetentionPeriod } : {}),
    };
  }
  return out;
}

/** A modification waiting for the maintenance window (or a reboot), one line each. */
function pendingModifications(p: PendingModifiedValues | undefined): string[] {
  if (!p) return [];
  return Object.entries(p)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => (k === 'MasterUserPassword' ? 'pending: master password change' : `pending: ${k} → ${oneLine(String(v), 80)}`));
}

/** "system-update: Upgrade to the latest OS (auto-applied after 2026-12-01)" */
export function maintenanceLines(actions: readonly PendingMaintenanceAction[] | undefined): string[] {
  return (actions ?? []).map((a) => {
    const when = a.CurrentApplyDate ?? a.AutoAppliedAfterDate ?? a.ForcedApplyDate;
    const verb = a.CurrentApplyDate ? 'applies' : a.AutoAppliedAfterDate ? 'auto-applied after' : 'forced on';
    const what = `${a.Action ?? 'maintenance'}${a.Description ? `: ${a.Description}` : ''}`;
    return oneLine(`${what}${when ? ` (${verb} ${when.toISOString().slice(0, 10)})` : ''}`, 200);
  });
}

/** The date each action will be applied without anyone asking: what the maintenance check judges. */
export function maintenanceDue(actions: readonly PendingMaintenanceAction[] | undefined): MaintenanceDue[] {
  return (actions ?? []).flatMap((a): MaintenanceDue[] => {
    const [when, kind] = a.CurrentApplyDate ? [a.CurrentApplyDate, 'current' as const] : a.AutoAppliedAfterDate ? [a.AutoAppliedAfterDate, 'auto' as const] : a.ForcedApplyDate ? [a.ForcedApplyDate, 'forced' as const] : [undefined, undefined];
    return when && kind ? [{ action: oneLine(a.Action ?? 'maintenance', 60), dueAt: when.getTime(), kind }] : [];
  });
}

export function mapSnapshot(s: DBSnapshot): DbSnapshot {
  const status = s.Status ?? 'unknown';
  const out: DbSnapshot = {
    id: s.DBSnapshotIdentifier ?? '?',
    instanceId: s.DBInstanceIdentifier ?? '?',
    // AWS Backup and shared snapshots are kept by hand too, as far as this console is concerned
    type: s.SnapshotType === 'automated' ? 'automated' : 'manual',
    status,
    // moto and some API versions leave the percentage out once a snapshot is done
    progress: s.PercentProgress ?? (status === 'available' ? 100 : 0),
    allocatedStorageGb: s.AllocatedStorage ?? 0,
    engine: s.Engine ?? 'unknown',
  };
  const created = s.SnapshotCreateTime ?? s.OriginalSnapshotCreateTime;
  if (created) out.createdAt = created.getTime();
  return out;
}

/** Newest first; one still being created (no time yet) counts as the newest. */
export function newestFirst(a: DbSnapshot, b: DbSnapshot): number {
  return (b.createdAt ?? Infinity) - (a.createdAt ?? Infinity) || a.id.localeCompare(b.id);
}

export function mapEvent(e: Event): DbEvent | undefined {
  if (!e.Date) return undefined;
  return { at: e.Date.getTime(), message: oneLine(e.Message ?? '', 300), categories: e.EventCategories ?? [] };
}
