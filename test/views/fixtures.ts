/**
 * A realistic night on call, frozen: one service crash-looping after a bad
 * deploy, a rollout in progress, a dead-letter queue filling up, a blocked
 * query and a slow readiness probe. Times are relative to T0 so ages are
 * stable; nothing here depends on the sandbox.
 */
import type { EcsService } from '../../src/model/ecs.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';
import type { LogEvent } from '../../src/model/logs.js';
import type { PanelData } from '../../src/model/panels.js';

/** 2025-03-14 05:41:09 UTC, a Friday. */
export const T0 = Date.UTC(2025, 2, 14, 5, 41, 9);
const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const GIB = 1024 ** 3;

export const env: EnvironmentInfo = {
  name: 'prod',
  protected: true,
  readOnly: true,
  region: 'us-east-1',
  account: '123456789012',
  identity: 'arn:aws:sts::123456789012:assumed-role/OnCall/alice@example.com',
};

export const demoEnv: EnvironmentInfo = {
  name: 'demo',
  protected: false,
  readOnly: false,
  region: 'us-east-1',
  account: 'sandbox',
  identity: 'demo',
  scenario: 'bad-deploy',
};

function service(name: string, over: Partial<EcsService>): EcsService {
  const revision = over.revision ?? 42;
  return {
    cluster: 'conflicto-prod-cluster',
    name,
    status: 'ACTIVE',
    desired: 2,
    running: 2,
    pending: 0,
    taskDefinition: `conflicto-${name}:${revision}`,
    family: `conflicto-${name}`,
    revision,
    rollout: 'COMPLETED',
    deployments: [
      {
        id: `ecs-svc/${name}-1`,
        status: 'PRIMARY',
        taskDefinition: `conflicto-${name}:${revision}`,
        desired: over.desired ?? 2,
        running: over.running ?? 2,
        pending: 0,
        failedTasks: 0,
        rolloutState: over.rollout ?? 'COMPLETED',
        createdAt: T0 - 3 * H,
        updatedAt: T0 - 2 * H,
      },
    ],
    events: [{ id: `${name}-e1`, at: T0 - 5 * M, message: `(service ${name}) has reached a steady state.` }],
    stoppedTasks: [],
    cpu: [12, 14, 13, 18, 22, 19, 17, 21, 24, 23],
    memory: [41, 41, 42, 42, 43, 43, 44, 44, 45, 45],
    ...over,
  };
}

const crashed = (i: number) => ({
  taskArn: `arn:aws:ecs:us-east-1:123456789012:task/conflicto-prod-cluster/abc${i}`,
  taskDefinition: 'conflicto-scheduler:17',
  stoppedAt: T0 - i * 2 * M,
  stoppedReason: 'Essential container in task exited',
  stopCode: 'EssentialContainerExited',
  containers: [{ container: 'scheduler', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }],
});

export const ecs: PanelData['ecs'] = {
  services: [
    service('api', { desired: 3, running: 3, cpu: [31, 35, 38, 44, 52, 61, 58, 63, 66, 64] }),
    service('worker', {
      rollout: 'IN_PROGRESS',
      revision: 43,
      deployments: [
        { id: 'w2', status: 'PRIMARY', taskDefinition: 'conflicto-worker:43', desired: 2, running: 1, pending: 1, failedTasks: 0, rolloutState: 'IN_PROGRESS', createdAt: T0 - 4 * M, updatedAt: T0 - M },
        { id: 'w1', status: 'ACTIVE', taskDefinition: 'conflicto-worker:42', desired: 2, running: 2, pending: 0, failedTasks: 0, rolloutState: 'COMPLETED', createdAt: T0 - 30 * H, updatedAt: T0 - 4 * M },
      ],
    }),
    service('scheduler', {
      desired: 2,
      running: 1,
      pending: 1,
      rollout: 'FAILED',
      revision: 17,
      taskDefinition: 'conflicto-scheduler:17',
      family: 'conflicto-scheduler',
      events: [
        { id: 's-e2', at: T0 - 1 * M, message: '(service scheduler) deployment failed: tasks failed to start.' },
        { id: 's-e1', at: T0 - 9 * M, message: '(service scheduler) has started 1 tasks: (task abc9).' },
      ],
      stoppedTasks: [crashed(1), crashed(2), crashed(3), crashed(4)],
      memory: [70, 78, 86, 93, 99, 52, 74, 88, 97, 99],
    }),
  ],
};

export const rds: PanelData['rds'] = {
  instances: [
    {
      id: 'conflicto-prod',
      status: 'available',
      engine: 'postgres',
      engineVersion: '15.4',
      instanceClass: 'db.t4g.medium',
      multiAz: true,
      allocatedStorageGb: 100,
      freeStorageBytes: 61 * GIB,
      connections: 72,
      cpuPercent: 38,
      pendingMaintenance: [],
      tags: {},
    },
  ],
  snapshots: [
    { id: 'rds:conflicto-prod-2025-03-14-03-10', instanceId: 'conflicto-prod', type: 'automated', status: 'available', progress: 100, createdAt: T0 - 2.5 * H, allocatedStorageGb: 100, engine: 'postgres' },
    { id: 'pre-migration-0042', instanceId: 'conflicto-prod', type: 'manual', status: 'available', progress: 100, createdAt: T0 - 3 * 24 * H, allocatedStorageGb: 100, engine: 'postgres' },
    { id: 'rds:conflicto-prod-2025-03-13-03-10', instanceId: 'conflicto-prod', type: 'automated', status: 'available', progress: 100, createdAt: T0 - 26.5 * H, allocatedStorageGb: 100, engine: 'postgres' },
  ],
};

let seq = 0;
export function logLine(message: string, severity: LogEvent['severity'] = 'info', at = T0 - 10 * S): LogEvent {
  seq++;
  return { id: `ev-${seq}`, group: '/ecs/conflicto-backend-prod', stream: 'api/api/7f3c2a', timestamp: at, message, severity };
}

export const logs: PanelData['logs'] = {
  lines: [
    logLine('GET /api/v1/health/ 200 3ms', 'info', T0 - 40 * S),
    logLine('POST /api/v1/orders 201 84ms', 'info', T0 - 35 * S),
    logLine('slow query: SELECT * FROM orders WHERE customer_id = $1 (2300ms)', 'warn', T0 - 30 * S),
    logLine('ERROR psycopg2.errors.LockNotAvailable: could not obtain lock on row in relation "orders"', 'error', T0 - 20 * S),
    logLine('GET /api/v1/orders/812 200 12ms', 'info', T0 - 5 * S),
  ],
  dropped: 0,
  total: 1_284,
  errorsPerMinute: [0, 0, 1, 0, 0, 2, 5, 9, 4, 3],
  linesPerMinute: [120, 118, 130, 125, 121, 140, 160, 170, 150, 140],
  mode: 'live',
  sampled: false,
  filtered: false,
  warnings: [],
  groups: ['/ecs/conflicto-backend-prod'],
};

export const queues: PanelData['queues'] = {
  redis: [{ name: 'jobs', ok: true, pingMs: 1, usedMemoryBytes: 120 * 1024 ** 2, maxMemoryBytes: GIB, clients: 14, evictedKeys: 0 }],
  queues: [
    { redis: 'jobs', name: 'emails', flavor: 'bullmq', waiting: 12, active: 2, delayed: 3, failed: 0, oldestWaitingAgeMs: 8 * S, drainPerMinute: 95, etaToEmptyMs: 8 * S },
    { redis: 'jobs', name: 'default', flavor: 'rq', waiting: 340, active: 4, delayed: 0, failed: 7, oldestWaitingAgeMs: 6 * M, drainPerMinute: 40, etaToEmptyMs: 8.5 * M },
  ],
};

export const postgres: PanelData['postgres'] = {
  databases: [
    {
      name: 'primary',
      rttMs: 4,
      connections: { total: 74, max: 100, byState: { active: 9, idle: 61, 'idle in transaction': 4 } },
      longQueries: [{ pid: 4121, user: 'app', state: 'active', durationMs: 95 * S, query: 'UPDATE orders SET status = $1 WHERE id = $2' }],
      idleInTransaction: [{ pid: 4188, user: 'app', state: 'idle in transaction', durationMs: 4 * M, query: 'SELECT * FROM orders WHERE id = $1 FOR UPDATE' }],
      blocked: [{ pid: 4230, user: 'app', state: 'active', durationMs: 41 * S, query: 'UPDATE orders SET paid_at = now() WHERE id = $1', blockedBy: [4188] }],
      databaseSizeBytes: 38 * GIB,
      replicationLagMs: null,
    },
  ],
};

export const health: PanelData['health'] = {
  probes: [
    { name: 'health', url: 'https://conflicto.app/api/v1/health/', ok: true, status: 200, latencyMs: 120, fields: { status: 'healthy', version: '1.42.0' }, problems: [], checkedAt: T0 - 2 * S },
    { name: 'ready', url: 'https://conflicto.app/api/v1/health/ready', ok: true, status: 200, latencyMs: 2_300, fields: { status: 'ready' }, problems: [], checkedAt: T0 - 2 * S },
    { name: 'live', url: 'https://conflicto.app/api/v1/health/live', ok: false, status: 503, latencyMs: 40, fields: {}, problems: ['expected status 200, got 503'], checkedAt: T0 - 2 * S },
  ],
};

export const metrics: PanelData['metrics'] = {
  endpoints: [{ name: 'app', url: 'https://conflicto.app/metrics', scrapedAt: T0 - 3 * S, samples: 412 }],
  rows: [
    { endpoint: 'app', kind: 'rate', series: 'error_rate_total', value: 7.4, window: '5m', warn: 1, crit: 5, history: [0.1, 0.1, 0.2, 2.5, 6.1, 7.4] },
    { endpoint: 'app', kind: 'gauge', series: 'queue_depth{queue="emails"}', value: 42, warn: 100, crit: 1000, history: [40, 44, 41, 42] },
    { endpoint: 'app', kind: 'ratio', series: 'errors_total / requests_total', value: 0.004, window: '5m', warn: 0.01, crit: 0.05, history: [0.003, 0.004] },
  ],
};

export const allData: PanelData = { ecs, rds, logs, queues, postgres, health, metrics };
