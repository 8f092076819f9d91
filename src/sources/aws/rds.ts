/**
 * The RDS panel's data from AWS: the configured instances and the ones
 * opsdeck restored (tagged opsdeck:drill, opsdeck:restored-from or
 * opsdeck:pitr), their snapshots of both kinds, the last day's events,
 * pending maintenance, five CloudWatch metrics in one GetMetricData call,
 * and each configured instance's point-in-time restore window (rdsWindow.ts).
 *
 * Instances come from one paginated DescribeDBInstances of the region, which
 * carries each instance's tags: that is how restored instances are found
 * without a call per instance. Where IAM allows describing only named
 * instances, it falls back to those, and says so.
 */
import type { DBInstance, DBInstanceAutomatedBackup } from '@aws-sdk/client-rds';
import { systemClock, type Clock } from '../../engine/clock.js';
import type { MaintenanceDue, RdsSnapshot } from '../../model/rds.js';
import { DRILL_TAG, PITR_TAG, RESTORED_FROM_TAG, type DbInstanceDetail } from '../../actions/rds/context.js';
import { errorMessage } from '../../text/sanitize.js';
import type { RdsSource } from '../ports.js';
import { send, type AwsContext } from './clients.js';
import { errorKind } from './errors.js';
import { maintenanceDue, mapEvent, mapInstance, maintenanceLines, newestFirst, type DbEvent } from './rdsMap.js';
import { emptySeries, latest, readRdsMetrics, type DbMetricSeries } from './rdsMetrics.js';
import { listSnapshots } from './rdsSnapshots.js';
import { automatedBackups, pitrWindow } from './rdsWindow.js';
import { chunk, mapLimit, throwIfAborted } from './util.js';

/** the API's largest page for DescribeDBInstances, DescribeDBSnapshots, DescribeEvents */
const PAGE = 100;
const CONCURRENCY = 3;
const EVENTS_WINDOW_MS = 24 * 3_600_000;
/** events kept per instance, newest first */
const EVENTS_KEPT = 25;
// bounds a runaway Marker loop, and the events of a very chatty instance
const MAX_PAGES = 20;
const MAX_EVENT_PAGES = 3;

/** One instance's pending maintenance: the panel's lines and the dates the check judges. */
interface Maintenance {
  lines: string[];
  due: MaintenanceDue[];
}
const OPSDECK_TAGS = [DRILL_TAG, RESTORED_FROM_TAG, PITR_TAG];

interface AwsDbInstance extends DbInstanceDetail {
  /** the last 24 h, newest first */
  events: DbEvent[];
  readLatencyMs?: number;
  writeLatencyMs?: number;
  series: DbMetricSeries;
}

/** RdsSnapshot plus the instances opsdeck restored, and what went wrong without failing the read. */
interface AwsRdsSnapshot extends RdsSnapshot {
  /** the configured instances, in config order */
  instances: AwsDbInstance[];
  /**
   * instances opsdeck restored (drills, restores), by id: kept apart so the
   * backup checks, which judge every instance's automated snapshots, do not
   * flag a drill copy that has none
   */
  restored: AwsDbInstance[];
  warnings: string[];
}

export class AwsRdsSource implements RdsSource {
  constructor(
    private readonly ctx: AwsContext,
    private readonly configured: readonly { instance: string }[],
    private readonly clock: Clock = systemClock,
  ) {}

  async describe(signal: AbortSignal): Promise<AwsRdsSnapshot> {
    const warnings: string[] = [];
    const now = this.clock.now();
    const listed = await this.listInstances(signal, warnings);
    const byId = new Map(listed.map((i) => [(i.DBInstanceIdentifier ?? '').toLowerCase(), i]));
    const kept: { raw: DBInstance; restored: boolean }[] = [];
    this.configured.forEach((c, i) => {
      const raw = byId.get(c.instance.toLowerCase());
      if (raw) kept.push({ raw, restored: false });
      else warnings.push(`RDS instance ${c.instance} not found in ${this.regionLabel()}: fix rds[${i}].instance in the config, or the region`);
    });
    const keptIds = new Set(kept.map((k) => k.raw.DBInstanceIdentifier));
    const ours = listed.filter((i) => !keptIds.has(i.DBInstanceIdentifier) && (i.TagList ?? []).some((t) => OPSDECK_TAGS.includes(t.Key ?? '')));
    ours.sort((a, b) => (a.DBInstanceIdentifier ?? '').localeCompare(b.DBInstanceIdentifier ?? ''));
    kept.push(...ours.map((raw) => ({ raw, restored: true })));

    const ids = kept.map((k) => k.raw.DBInstanceIdentifier ?? '');
    const own = kept.filter((k) => !k.restored).map((k) => k.raw.DBInstanceIdentifier ?? '');
    // a failed snapshot read fails the panel: an empty list would read as "no backups"
    const [snapshots, events, metrics, maintenance, backups] = await Promise.all([
      mapLimit(own, CONCURRENCY, (id) => listSnapshots(this.ctx, id, signal)),
      this.optional('RDS events', warnings, signal, () => mapLimit(ids, CONCURRENCY, (id) => this.events(id, now, signal)), ids.map(() => [])),
      this.optional('RDS metrics', warnings, signal, () => readRdsMetrics(this.ctx, ids, now, signal), { series: ids.map(emptySeries), warnings: [] }),
      this.optional('pending maintenance', warnings, signal, () => this.maintenance(ids, signal), new Map<string, Maintenance>()),
      // the start of the restore window; without it the oldest automated snapshot stands in
      own.length === 0 ? new Map() : this.optional('restore window', warnings, signal, () => automatedBackups(this.ctx, own, signal), new Map<string, DBInstanceAutomatedBackup>()),
    ]);
    warnings.push(...metrics.warnings);

    const all = kept.map(({ raw }, i): AwsDbInstance => {
      const base = mapInstance(raw);
      const series = metrics.series[i] ?? emptySeries();
      const out: AwsDbInstance = {
        ...base,
        pendingMaintenance: [...(maintenance.get(base.id)?.lines ?? []), ...base.pendingMaintenance],
        ...(maintenance.has(base.id) ? { maintenanceDue: maintenance.get(base.id)!.due } : {}),
        events: events[i] ?? [],
        series,
      };
      const figures = { cpuPercent: latest(series.cpuPercent), freeStorageBytes: latest(series.freeStorageBytes), connections: latest(series.connections), readLatencyMs: latest(series.readLatencyMs), writeLatencyMs: latest(series.writeLatencyMs) };
      for (const [k, v] of Object.entries(figures)) if (v !== undefined) Object.assign(out, { [k]: v });
      const mine = own.indexOf(base.id);
      if (mine >= 0) out.pitr = pitrWindow(base.pitr, base.createdAt, backups.get(base.id.toLowerCase()), snapshots[mine] ?? []);
      return out;
    });
    return {
      instances: all.filter((_, i) => !kept[i]!.restored),
      restored: all.filter((_, i) => kept[i]!.restored),
      snapshots: snapshots.flat().sort(newestFirst),
      warnings: [...new Set(warnings)],
    };
  }

  private async listInstances(signal: AbortSignal, warnings: string[]): Promise<DBInstance[]> {
    try {
      return await this.pages(signal, {});
    } catch (err) {
      if (signal.aborted || errorKind(err) !== 'access-denied' || this.configured.length === 0) throw err;
      warnings.push(`instances opsdeck restored are not listed: ${errorMessage(err)}`);
      const names = this.configured.map((c) => c.instance);
      return (await Promise.all(chunk(names, PAGE).map((Values) => this.pages(signal, { Filters: [{ Name: 'db-instance-id', Values }] })))).flat();
    }
  }

  private async pages(signal: AbortSignal, input: { Filters?: { Name: string; Values: string[] }[] }): Promise<DBInstance[]> {
    const out: DBInstance[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      throwIfAborted(signal);
      const m = marker;
      const res = await send(this.ctx, 'rds', (rds) => new rds.DescribeDBInstancesCommand({ ...input, MaxRecords: PAGE, ...(m ? { Marker: m } : {}) }), signal, { configPath: 'rds[].instance' });
      out.push(...(res.DBInstances ?? []));
      marker = res.Marker;
    } while (marker && ++pages < MAX_PAGES);
    return out;
  }

  private async events(id: string, now: number, signal: AbortSignal): Promise<DbEvent[]> {
    const out: DbEvent[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const m = marker;
      const res = await send(
        this.ctx,
        'rds',
        (rds) =>
          new rds.DescribeEventsCommand({
            SourceType: 'db-instance',
            SourceIdentifier: id,
            StartTime: new Date(now - EVENTS_WINDOW_MS),
            EndTime: new Date(now),
            MaxRecords: PAGE,
            ...(m ? { Marker: m } : {}),
          }),
        signal,
      );
      for (const e of res.Events ?? []) {
        const ev = mapEvent(e);
        if (ev) out.push(ev);
      }
      marker = res.Marker;
    } while (marker && ++pages < MAX_EVENT_PAGES);
    return out.sort((a, b) => b.at - a.at).slice(0, EVENTS_KEPT);
  }

  /** One call for every instance; RDS names each by its ARN. */
  private async maintenance(ids: string[], signal: AbortSignal): Promise<Map<string, Maintenance>> {
    const out = new Map<string, Maintenance>();
    if (ids.length === 0) return out;
    let marker: string | undefined;
    let pages = 0;
    do {
      const m = marker;
      const res = await send(
        this.ctx,
        'rds',
        (rds) => new rds.DescribePendingMaintenanceActionsCommand({ Filters: [{ Name: 'db-instance-id', Values: ids }], MaxRecords: PAGE, ...(m ? { Marker: m } : {}) }),
        signal,
      );
      for (const r of res.PendingMaintenanceActions ?? []) {
        const id = (r.ResourceIdentifier ?? '').split(':').pop() ?? '';
        const had = out.get(id) ?? { lines: [], due: [] };
        out.set(id, { lines: [...had.lines, ...maintenanceLines(r.PendingMaintenanceActionDetails)], due: [...had.due, ...maintenanceDue(r.PendingMaintenanceActionDetails)] });
      }
      marker = res.Marker;
    } while (marker && ++pages < MAX_PAGES);
    return out;
  }

  /** Events, metrics and maintenance are extras: their failure is a warning, the panel still shows the instances. */
  private async optional<T>(what: string, warnings: string[], signal: AbortSignal, read: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (signal.aborted) throw err;
      warnings.push(`${what} unavailable: ${errorMessage(err)}`);
      return fallback;
    }
  }

  private regionLabel(): string {
    const region = this.ctx.resolvedRegion() ?? this.ctx.region;
    return region ? `region ${region}` : 'the default region';
  }
}

export type { DbEvent, DbMetricSeries };
