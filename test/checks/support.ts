/** Hand-made panel data for the rule tests: a healthy default, changed where a test needs it. */
import type { EcsService, EcsStoppedTask } from '../../src/model/ecs.js';
import type { DbInstance, DbSnapshot, RdsSnapshot } from '../../src/model/rds.js';
import type { QueueStats } from '../../src/model/queues.js';
import type { PgHealth } from '../../src/model/postgres.js';
import type { ProbeResult } from '../../src/model/health.js';
import type { MetricRow } from '../../src/model/metrics.js';
import type { LogEvent, LogsSnapshot } from '../../src/model/logs.js';
import type { PanelData } from '../../src/model/panels.js';
import type { Finding } from '../../src/model/findings.js';
import { evaluateChecks, type EvaluateOptions, type PanelErrors } from '../../src/checks/evaluate.js';
import { checkById } from '../../src/checks/rules.js';

export const NOW = Date.parse('2026-11-22T09:00:00Z');
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const GIB = 1024 ** 3;

export function service(over: Partial<EcsService> = {}): EcsService {
  return {
    cluster: 'main', name: 'api', status: 'ACTIVE', desired: 3, running: 3, pending: 0,
    taskDefinition: 'app-api:7', family: 'app-api', revision: 7, rollout: 'COMPLETED',
    deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: 'app-api:7', desired: 3, running: 3, pending: 0, failedTasks: 0, rolloutState: 'COMPLETED', createdAt: NOW - 48 * HOUR, updatedAt: NOW - 47 * HOUR }],
    events: [], stoppedTasks: [], cpu: [20, 22, 21], memory: [40, 41, 40],
    ...over,
  };
}

export function stopped(over: Partial<EcsStoppedTask> & { exitCode?: number } = {}): EcsStoppedTask {
  const { exitCode = 1, ...rest } = over;
  return {
    taskArn: `arn:aws:ecs:eu-west-1:1:task/main/${Math.random().toString(16).slice(2)}`,
    taskDefinition: 'arn:aws:ecs:eu-west-1:1:task-definition/app-api:7',
    stoppedAt: NOW - 5 * MIN, stoppedReason: 'Essential container in task exited', stopCode: 'EssentialContainerExited',
    containers: [{ container: 'app', exitCode }],
    ...rest,
  };
}

export function instance(over: Partial<DbInstance> = {}): DbInstance {
  return {
    id: 'prod-db', status: 'available', engine: 'postgres', engineVersion: '16.4', instanceClass: 'db.t4g.medium', multiAz: false,
    allocatedStorageGb: 100, freeStorageBytes: 50 * GIB, connections: 20, cpuPercent: 15, pendingMaintenance: [],
    endpoint: { host: 'prod-db.abc.eu-west-1.rds.amazonaws.com', port: 5432 }, tags: {},
    ...over,
  };
}

export function snapshot(over: Partial<DbSnapshot> = {}): DbSnapshot {
  return { id: 'rds:prod-db-2026-11-22-03-10', instanceId: 'prod-db', type: 'automated', status: 'available', progress: 100, createdAt: NOW - 6 * HOUR, allocatedStorageGb: 100, engine: 'postgres', ...over };
}

export function rds(over: Partial<RdsSnapshot> = {}): RdsSnapshot {
  return { instances: [instance()], snapshots: [snapshot()], ...over };
}

export function queue(over: Partial<QueueStats> = {}): QueueStats {
  return { redis: 'jobs', name: 'emails', flavor: 'bullmq', waiting: 3, active: 2, delayed: 0, failed: 0, oldestWaitingAgeMs: 4_000, drainPerMinute: 40, etaToEmptyMs: 5_000, ...over };
}

export function database(over: Partial<PgHealth> = {}): PgHealth {
  return { name: 'primary', rttMs: 1.2, connections: { total: 20, max: 100, byState: { active: 3, idle: 17 } }, longQueries: [], idleInTransaction: [], blocked: [], databaseSizeBytes: 1e9, replicationLagMs: null, ...over };
}

export function probe(over: Partial<ProbeResult> = {}): ProbeResult {
  return { name: 'api', url: 'https://api.example.com/health', ok: true, status: 200, latencyMs: 120, fields: {}, problems: [], checkedAt: NOW, ...over };
}

export function logs(over: Partial<LogsSnapshot> = {}): LogsSnapshot {
  return {
    lines: [], dropped: 0, total: 0, errorsPerMinute: [0, 0, 0, 0, 0], linesPerMinute: [100, 100, 100, 100, 100],
    mode: 'poll', sampled: false, filtered: false, warnings: [], groups: ['/ecs/api'], ...over,
  };
}

let seq = 0;
export function line(message: string, at: number, severity: LogEvent['severity'] = 'error'): LogEvent {
  return { id: String(++seq), group: '/ecs/api', stream: 's', timestamp: at, message, severity };
}

/** Every panel healthy. */
export function healthy(): PanelData {
  return {
    ecs: { services: [service()] },
    rds: rds(),
    logs: logs(),
    queues: { redis: [{ name: 'jobs', ok: true, pingMs: 0.4, usedMemoryBytes: 1e6, maxMemoryBytes: null, clients: 4, evictedKeys: 0 }], queues: [queue()] },
    postgres: { databases: [database()] },
    health: { probes: [probe()] },
    metrics: { endpoints: [{ name: 'app', url: 'https://app.example/metrics', scrapedAt: 0, samples: 3 }], rows: [metricRow()] },
  };
}

export function metricRow(over: Partial<MetricRow> = {}): MetricRow {
  return { endpoint: 'app', kind: 'rate', series: 'error_rate_total', value: 0.2, window: '5m', warn: 1, crit: 5, history: [0.1, 0.2], ...over };
}

/** The findings of one check on `data` (other panels healthy). */
export function findings(checkId: string, data: Partial<PanelData>, opts: Partial<EvaluateOptions> = {}, errors: PanelErrors = {}): Finding[] {
  const check = checkById(checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  return evaluateChecks({ ...healthy(), ...data }, errors, { env: 'prod', now: NOW, checks: [check], ...opts });
}

/** The one finding of a check about `name` (the subject's last part). */
export function one(checkId: string, data: Partial<PanelData>, opts: Partial<EvaluateOptions> = {}, errors: PanelErrors = {}): Finding {
  const fs = findings(checkId, data, opts, errors);
  if (fs.length !== 1) throw new Error(`expected one finding of ${checkId}, got ${fs.length}: ${JSON.stringify(fs)}`);
  return fs[0]!;
}
