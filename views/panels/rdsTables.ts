/**
 * The RDS panel's rules and tables, shared by the tile and the full-screen
 * view: which instances are healthy, whether last night's backup is there,
 * and the rows j/k move through (configured instances, the copies opsdeck
 * restored, then snapshots).
 */
import type { DbInstance, DbSnapshot, RdsSnapshot } from '../../src/model/rds.js';
import { DRILL_TAG, PITR_TAG, RESTORED_FROM_TAG, statusSeverity } from '../../src/dashboard/panelFacts.js';
import type { Verdicts } from '../../src/model/verdicts.js';
import { instanceRef } from '../../src/model/subjects.js';
import type { Level, Tone } from '../theme.js';
import { GLYPH, markOf, problemTone, toneOf } from '../theme.js';
import type { Column, Line } from '../text.js';
import { highlight, matchesFilter, seg, tableRow } from '../text.js';
import { age, bytes, duration, percent } from '../format.js';

const GIB = 1024 ** 3;

/** The checks' verdict on an instance: the worst of its findings (status, backup, storage, connections, CPU). */
export function instanceLevel(db: DbInstance, verdicts: Verdicts): Level | undefined {
  return verdicts.of(instanceRef(db));
}

/** The backup check's verdict over the instances; undefined where it judged none (no RDS in the environment). */
export function backupLevel(verdicts: Verdicts): Level | undefined {
  return verdicts.worstOf('rds.snapshot-age');
}

export function newestAutomated(data: RdsSnapshot): DbSnapshot | undefined {
  return data.snapshots.filter((s) => s.type === 'automated').reduce<DbSnapshot | undefined>((a, b) => ((b.createdAt ?? 0) > (a?.createdAt ?? -1) ? b : a), undefined);
}

interface RdsRows {
  instances: DbInstance[];
  restored: DbInstance[];
  snapshots: DbSnapshot[];
}

/** The rows after the filter, in the order j/k moves through them. */
export function rdsRows(data: RdsSnapshot, filter: string): RdsRows {
  const inst = (d: DbInstance) => matchesFilter(filter, d.id, d.status, d.engine, d.instanceClass, restoredFrom(d));
  return {
    instances: data.instances.filter(inst),
    restored: (data.restored ?? []).filter(inst),
    snapshots: data.snapshots.filter((s) => matchesFilter(filter, s.id, s.instanceId, s.type, s.status)),
  };
}

type RdsRow = { kind: 'instance' | 'restored'; instance: DbInstance } | { kind: 'snapshot'; snapshot: DbSnapshot };

/** The row the selection is on, as the panel draws it (clamped to the rows there are). */
export function selectedRdsRow(data: RdsSnapshot | undefined, filter: string, selected: number): RdsRow | undefined {
  if (!data) return undefined;
  const r = rdsRows(data, filter);
  const total = r.instances.length + r.restored.length + r.snapshots.length;
  if (total === 0) return undefined;
  let i = Math.max(0, Math.min(selected, total - 1));
  if (i < r.instances.length) return { kind: 'instance', instance: r.instances[i]! };
  i -= r.instances.length;
  if (i < r.restored.length) return { kind: 'restored', instance: r.restored[i]! };
  return { kind: 'snapshot', snapshot: r.snapshots[i - r.restored.length]! };
}

/** The instance whose events and live state matter for the selection: a snapshot row's is its source. */
export function selectedInstance(data: RdsSnapshot, row: RdsRow | undefined): DbInstance | undefined {
  if (!row) return data.instances[0];
  if (row.kind !== 'snapshot') return row.instance;
  const id = row.snapshot.instanceId;
  return data.instances.find((i) => i.id === id) ?? data.restored?.find((i) => i.id === id);
}

export const INSTANCE_COLS: Column[] = [
  { header: ' ', key: 'mark', width: 1 },
  { header: 'instance', width: 10, flex: true, max: 32 },
  { header: 'status', width: 11 },
  { header: 'engine', width: 13, drop: 2 },
  { header: 'class', width: 13, drop: 1 },
  { header: 'multi-az', key: 'az', width: 8, drop: 3 },
  { header: 'free', width: 10, align: 'right' },
  { header: 'conns', width: 5, align: 'right' },
  { header: 'cpu', width: 4, align: 'right' },
  { header: 'read', width: 6, align: 'right', drop: 0 },
  { header: 'write', width: 6, align: 'right', drop: 0 },
];

export const RESTORED_COLS: Column[] = [
  { header: ' ', key: 'mark', width: 1 },
  // restore ids run long (<instance>-restore-<stamp>): the id is what must not be cut
  { header: 'restored copy', key: 'instance', width: 28, flex: true, max: 44 },
  { header: 'kind', width: 7, drop: 2 },
  { header: 'status', width: 11 },
  { header: 'from', key: 'from', width: 24, flex: true, max: 48, drop: 1 },
  { header: 'age', width: 4, align: 'right' },
];

export const SNAPSHOT_COLS: Column[] = [
  { header: 'snapshot', width: 12, flex: true, max: 44 },
  { header: 'type', width: 9 },
  { header: 'status', width: 10 },
  { header: 'progress', key: 'progress', width: 8, align: 'right', drop: 1 },
  { header: 'age', width: 4, align: 'right' },
];

function freeCell(db: DbInstance, tone: Tone | undefined): { text: string; tone?: Tone } {
  if (db.freeStorageBytes === undefined) return { text: '-' };
  const pct = db.allocatedStorageGb > 0 ? (100 * db.freeStorageBytes) / (db.allocatedStorageGb * GIB) : undefined;
  return { text: `${bytes(db.freeStorageBytes)} ${pct === undefined ? '' : percent(pct)}`.trim(), ...(tone ? { tone } : {}) };
}

/** Disk latency: "0.8ms" below 10 ms, where the decimal is the news. */
function latency(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  return ms < 10 ? `${ms.toFixed(1)}ms` : duration(ms);
}

export function instanceRow(cols: Column[], db: DbInstance, verdicts: Verdicts, selected: boolean): Line {
  const ref = instanceRef(db);
  const judged = (check: string) => problemTone(verdicts.of(ref, [check]));
  const row = tableRow(cols, {
    mark: markOf(instanceLevel(db, verdicts)),
    instance: db.id,
    status: { text: db.status, tone: judged('rds.status') },
    engine: `${db.engine} ${db.engineVersion}`,
    class: db.instanceClass,
    az: db.multiAz ? 'yes' : 'no',
    free: freeCell(db, judged('rds.storage')),
    conns: { text: db.connections === undefined ? '-' : String(db.connections), tone: judged('rds.connections') },
    cpu: { text: percent(db.cpuPercent), tone: judged('rds.cpu') },
    read: latency(db.readLatencyMs),
    write: latency(db.writeLatencyMs),
  });
  return selected ? highlight(row) : row;
}

export const isDrill = (db: DbInstance) => db.tags[DRILL_TAG] !== undefined;
/** drill, restore (of a snapshot) or pitr (to a point in time) */
export const restoredKind = (db: DbInstance) => (isDrill(db) ? 'drill' : db.tags[PITR_TAG] !== undefined ? 'pitr' : 'restore');
/** the snapshot, or instance@time, a copy was made from */
const restoredFrom = (db: DbInstance): string | undefined => db.tags[RESTORED_FROM_TAG] ?? db.tags[PITR_TAG];

/** The drill-age check's verdict on a drill copy; undefined for a restore (no check judges those) or before the checks ran. */
export function drillLevel(db: DbInstance, verdicts: Verdicts): Level | undefined {
  return isDrill(db) ? verdicts.of(instanceRef(db), ['rds.drill-instance-age']) : undefined;
}

/**
 * A restore in flight is the news here: yellow until it is available, by
 * the same table the instance-status check uses. A drill copy is judged by
 * the drill-age check: its mark and its age carry that verdict (a copy left
 * running longer than a drill takes is critical), never a threshold here.
 */
export function restoredRow(cols: Column[], db: DbInstance, now: number, selected: boolean, verdicts: Verdicts): Line {
  const level = statusSeverity(db.status);
  const judged = drillLevel(db, verdicts);
  const statusMark = { text: level === 'ok' ? GLYPH.ok : level === 'crit' ? GLYPH.crit : '⟳', tone: toneOf(level) };
  // a verdict of the age check outranks the status's "in flight" mark once it says more than ok
  const mark = judged !== undefined && judged !== 'ok' ? markOf(judged) : statusMark;
  const row = tableRow(cols, {
    mark,
    instance: db.id,
    kind: restoredKind(db),
    status: { text: db.status, tone: level === 'ok' ? 'ok' : toneOf(level) },
    from: restoredFrom(db) ?? '-',
    age: { text: age(db.createdAt === undefined ? undefined : now - db.createdAt), tone: problemTone(judged) },
  });
  return selected ? highlight(row) : row;
}

function progressCell(s: DbSnapshot, bar: boolean): { text: string; tone?: Tone } {
  const pct = `${Math.round(s.progress)}%`;
  if (s.status === 'available') return { text: pct };
  const cells = Math.round(Math.max(0, Math.min(100, s.progress)) / 25);
  return { text: bar ? `${'▓'.repeat(cells)}${'░'.repeat(4 - cells)} ${pct}` : pct, tone: /fail|error/.test(s.status) ? 'crit' : 'warn' };
}

export function snapshotRow(cols: Column[], s: DbSnapshot, now: number, backup: { newest: DbSnapshot | undefined; level: Level | undefined }, selected: boolean): Line {
  const progress = cols.find((c) => c.key === 'progress');
  const row = tableRow(cols, {
    snapshot: s.id,
    type: s.type,
    status: { text: s.status, tone: s.status === 'available' ? undefined : /fail|error/.test(s.status) ? 'crit' : 'warn' },
    progress: progressCell(s, (progress?.width ?? 0) >= 8),
    age: { text: age(s.createdAt === undefined ? undefined : now - s.createdAt), tone: s === backup.newest ? problemTone(backup.level) : undefined },
  });
  return selected ? highlight(row) : row;
}

const utcMinute = (t: number) => `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * "PITR demo-db 2026-11-26 03:10 UTC → 4m ago": the window a point-in-time
 * restore (P) can pick from, in UTC as the time is typed; undefined where
 * the source does not read it.
 */
export function pitrLine(db: DbInstance, now: number): Line | undefined {
  const w = db.pitr;
  if (!w) return undefined;
  const head = [seg('  PITR ', 'muted'), seg(`${db.id} `)];
  if (w.retentionDays === 0) return [...head, seg('off: no automated backups are kept (retention 0 days)', 'muted')];
  const start = w.earliest !== undefined ? utcMinute(w.earliest) : 'start unknown';
  const end = w.latest !== undefined ? `${age(now - w.latest)} ago` : 'no restorable time yet';
  const kept = w.retentionDays !== undefined ? `  ${w.retentionDays} days kept` : '';
  return [...head, seg(`${start} → ${end}`), seg(kept, 'muted')];
}

/** The backup check's verdict with the newest automated snapshot; muted where the check judged nothing. */
export function backupLine(data: RdsSnapshot, now: number, verdicts: Verdicts): Line {
  const newest = newestAutomated(data);
  const level = backupLevel(verdicts);
  const mark = markOf(level);
  return [
    seg(`${mark.text} `, mark.tone),
    seg('newest automated snapshot ', 'muted'),
    newest
      ? seg(`${newest.createdAt !== undefined ? age(now - newest.createdAt) + ' old' : 'age unknown'}, ${newest.status}`, level === undefined ? 'muted' : toneOf(level))
      : seg('none found', level === undefined ? 'muted' : toneOf(level)),
  ];
}

/** Pending maintenance of each instance, one line each, marked with the maintenance check's verdict. */
export function maintenanceLines(data: RdsSnapshot, verdicts: Verdicts): Line[] {
  return data.instances.flatMap((db) =>
    db.pendingMaintenance.map((text) => {
      const level = verdicts.of(instanceRef(db), ['rds.maintenance']);
      const tone = problemTone(level);
      return [seg(`${markOf(level).text} `, tone ?? 'muted'), seg(`maintenance ${db.id} `, 'muted'), seg(text, tone ?? 'muted')];
    }),
  );
}
