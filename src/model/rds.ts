/** RDS instances and snapshots. */

export interface DbInstance {
  id: string;
  status: string;
  engine: string;
  engineVersion: string;
  instanceClass: string;
  multiAz: boolean;
  allocatedStorageGb: number;
  /** from CloudWatch FreeStorageSpace; undefined when unknown */
  freeStorageBytes?: number;
  connections?: number;
  cpuPercent?: number;
  pendingMaintenance: string[];
  /**
   * Maintenance actions RDS will apply on a date of its own (the date set to
   * apply, else auto-applied-after, else forced), when the source reads them
   */
  maintenanceDue?: MaintenanceDue[];
  endpoint?: { host: string; port: number };
  tags: Record<string, string>;
  createdAt?: number;
  /** RDS events of the last 24 h, newest first, when the source reads them */
  events?: DbEvent[];
  readLatencyMs?: number;
  writeLatencyMs?: number;
  /** how far back a point-in-time restore can go, when the source reads it */
  pitr?: PitrWindow;
}

/**
 * The point-in-time restore window of an instance: any second from
 * `earliest` to `latest` can be restored to a new instance. `latest` trails
 * now by a few minutes (RDS ships the transaction logs every five).
 */
export interface PitrWindow {
  /** RDS's LatestRestorableTime; undefined when RDS gives none (backups off, instance still creating) */
  latest?: number;
  earliest?: number;
  /** where `earliest` came from: RDS's restore window, the oldest automated snapshot kept, or the retention period counted back */
  earliestFrom?: 'restore-window' | 'oldest-backup' | 'retention';
  /** BackupRetentionPeriod in days; 0: automated backups, and with them point-in-time restore, are off */
  retentionDays?: number;
}

export interface MaintenanceDue {
  /** e.g. system-update, db-upgrade: text from AWS, sanitised */
  action: string;
  dueAt: number;
  /** which of RDS's dates `dueAt` is */
  kind: 'current' | 'auto' | 'forced';
}

export interface DbEvent {
  at: number;
  /** text from AWS: sanitise before drawing */
  message: string;
  categories: string[];
}

export interface DbSnapshot {
  id: string;
  instanceId: string;
  type: 'automated' | 'manual';
  status: string;
  /** 0..100 */
  progress: number;
  createdAt?: number;
  allocatedStorageGb: number;
  engine: string;
}

export interface RdsSnapshot {
  instances: DbInstance[];
  /** newest first */
  snapshots: DbSnapshot[];
  /** instances opsdeck restored (drills, restores): shown, but not judged by the backup checks */
  restored?: DbInstance[];
  /** what could not be read without failing the panel (metrics, events) */
  warnings?: string[];
}
