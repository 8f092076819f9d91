/**
 * RDS checks: instance status, last night's backup, free storage, connections
 * and CPU. Instances opsdeck restored (drill copies) are shown on the panel
 * but not judged by these: they come and go by design. One check is theirs:
 * a drill copy that outlives a drill.
 */
import type { DbInstance } from '../../model/rds.js';
import type { Finding } from '../../model/findings.js';
import { instanceRef } from '../../model/subjects.js';
import { grade, gradeFor } from '../thresholds.js';
import { findingsOf, pct, suggest, utc, warningAbout, type CheckContext, type CheckDefinition } from '../types.js';

const GIB = 1024 ** 3;
const subject = (_ctx: CheckContext, i: DbInstance) => instanceRef(i);
const instances = (ctx: CheckContext) => ctx.data.rds!.instances;
const metricsProblem = (ctx: CheckContext) => warningAbout(ctx.data.rds!.warnings, /metric|cloudwatch/i);

/** Statuses in which the instance serves normally. */
const SERVING = new Set(['available', 'backing-up', 'storage-optimization', 'configuring-enhanced-monitoring', 'configuring-iam-database-auth', 'configuring-log-exports', 'configuring-activity-stream']);
/** Planned or passing states: worth a look in the morning, not a page. */
const PASSING = new Set(['modifying', 'maintenance', 'upgrading', 'rebooting', 'renaming', 'resetting-master-credentials', 'starting', 'creating', 'moving-to-vpc']);
/** States RDS does not recover from on its own: the way back is a restore. */
const BROKEN = /^(failed|restore-error|incompatible-.*|inaccessible-encryption-credentials.*)$/;

function newestRestorable(ctx: CheckContext, instance: string): string | undefined {
  return ctx.data.rds!.snapshots.filter((s) => s.instanceId === instance && s.status === 'available' && s.createdAt !== undefined).sort((a, b) => b.createdAt! - a.createdAt!)[0]?.id;
}

export function statusSeverity(status: string): 'ok' | 'warn' | 'crit' {
  return SERVING.has(status) ? 'ok' : PASSING.has(status) ? 'warn' : 'crit';
}

const status: CheckDefinition = {
  id: 'rds.status',
  area: 'rds',
  title: 'Database instances are available',
  reads: ['rds'],
  thresholds: [],
  actions: ['restore'],
  evaluate(ctx) {
    const f = findingsOf(this);
    return instances(ctx).map((i) => {
      const severity = statusSeverity(i.status);
      if (severity === 'ok') return f('ok', subject(ctx, i), i.status === 'available' ? 'available' : `${i.status}, serving`, i.status);
      if (severity === 'warn') return f('warn', subject(ctx, i), `instance is ${i.status}; it may not serve until it is available again`, i.status);
      // the newest snapshot RDS can restore now; without one there is nothing to suggest
      const newest = BROKEN.test(i.status) ? newestRestorable(ctx, i.id) : undefined;
      const restore = newest ? suggest({ action: 'restore', instance: i.id, snapshot: newest }, `restore ${i.id}'s newest snapshot (${newest}) to a new instance`) : undefined;
      return f('crit', subject(ctx, i), `instance is ${i.status}, not available`, i.status, restore);
    });
  },
};

const snapshotAge: CheckDefinition = {
  id: 'rds.snapshot-age',
  area: 'rds',
  title: "Last night's automated backup exists",
  reads: ['rds'],
  thresholds: ['snapshotAgeHours'],
  actions: ['snapshot'],
  evaluate(ctx) {
    const f = findingsOf(this);
    const snapshots = ctx.data.rds!.snapshots;
    return instances(ctx).map((i) => {
      const takeOne = suggest({ action: 'snapshot', instance: i.id }, `take a manual snapshot of ${i.id} now`);
      const automated = snapshots.filter((s) => s.instanceId === i.id && s.type === 'automated' && s.createdAt !== undefined).sort((a, b) => b.createdAt! - a.createdAt!);
      const latest = automated[0];
      // RDS shows tonight's backup as `creating` for a few minutes: normal, judged by the last available one
      if (latest && latest.status !== 'available' && latest.status !== 'creating') {
        return f('crit', subject(ctx, i), `newest automated snapshot ${latest.id} is ${latest.status}`, latest.status, takeOne);
      }
      const newest = automated.find((s) => s.status === 'available');
      if (!newest) return f('crit', subject(ctx, i), 'no available automated snapshot found', undefined, takeOne);
      const hours = (ctx.now - newest.createdAt!) / 3_600_000;
      const figure = `newest ${hours.toFixed(1)} h old${latest && latest !== newest ? `, ${latest.status} ${latest.progress}%` : ''}`;
      const t = ctx.threshold('snapshotAgeHours', [i.id]);
      const severity = grade(hours, t);
      if (severity === 'ok') return f('ok', subject(ctx, i), 'backup is recent', figure);
      return f(severity, subject(ctx, i), `newest automated snapshot is older than ${severity === 'crit' ? t.crit : t.warn} h`, figure, takeOne);
    });
  },
};

const storage: CheckDefinition = {
  id: 'rds.storage',
  area: 'rds',
  title: 'Database storage has room',
  reads: ['rds'],
  thresholds: ['storageFreePercent'],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return instances(ctx).flatMap((i): Finding[] => {
      if (i.freeStorageBytes === undefined || i.allocatedStorageGb <= 0) {
        const reason = metricsProblem(ctx);
        return reason ? [f('unknown', subject(ctx, i), `free storage unknown: ${reason}`)] : [];
      }
      const free = (100 * i.freeStorageBytes) / (i.allocatedStorageGb * GIB);
      const severity = gradeFor('storageFreePercent', free, ctx.threshold('storageFreePercent', [i.id]));
      const figure = `${(i.freeStorageBytes / GIB).toFixed(1)} of ${i.allocatedStorageGb} GiB free, ${pct(free)}`;
      const message = severity === 'ok' ? 'storage has room' : `storage is running out; at 0 the instance goes to storage-full and stops writing`;
      return [f(severity, subject(ctx, i), message, figure)];
    });
  },
};

const connections: CheckDefinition = {
  id: 'rds.connections',
  area: 'rds',
  title: 'Database instance connections below the limit',
  reads: ['rds'],
  thresholds: ['dbConnectionsPercent'],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    // max_connections is known only where a PostgreSQL entry of the config reaches the instance
    return instances(ctx).flatMap((i): Finding[] => {
      const max = ctx.rdsMaxConnections[i.id];
      if (i.connections === undefined || !max) return [];
      const p = (100 * i.connections) / max;
      const severity = gradeFor('dbConnectionsPercent', p, ctx.threshold('dbConnectionsPercent', [i.id]));
      return [f(severity, subject(ctx, i), severity === 'ok' ? 'connections are fine' : 'connections near max_connections', `${i.connections}/${max}, ${pct(p)}`)];
    });
  },
};

const cpu: CheckDefinition = {
  id: 'rds.cpu',
  area: 'rds',
  title: 'Database instances have CPU to spare',
  reads: ['rds'],
  thresholds: ['cpu'],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return instances(ctx).flatMap((i): Finding[] => {
      if (i.cpuPercent === undefined) {
        const reason = metricsProblem(ctx);
        return reason ? [f('unknown', subject(ctx, i), `CPU unknown: ${reason}`)] : [];
      }
      const severity = gradeFor('cpu', i.cpuPercent, ctx.threshold('cpu', [i.id]));
      return [f(severity, subject(ctx, i), severity === 'ok' ? 'CPU is fine' : `CPU is ${severity === 'crit' ? 'nearly exhausted' : 'high'}`, `CPU ${pct(i.cpuPercent)}`)];
    });
  },
};

/** Kept beside the action's own constant (actions/rds/context.ts) by a test: checks do not load actions. */
const DRILL_TAG = 'opsdeck:drill';

/** A drill copy is production data outside production's guard: one older than a drill takes was forgotten or orphaned. */
const drillInstanceAge: CheckDefinition = {
  id: 'rds.drill-instance-age',
  area: 'rds',
  title: 'No drill instance outlives its drill',
  reads: ['rds'],
  thresholds: ['drillInstanceAgeHours'],
  actions: ['delete-drill-instance'],
  evaluate(ctx) {
    const f = findingsOf(this);
    const drills = (ctx.data.rds!.restored ?? []).filter((i) => DRILL_TAG in i.tags);
    return drills.map((i) => {
      const tag = i.tags[DRILL_TAG];
      if (i.createdAt === undefined) return f('ok', subject(ctx, i), `drill instance (${DRILL_TAG}=${tag}), ${i.status}; RDS gives no creation time yet`, i.status);
      const hours = (ctx.now - i.createdAt) / 3_600_000;
      const figure = `${hours.toFixed(1)} h old, ${i.status}`;
      const t = ctx.threshold('drillInstanceAgeHours', [i.id]);
      const severity = grade(hours, t);
      if (severity === 'ok') return f('ok', subject(ctx, i), `drill instance of the drill ${tag}`, figure);
      const del = suggest({ action: 'delete-drill-instance', instance: i.id }, `delete the drill instance ${i.id}`);
      return f(severity, subject(ctx, i), `drill instance (${DRILL_TAG}=${tag}) older than a drill takes (${severity === 'crit' ? t.crit : t.warn} h): a copy of production data left running`, figure, del);
    });
  },
};

const DAY = 86_400_000;

/**
 * Pending maintenance RDS applies by itself on a date: a restart or an
 * upgrade nobody planned for. Within `maintenanceDays` (lower is worse) it
 * is a finding, so it is scheduled in a quiet hour or applied by hand first.
 * An action past its date is due now (it waits for the next window).
 */
const maintenance: CheckDefinition = {
  id: 'rds.maintenance',
  area: 'rds',
  title: 'No maintenance applies itself soon',
  reads: ['rds'],
  thresholds: ['maintenanceDays'],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return instances(ctx).flatMap((i) => {
      if (i.maintenanceDue === undefined) return [];
      const next = [...i.maintenanceDue].sort((a, b) => a.dueAt - b.dueAt)[0];
      if (!next) return [f('ok', subject(ctx, i), 'no maintenance scheduled by RDS', '0 pending')];
      const days = Math.max(0, (next.dueAt - ctx.now) / DAY);
      const severity = gradeFor('maintenanceDays', days, ctx.threshold('maintenanceDays', [i.id]));
      const when = next.dueAt <= ctx.now ? 'at the next maintenance window' : `in ${days.toFixed(1)} days (${utc(next.dueAt)})`;
      const verb = next.kind === 'current' ? 'is set to apply' : next.kind === 'auto' ? 'will be auto-applied' : 'will be forced';
      return [f(severity, subject(ctx, i), `${next.action} ${verb} ${when}`, `${i.maintenanceDue.length} pending, next in ${days.toFixed(1)} d`)];
    });
  },
};

export const RDS_CHECKS: readonly CheckDefinition[] = [status, snapshotAge, storage, connections, cpu, drillInstanceAge, maintenance];
