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
  endpoint?: { host: string; port: number };
  tags: Record<string, string>;
  createdAt?: number;
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
}
