/**
 * The checks: each is data (id, area, what it reads) with an evaluate
 * function from panel data to findings. A panel that could not be read makes
 * its checks `unknown` with the reason, never silently ok.
 */
import type { Finding } from '../model/findings.js';
import type { PanelData, PanelId } from '../model/panels.js';
import type { ThresholdKey } from '../config/schema.js';
import { errorRatePercent, errorsPerMinute } from '../engine/logTail.js';
import { grade, type Threshold } from './thresholds.js';
import { evaluateCondition } from './topology.js';
import { CRASH_LOOP_STOPS, failedStops } from './crashLoop.js';

export interface CheckContext {
  data: Partial<PanelData>;
  thresholds: Record<ThresholdKey, Threshold>;
  now: number;
  /** "demo" in `demo/api` */
  env: string;
}

export interface CheckDefinition {
  id: string;
  area: PanelId;
  title: string;
  /** the panels whose data the check needs */
  reads: PanelId[];
  evaluate(ctx: CheckContext): Finding[];
}

const pct = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)}%`;

export const CHECKS: readonly CheckDefinition[] = [
  {
    id: 'ecs.running-below-desired',
    area: 'ecs',
    title: 'Services run their desired count',
    reads: ['ecs'],
    evaluate: ({ data, env }) =>
      data.ecs!.services.map((s) => {
        const subject = `${env}/${s.name}`;
        const figure = `${s.running}/${s.desired} running`;
        if (s.running >= s.desired) return { checkId: 'ecs.running-below-desired', severity: 'ok', subject, area: 'ecs', message: 'running at desired count', figure };
        const severity = s.running === 0 ? 'crit' : 'warn';
        return { checkId: 'ecs.running-below-desired', severity, subject, area: 'ecs', message: `${s.desired - s.running} of ${s.desired} tasks not running`, figure };
      }),
  },
  {
    id: 'ecs.crash-loop',
    area: 'ecs',
    title: 'No service keeps stopping tasks',
    reads: ['ecs'],
    evaluate: ({ data, env, now }) =>
      data.ecs!.services.map((s) => {
        const subject = `${env}/${s.name}`;
        const recent = failedStops(s, now);
        const figure = `${recent.length} failed stops in 10m`;
        if (recent.length < CRASH_LOOP_STOPS) return { checkId: 'ecs.crash-loop', severity: 'ok', subject, area: 'ecs', message: 'no crash loop', figure };
        const reason = recent[0]?.stoppedReason ?? 'task stopped';
        return {
          checkId: 'ecs.crash-loop',
          severity: 'crit',
          subject,
          area: 'ecs',
          message: `tasks keep stopping: ${reason}`,
          figure,
          suggested: { action: 'rollback', target: s.name, label: `roll back ${s.name} to the previous revision` },
        };
      }),
  },
  {
    id: 'ecs.topology',
    area: 'ecs',
    title: 'Single-instance services stay single',
    reads: ['ecs'],
    evaluate: ({ data, env }) =>
      data.ecs!.services
        .filter((s) => s.singleInstanceUnless)
        .map((s) => {
          const subject = `${env}/${s.name}`;
          const verdict = evaluateCondition(s.singleInstanceUnless!, data);
          const figure = `${s.running} running, ${s.singleInstanceUnless}`;
          if (verdict.holds || (s.running <= 1 && s.desired <= 1)) {
            return { checkId: 'ecs.topology', severity: 'ok', subject, area: 'ecs', message: verdict.holds ? verdict.reason : 'single instance', figure };
          }
          return {
            checkId: 'ecs.topology',
            severity: 'crit',
            subject,
            area: 'ecs',
            message: `${Math.max(s.running, s.desired)} tasks but only one is safe: ${verdict.reason}`,
            figure,
            suggested: { action: 'scale', target: s.name, label: `scale ${s.name} to 1` },
          };
        }),
  },
  {
    id: 'rds.snapshot-age',
    area: 'rds',
    title: 'Last night\'s automated backup exists',
    reads: ['rds'],
    evaluate: ({ data, env, now, thresholds }) =>
      data.rds!.instances.map((i) => {
        const subject = `${env}/${i.id}`;
        const automated = data.rds!.snapshots.filter((s) => s.instanceId === i.id && s.type === 'automated' && s.createdAt !== undefined).sort((a, b) => b.createdAt! - a.createdAt!);
        const latest = automated[0];
        // RDS shows tonight's backup as `creating` for a few minutes: normal, judged by the last available one
        if (latest && latest.status !== 'available' && latest.status !== 'creating') {
          return { checkId: 'rds.snapshot-age', severity: 'crit', subject, area: 'rds', message: `newest automated snapshot ${latest.id} is ${latest.status}`, figure: latest.status };
        }
        const newest = automated.find((s) => s.status === 'available');
        if (!newest) return { checkId: 'rds.snapshot-age', severity: 'crit', subject, area: 'rds', message: 'no available automated snapshot found' };
        const hours = (now - newest.createdAt!) / 3_600_000;
        const figure = `newest ${hours.toFixed(1)} h old${latest && latest !== newest ? `, ${latest.status} ${latest.progress}%` : ''}`;
        const severity = grade(hours, thresholds.snapshotAgeHours);
        return { checkId: 'rds.snapshot-age', severity, subject, area: 'rds', message: severity === 'ok' ? 'backup is recent' : `newest automated snapshot is older than ${thresholds.snapshotAgeHours.crit} h`, figure };
      }),
  },
  {
    id: 'logs.error-rate',
    area: 'logs',
    title: 'Error rate of the logs',
    reads: ['logs'],
    evaluate: ({ data, env, thresholds }) => {
      const logs = data.logs!;
      if (logs.groups.length === 0) return [];
      const subject = `${env}/logs`;
      const where = logs.groups.join(', ') || 'the logs';
      if (logs.filtered) {
        const perMin = errorsPerMinute(logs, 5);
        const sev = grade(perMin, thresholds.errorsPerMinute);
        return [{ checkId: 'logs.error-rate', severity: sev, subject, area: 'logs', message: `${sev === 'ok' ? 'few' : 'many'} error lines in ${where} (the tail is narrowed by a filter pattern)`, figure: `${perMin.toFixed(1)} errors/min over 5m` }];
      }
      const rate = errorRatePercent(logs, 5);
      if (rate === null) return [{ checkId: 'logs.error-rate', severity: 'ok', subject, area: 'logs', message: `no lines in ${where} in the last 5 minutes`, figure: '0 lines' }];
      const severity = grade(rate, thresholds.errorRatePercent);
      return [{ checkId: 'logs.error-rate', severity, subject, area: 'logs', message: `error rate is ${severity === 'ok' ? 'low' : 'high'} in ${where}`, figure: `${pct(rate)} errors over 5m` }];
    },
  },
  {
    id: 'queues.dead-letter',
    area: 'queues',
    title: 'Dead-letter queues are empty',
    reads: ['queues'],
    evaluate: ({ data, env, thresholds }) =>
      data.queues!.queues.map((q) => {
        const subject = `${env}/${q.redis}/${q.name}`;
        const severity = grade(q.failed, thresholds.deadLetter);
        return {
          checkId: 'queues.dead-letter',
          severity,
          subject,
          area: 'queues',
          message: severity === 'ok' ? 'no failed jobs' : `${q.failed} failed jobs waiting for a decision`,
          figure: `${q.failed} failed`,
          ...(severity === 'ok' ? {} : { suggested: { action: 'requeue', target: q.name, label: `requeue the failed jobs of ${q.name}` } }),
        };
      }),
  },
  {
    id: 'queues.redis',
    area: 'queues',
    title: 'Redis answers',
    reads: ['queues'],
    evaluate: ({ data, env }) =>
      data.queues!.redis.map((r) => ({
        checkId: 'queues.redis',
        severity: r.ok ? 'ok' : 'crit',
        subject: `${env}/${r.name}`,
        area: 'queues',
        message: r.ok ? 'Redis answers' : `Redis does not answer: ${r.error ?? 'unknown error'}`,
        ...(r.pingMs !== null ? { figure: `ping ${r.pingMs.toFixed(1)} ms` } : {}),
      })),
  },
  {
    id: 'postgres.connections',
    area: 'postgres',
    title: 'Database connections below the limit',
    reads: ['postgres'],
    evaluate: ({ data, env, thresholds }) => [
      ...(data.postgres!.errors ?? []).map((e): Finding => ({ checkId: 'postgres.connections', severity: 'unknown', subject: `${env}/${e.name}`, area: 'postgres', message: e.error })),
      ...data.postgres!.databases.map((d) => {
        const p = d.connections.max > 0 ? (100 * d.connections.total) / d.connections.max : 0;
        const severity = grade(p, thresholds.dbConnectionsPercent);
        return { checkId: 'postgres.connections', severity, subject: `${env}/${d.name}`, area: 'postgres', message: severity === 'ok' ? 'connections are fine' : 'connections near max_connections', figure: `${d.connections.total}/${d.connections.max}, ${pct(p)}` } as Finding;
      }),
    ],
  },
  {
    id: 'postgres.blocked',
    area: 'postgres',
    title: 'No query waits on a lock for long',
    reads: ['postgres'],
    evaluate: ({ data, env, thresholds }) =>
      data.postgres!.databases.map((d) => {
        const worst = [...d.blocked].sort((a, b) => b.durationMs - a.durationMs)[0];
        const subject = `${env}/${d.name}`;
        if (!worst) return { checkId: 'postgres.blocked', severity: 'ok', subject, area: 'postgres', message: 'no blocked queries', figure: '0 blocked' };
        const severity = grade(worst.durationMs / 1000, thresholds.blockedQuerySeconds);
        return {
          checkId: 'postgres.blocked',
          severity: severity === 'ok' ? 'ok' : severity,
          subject,
          area: 'postgres',
          message: severity === 'ok' ? `${d.blocked.length} briefly blocked` : `pid ${worst.pid} blocked by ${worst.blockedBy.join(', ')} for ${Math.round(worst.durationMs / 1000)} s`,
          figure: `${d.blocked.length} blocked`,
        };
      }),
  },
  {
    id: 'health.probe',
    area: 'health',
    title: 'Health endpoints answer',
    reads: ['health'],
    evaluate: ({ data, env, thresholds }) =>
      data.health!.probes.map((p) => {
        const subject = `${env}/${p.name}`;
        const figure = `${p.status ?? 'no answer'}${p.latencyMs !== null ? `, ${Math.round(p.latencyMs)} ms` : ''}`;
        if (!p.ok) return { checkId: 'health.probe', severity: 'crit', subject, area: 'health', message: p.problems.join('; ') || 'probe failed', figure };
        const severity = p.latencyMs === null ? 'ok' : grade(p.latencyMs, thresholds.responseTimeMs);
        return { checkId: 'health.probe', severity, subject, area: 'health', message: severity === 'ok' ? 'healthy' : 'slow response', figure };
      }),
  },
];
