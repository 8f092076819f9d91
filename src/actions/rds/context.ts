/**
 * What the RDS actions need: the RdsControl port (fresh reads and the three
 * writes), and the facts shared by snapshot, restore and delete-drill-instance.
 * The port lives here until it moves to sources/ports.ts beside EcsControl.
 */
import type { DbInstance, DbSnapshot, PitrWindow } from '../../model/rds.js';
import type { ActionContext, ActionTarget } from '../types.js';

/** The tag on instances a backup drill restores: the only instances opsdeck will ever delete. */
export const DRILL_TAG = 'opsdeck:drill';
/** The tag on every instance the restore action creates; its value names the snapshot. */
export const RESTORED_FROM_TAG = 'opsdeck:restored-from';
/** The tag on every instance a point-in-time restore creates; its value names the time restored to (or "latest"). */
export const PITR_TAG = 'opsdeck:pitr';
/** Who asked for a snapshot or a restore, for whoever finds the resource later. */
export const CREATED_BY_TAG = 'opsdeck:created-by';

/** An instance with the settings a restore copies from it. */
export interface DbInstanceDetail extends DbInstance {
  arn?: string;
  subnetGroup?: string;
  /** VPC security group ids */
  securityGroups: string[];
  parameterGroup?: string;
  deletionProtection: boolean;
}

/** Where a restored instance lands and with which settings; each omitted one is left to RDS (its defaults, not the source's). */
export interface Placement {
  instanceClass?: string;
  subnetGroup?: string;
  securityGroups?: string[];
  parameterGroup?: string;
}

/** The API's own names of a placement, as both restore calls take them and the plans list them. */
export function placementParams(p: Placement): Record<string, string | string[]> {
  return {
    ...(p.instanceClass ? { DBInstanceClass: p.instanceClass } : {}),
    ...(p.subnetGroup ? { DBSubnetGroupName: p.subnetGroup } : {}),
    ...(p.securityGroups ? { VpcSecurityGroupIds: p.securityGroups } : {}),
    ...(p.parameterGroup ? { DBParameterGroupName: p.parameterGroup } : {}),
  };
}

export interface RestoreRequest extends Placement {
  snapshotId: string;
  newId: string;
  tags: Record<string, string>;
}

/** RestoreDBInstanceToPointInTime: `time` undefined is UseLatestRestorableTime (RDS takes the latest at the call). */
export interface PitrRequest extends Placement {
  sourceId: string;
  newId: string;
  time?: number;
  tags: Record<string, string>;
}

export interface RdsWriteResult {
  requestId?: string;
}

/** The calls RDS actions make. Reads here are fresh (not the panel's cached snapshot). */
export interface RdsControl {
  /** undefined when no such instance exists (never did, or is gone) */
  instance(id: string, signal: AbortSignal): Promise<DbInstanceDetail | undefined>;
  /** automated and manual, newest first */
  snapshots(instanceId: string, signal: AbortSignal): Promise<DbSnapshot[]>;
  /** undefined when no such snapshot exists */
  snapshot(snapshotId: string, signal: AbortSignal): Promise<DbSnapshot | undefined>;
  createSnapshot(instanceId: string, snapshotId: string, tags: Record<string, string>, signal: AbortSignal): Promise<RdsWriteResult>;
  restoreFromSnapshot(req: RestoreRequest, signal: AbortSignal): Promise<RdsWriteResult>;
  /** the instance's restorable window read now; undefined when no such instance exists */
  restoreWindow(id: string, signal: AbortSignal): Promise<PitrWindow | undefined>;
  restoreToPointInTime(req: PitrRequest, signal: AbortSignal): Promise<RdsWriteResult>;
  /** with SkipFinalSnapshot: only ever called on a drill instance */
  deleteInstance(id: string, signal: AbortSignal): Promise<RdsWriteResult>;
  /** the tags as RDS holds them now */
  tagsOf(id: string, signal: AbortSignal): Promise<Record<string, string>>;
  /** every instance of the region carrying the tag `key` (one paginated DescribeDBInstances, which lists tags) */
  tagged?(key: string, signal: AbortSignal): Promise<DbInstanceDetail[]>;
}

export interface RdsActionContext extends ActionContext {
  rds: RdsControl;
}

export function instanceTarget(ctx: ActionContext, id: string, parent?: string): ActionTarget {
  return { kind: 'db-instance', name: id, ...(parent ? { parent } : {}), display: `${ctx.env.name}/${id}` };
}

/** Instance and snapshot ids share these rules (instance ids stop at 63 characters). */
export function invalidIdentifier(id: string, max: number): string | undefined {
  if (id.length < 1 || id.length > max) return `must be 1 to ${max} characters`;
  if (!/^[A-Za-z]/.test(id)) return 'must start with a letter';
  if (!/^[A-Za-z0-9-]+$/.test(id)) return 'may hold only letters, digits and hyphens';
  if (id.endsWith('-') || id.includes('--')) return 'must not end with a hyphen or hold two in a row';
  return undefined;
}

/** RDS tag values allow letters, digits, spaces and _ . : / = + - @ only; an ARN's session name may hold more. */
export function tagValue(text: string): string {
  return text.replace(/[^\p{L}\p{N}\s_.:/=+\-@]/gu, '_').slice(0, 256);
}

export function tagLines(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** "42 s", "14 min", "2 h 05 min": for progress and timeout lines. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** "<instance>-<word>-<UTC yyyymmddhhmm>", lower case as RDS stores ids, cut to the 63 characters an id may have. */
export function stampedId(instance: string, word: string, t: number): string {
  const suffix = `-${word}-${utcStamp(t)}`;
  return `${instance.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`.toLowerCase();
}

/** UTC yyyymmddhhmm, the stamp in the ids opsdeck makes. */
export function utcStamp(t: number): string {
  return new Date(t).toISOString().slice(0, 16).replace(/[-T:]/g, '');
}
