/**
 * The demo's RDS instance and its snapshots. Automated snapshots are a pure
 * function of time (a daily backup window at 03:10 UTC, seven days kept), so
 * they stay right however far the clock jumps.
 *
 * What operators do to RDS (a manual snapshot, a restore, deleting a drill
 * instance) lives in RdsSim below, laid over that base view on every read.
 * Its timings are minutes compressed to tens of seconds, so a demo shows a
 * restore go creating → backing-up → available while the audience watches.
 */
import type { DbInstance, DbSnapshot, PitrWindow, RdsSnapshot } from '../../model/rds.js';
import type { DbInstanceDetail, PitrRequest, Placement, RestoreRequest } from '../../actions/rds/context.js';
import { hashOf, rngAt } from './prng.js';
import { ACCOUNT, REGION, awsError } from './taskdefs.js';

export const DB_ID = 'demo-db';
const DAY = 86_400_000;
const WINDOW_OFFSET = (3 * 60 + 10) * 60_000;
const RETENTION_DAYS = 7;
const LOG_SHIP_MS = 5 * 60_000;
/** how long an automated snapshot of this size stays `creating` */
const CREATE_MS = 7 * 60_000;
const STORAGE_GB = 100;
const GIB = 1024 ** 3;

interface RdsLoad {
  connections: number;
  cpu: [number, number];
  databaseSizeBytes: number;
  /** an OS update RDS applies by itself at this time, as DescribePendingMaintenanceActions would list it */
  maintenanceDueAt?: number | undefined;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function automated(seed: number, dayStart: number, t: number): DbSnapshot | undefined {
  // the backup starts a few seconds into the window, differently each day
  const createdAt = dayStart + WINDOW_OFFSET + (hashOf(seed, 'snap', dayStart) % 90) * 1000;
  if (createdAt > t) return undefined;
  const d = new Date(dayStart);
  const progress = Math.min(100, Math.floor(((t - createdAt) / CREATE_MS) * 100));
  return {
    id: `rds:${DB_ID}-${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-03-10`,
    instanceId: DB_ID,
    type: 'automated',
    status: progress >= 100 ? 'available' : 'creating',
    progress,
    createdAt,
    allocatedStorageGb: STORAGE_GB,
    engine: 'postgres',
  };
}

export function rdsSnapshot(seed: number, start: number, t: number, load: RdsLoad): RdsSnapshot {
  const rng = rngAt(seed, 'rds', t);
  const instance: DbInstance = {
    id: DB_ID,
    status: 'available',
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    multiAz: false,
    allocatedStorageGb: STORAGE_GB,
    // WAL, logs and temp files take about 9 GiB beside the data
    freeStorageBytes: Math.round(STORAGE_GB * GIB - load.databaseSizeBytes - 9 * GIB + rng.range(-50, 50) * 1024 ** 2),
    connections: load.connections,
    cpuPercent: Math.round(rng.range(load.cpu[0], load.cpu[1]) * 10) / 10,
    pendingMaintenance: load.maintenanceDueAt === undefined ? [] : [`system-update: New Operating System update is available (auto-applied after ${new Date(load.maintenanceDueAt).toISOString().slice(0, 10)})`],
    maintenanceDue: load.maintenanceDueAt === undefined ? [] : [{ action: 'system-update', dueAt: load.maintenanceDueAt, kind: 'auto' }],
    endpoint: { host: `${DB_ID}.c9akciq32rlx.${REGION}.rds.amazonaws.com`, port: 5432 },
    tags: { env: 'demo', team: 'platform', backup: 'daily' },
    createdAt: start - 412 * DAY,
  };
  const snapshots: DbSnapshot[] = [];
  const today = Math.floor(t / DAY) * DAY;
  for (let d = 0; d <= RETENTION_DAYS && snapshots.length < RETENTION_DAYS; d++) {
    const snap = automated(seed, today - d * DAY, t);
    if (snap) snapshots.push(snap);
  }
  const manualAt = start - 3 * DAY - 14 * 3_600_000;
  snapshots.push({
    id: `${DB_ID}-before-orders-migration`,
    instanceId: DB_ID,
    type: 'manual',
    status: 'available',
    progress: 100,
    createdAt: manualAt,
    allocatedStorageGb: STORAGE_GB,
    engine: 'postgres',
  });
  snapshots.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  instance.pitr = pitrWindowAt(snapshots, t);
  return { instances: [instance], snapshots };
}

/**
 * RDS ships transaction logs every five minutes, so the latest restorable
 * time trails the clock by up to five; the window opens at the oldest
 * automated backup kept.
 */
function pitrWindowAt(snapshots: readonly DbSnapshot[], t: number): PitrWindow {
  const kept = snapshots.filter((s) => s.type === 'automated' && s.status === 'available' && s.createdAt !== undefined);
  const earliest = Math.min(...kept.map((s) => s.createdAt!));
  return { latest: t - (t % LOG_SHIP_MS), retentionDays: RETENTION_DAYS, ...(kept.length > 0 ? { earliest, earliestFrom: 'restore-window' as const } : {}) };
}

/** The settings a restore copies from demo-db, which the base view does not carry. */
const DB_SETTINGS = {
  arn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:${DB_ID}`,
  subnetGroup: 'demo-db-subnets',
  securityGroups: ['sg-0d3b9e1a7c5f24e68'],
  parameterGroup: 'demo-postgres16',
  deletionProtection: true,
};
/** what RDS picks when a restore names no subnet group, security group or parameter group */
const RDS_DEFAULTS = { subnetGroup: 'default', securityGroups: ['sg-00000000default0'], parameterGroup: 'default.postgres16' };

export type Endpoint = { host: string; port: number };
const defaultEndpoint = (id: string): Endpoint => ({ host: `${id}.c9akciq32rlx.${REGION}.rds.amazonaws.com`, port: 5432 });

interface SimView {
  instances: DbInstanceDetail[];
  /** instances restored from a snapshot, newest last */
  restored: DbInstanceDetail[];
  snapshots: DbSnapshot[];
}

export const findInstance = (view: SimView, id: string): DbInstanceDetail | undefined => view.instances.find((i) => i.id === id) ?? view.restored.find((i) => i.id === id);

interface SimSnapshot {
  id: string;
  instanceId: string;
  startedAt: number;
  takesMs: number;
  storageGb: number;
  engine: string;
  tags: Record<string, string>;
}

interface SimInstance {
  id: string;
  /** the snapshot, or instance@time, it was restored from */
  from: string;
  instanceClass: string;
  subnetGroup: string;
  securityGroups: string[];
  parameterGroup: string;
  storageGb: number;
  engine: string;
  engineVersion: string;
  tags: Record<string, string>;
  createdAt: number;
  creatingMs: number;
  backingUpMs: number;
  /** the state a failed restore ends in, instead of backing-up → available */
  failsAs?: string;
  deletedAt?: number;
  deletingMs: number;
}

const span = (seed: number, what: string, id: string, min: number, max: number) => min + (hashOf(seed, what, id) % (max - min + 1));

/** Operators' changes to the demo's RDS, over virtual time. */
export class RdsSim {
  private readonly snapshots = new Map<string, SimSnapshot>();
  private readonly instances = new Map<string, SimInstance>();
  private endpointOf: (id: string) => Endpoint | undefined = () => undefined;
  private nextFailure: string | undefined;

  constructor(private readonly seed: number) {}

  /** The drill points restored instances at a real PostgreSQL through this; undefined keeps the made-up host. */
  setEndpoint(fn: (instanceId: string) => Endpoint | undefined): void {
    this.endpointOf = fn;
  }

  /** The next restore ends in `status` (e.g. incompatible-restore) instead of available. */
  failNextRestore(status: string): void {
    this.nextFailure = status;
  }

  /** The base view with operators' changes; restored instances apart, as the AWS source keeps them. */
  view(base: RdsSnapshot, t: number): SimView {
    const restored = [...this.instances.values()].flatMap((s) => {
      const status = this.statusOf(s, t);
      return status ? [this.detail(s, status, base)] : [];
    });
    const snapshots = [...base.snapshots, ...[...this.snapshots.values()].filter((s) => s.startedAt <= t).map((s) => snapshotAt(s, t))];
    snapshots.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
    const own = base.instances.map((i): DbInstanceDetail => ({ ...i, ...DB_SETTINGS, securityGroups: [...DB_SETTINGS.securityGroups] }));
    return { instances: own, restored, snapshots };
  }

  createSnapshot(base: RdsSnapshot, t: number, instanceId: string, snapshotId: string, tags: Record<string, string>): void {
    const view = this.view(base, t);
    const inst = findInstance(view, instanceId);
    if (!inst) throw awsError('DBInstanceNotFoundFault', `DBInstance ${instanceId} not found.`);
    if (inst.status !== 'available') throw awsError('InvalidDBInstanceStateFault', `Cannot create a snapshot because the database instance ${instanceId} is not currently in the available state.`);
    if (view.snapshots.some((s) => s.id === snapshotId)) throw awsError('DBSnapshotAlreadyExistsFault', `Cannot create the snapshot because a snapshot with the identifier ${snapshotId} already exists.`);
    const takesMs = span(this.seed, 'rds-snapshot', snapshotId, 20_000, 40_000);
    this.snapshots.set(snapshotId, { id: snapshotId, instanceId, startedAt: t, takesMs, storageGb: inst.allocatedStorageGb, engine: inst.engine, tags: { ...tags } });
  }

  restore(base: RdsSnapshot, t: number, req: RestoreRequest): void {
    const view = this.view(base, t);
    const snap = view.snapshots.find((s) => s.id === req.snapshotId);
    if (!snap) throw awsError('DBSnapshotNotFoundFault', `DBSnapshot ${req.snapshotId} not found.`);
    if (snap.status !== 'available') throw awsError('InvalidDBSnapshotStateFault', `Snapshot ${req.snapshotId} is not in the available state.`);
    if (findInstance(view, req.newId)) throw awsError('DBInstanceAlreadyExistsFault', 'DB instance already exists');
    this.create(t, req, snap.id, { storageGb: snap.allocatedStorageGb, engine: snap.engine, source: findInstance(view, snap.instanceId) });
  }

  /** RestoreDBInstanceToPointInTime: refused, as RDS refuses it, outside the source's window. */
  restorePitr(base: RdsSnapshot, t: number, req: PitrRequest): void {
    const view = this.view(base, t);
    const source = findInstance(view, req.sourceId);
    if (!source) throw awsError('DBInstanceNotFoundFault', `DBInstance ${req.sourceId} not found.`);
    if (findInstance(view, req.newId)) throw awsError('DBInstanceAlreadyExistsFault', 'DB instance already exists');
    const w = source.pitr;
    if (w?.latest === undefined || w.earliest === undefined) throw awsError('InvalidDBInstanceStateFault', `DB instance ${req.sourceId} has no restorable time (automated backups are off).`);
    if (req.time !== undefined && (req.time < w.earliest || req.time > w.latest)) {
      throw awsError('InvalidRestoreFault', `Restore time ${new Date(req.time).toISOString()} is outside the restorable window ${new Date(w.earliest).toISOString()} to ${new Date(w.latest).toISOString()}.`);
    }
    const at = new Date(req.time ?? w.latest).toISOString();
    this.create(t, req, `${source.id}@${at}`, { storageGb: source.allocatedStorageGb, engine: source.engine, source });
  }

  private create(t: number, req: Placement & { newId: string; tags: Record<string, string> }, from: string, like: { storageGb: number; engine: string; source: DbInstanceDetail | undefined }): void {
    const failsAs = this.nextFailure;
    this.nextFailure = undefined;
    // an id whose instance is gone may be used again; it goes to the end, as the newest
    this.instances.delete(req.newId);
    this.instances.set(req.newId, {
      id: req.newId,
      from,
      instanceClass: req.instanceClass ?? like.source?.instanceClass ?? 'db.t4g.medium',
      subnetGroup: req.subnetGroup ?? RDS_DEFAULTS.subnetGroup,
      securityGroups: [...(req.securityGroups ?? RDS_DEFAULTS.securityGroups)],
      parameterGroup: req.parameterGroup ?? RDS_DEFAULTS.parameterGroup,
      storageGb: like.storageGb,
      engine: like.engine,
      engineVersion: like.source?.engineVersion ?? '16.4',
      tags: { ...req.tags },
      createdAt: t,
      creatingMs: span(this.seed, 'rds-creating', req.newId, 20_000, 35_000),
      backingUpMs: span(this.seed, 'rds-backing-up', req.newId, 10_000, 25_000),
      deletingMs: span(this.seed, 'rds-deleting', req.newId, 10_000, 20_000),
      ...(failsAs ? { failsAs } : {}),
    });
  }

  deleteInstance(base: RdsSnapshot, t: number, id: string): void {
    const sim = this.instances.get(id);
    const status = sim ? this.statusOf(sim, t) : undefined;
    if (!sim || !status) {
      if (base.instances.some((i) => i.id === id)) throw awsError('InvalidParameterCombination', 'Cannot delete protected DB Instance, please disable deletion protection and try again.');
      throw awsError('DBInstanceNotFoundFault', `DBInstance ${id} not found.`);
    }
    if (status === 'deleting' || status === 'creating') throw awsError('InvalidDBInstanceStateFault', `Instance ${id} is currently ${status}.`);
    sim.deletedAt = t;
  }

  removeTags(id: string, keys: readonly string[]): void {
    const sim = this.instances.get(id);
    if (!sim) throw awsError('DBInstanceNotFoundFault', `DBInstance ${id} not found (the sandbox changes tags of restored instances only).`);
    for (const k of keys) delete sim.tags[k];
  }

  private statusOf(s: SimInstance, t: number): string | undefined {
    if (s.deletedAt !== undefined) return t < s.deletedAt + s.deletingMs ? 'deleting' : undefined;
    if (t < s.createdAt + s.creatingMs) return 'creating';
    if (s.failsAs) return s.failsAs;
    if (t < s.createdAt + s.creatingMs + s.backingUpMs) return 'backing-up';
    return 'available';
  }

  private detail(s: SimInstance, status: string, base: RdsSnapshot): DbInstanceDetail {
    const source = base.instances.find((i) => i.id === DB_ID);
    const out: DbInstanceDetail = {
      id: s.id,
      status,
      engine: s.engine,
      engineVersion: s.engineVersion,
      instanceClass: s.instanceClass,
      multiAz: false,
      allocatedStorageGb: s.storageGb,
      pendingMaintenance: [],
      tags: { ...s.tags },
      createdAt: s.createdAt,
      arn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:${s.id}`,
      subnetGroup: s.subnetGroup,
      securityGroups: [...s.securityGroups],
      parameterGroup: s.parameterGroup,
      deletionProtection: false,
    };
    // RDS publishes the endpoint once the instance itself exists, during its first backup
    if (status !== 'creating') out.endpoint = { ...(this.endpointOf(s.id) ?? defaultEndpoint(s.id)) };
    if (status === 'available') {
      out.connections = 0;
      out.cpuPercent = 2;
      if (source?.freeStorageBytes !== undefined) out.freeStorageBytes = source.freeStorageBytes;
    }
    return out;
  }
}

function snapshotAt(s: SimSnapshot, t: number): DbSnapshot {
  const progress = Math.min(100, Math.floor(((t - s.startedAt) / s.takesMs) * 100));
  return { id: s.id, instanceId: s.instanceId, type: 'manual', status: progress >= 100 ? 'available' : 'creating', progress, createdAt: s.startedAt, allocatedStorageGb: s.storageGb, engine: s.engine };
}
