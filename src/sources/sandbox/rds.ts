/**
 * The demo's RDS instance and its snapshots. Automated snapshots are a pure
 * function of time (a daily backup window at 03:10 UTC, seven days kept), so
 * they stay right however far the clock jumps.
 */
import type { DbInstance, DbSnapshot, RdsSnapshot } from '../../model/rds.js';
import { hashOf, rngAt } from './prng.js';
import { REGION } from './taskdefs.js';

export const DB_ID = 'demo-db';
const DAY = 86_400_000;
const WINDOW_OFFSET = (3 * 60 + 10) * 60_000;
const RETENTION_DAYS = 7;
/** how long an automated snapshot of this size stays `creating` */
const CREATE_MS = 7 * 60_000;
const STORAGE_GB = 100;
const GIB = 1024 ** 3;

export interface RdsLoad {
  connections: number;
  cpu: [number, number];
  databaseSizeBytes: number;
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
    pendingMaintenance: [],
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
  return { instances: [instance], snapshots };
}
