import type { EcsSnapshot } from './ecs.js';
import type { RdsSnapshot } from './rds.js';
import type { LogsSnapshot } from './logs.js';
import type { QueuesSnapshot } from './queues.js';
import type { PostgresSnapshot } from './postgres.js';
import type { HealthSnapshot } from './health.js';
import type { MetricsSnapshot } from './metrics.js';

/** The seven panels of the dashboard, in their on-screen order (digits 1-7). */
export const PANEL_IDS = ['ecs', 'rds', 'logs', 'queues', 'postgres', 'health', 'metrics'] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export const PANEL_TITLES: Record<PanelId, string> = {
  ecs: 'ECS',
  rds: 'RDS',
  logs: 'Logs',
  queues: 'Queues',
  postgres: 'Postgres',
  health: 'Health',
  metrics: 'Metrics',
};

export interface PanelData {
  ecs: EcsSnapshot;
  rds: RdsSnapshot;
  logs: LogsSnapshot;
  queues: QueuesSnapshot;
  postgres: PostgresSnapshot;
  health: HealthSnapshot;
  metrics: MetricsSnapshot;
}

export type PanelStatus = 'loading' | 'ok' | 'stale' | 'error';

/** What the store keeps per panel; replaced, never mutated. */
export interface PanelSnapshot<T> {
  status: PanelStatus;
  /** last good data, kept through errors so the screen does not go blank */
  data?: T;
  /** one line, already free of control sequences */
  error?: string;
  /** when data was last refreshed successfully (ms epoch) */
  updatedAt?: number;
  /** when the last poll finished, good or bad */
  attemptedAt?: number;
  intervalMs: number;
}

export type PanelSnapshots = { [K in PanelId]: PanelSnapshot<PanelData[K]> };
