/** RDS: are the instances available, and is last night's backup there? */
import type { DbInstance, DbSnapshot, RdsSnapshot } from '../../src/model/rds.js';
import type { Level, Tone } from '../theme.js';
import { GLYPH, toneOf } from '../theme.js';
import type { Column, Line } from '../text.js';
import { highlight, layoutColumns, matchesFilter, seg, tableHeader, tableRow } from '../text.js';
import { age, bytes, percent } from '../format.js';
import type { PanelView } from './types.js';

/** The runbook's morning check: a daily automated snapshot plus two hours of slack. */
export const BACKUP_MAX_AGE_MS = 26 * 3_600_000;

const GIB = 1024 ** 3;

export function instanceLevel(db: DbInstance): Level {
  if (db.status === 'available') return 'ok';
  if (/fail|storage-full|incompatible|inaccessible|stopped|deleting/.test(db.status)) return 'crit';
  return 'warn';
}

/** The verdict on the newest automated snapshot; `undefined` means there is none. */
export function backupLevel(newest: DbSnapshot | undefined, now: number): Level {
  if (!newest) return 'crit';
  if (newest.createdAt !== undefined && now - newest.createdAt > BACKUP_MAX_AGE_MS) return 'crit';
  if (newest.status !== 'available') return 'warn';
  return 'ok';
}

export function newestAutomated(data: RdsSnapshot): DbSnapshot | undefined {
  return data.snapshots.filter((s) => s.type === 'automated').reduce<DbSnapshot | undefined>((a, b) => ((b.createdAt ?? 0) > (a?.createdAt ?? -1) ? b : a), undefined);
}

function filtered(data: RdsSnapshot, filter: string) {
  return {
    instances: data.instances.filter((d) => matchesFilter(filter, d.id, d.status, d.engine, d.instanceClass)),
    snapshots: data.snapshots.filter((s) => matchesFilter(filter, s.id, s.instanceId, s.type, s.status)),
  };
}

const INSTANCE_COLS: Column[] = [
  { header: ' ', key: 'mark', width: 1 },
  { header: 'instance', width: 10, flex: true, max: 32 },
  { header: 'status', width: 11 },
  { header: 'engine', width: 13, drop: 2 },
  { header: 'class', width: 13, drop: 1 },
  { header: 'multi-az', key: 'az', width: 8, drop: 3 },
  { header: 'free', width: 10, align: 'right' },
  { header: 'conns', width: 5, align: 'right' },
  { header: 'cpu', width: 4, align: 'right' },
];

const SNAPSHOT_COLS: Column[] = [
  { header: 'snapshot', width: 12, flex: true, max: 44 },
  { header: 'type', width: 9 },
  { header: 'status', width: 10 },
  { header: 'progress', key: 'progress', width: 8, align: 'right', drop: 1 },
  { header: 'age', width: 4, align: 'right' },
];

function freeCell(db: DbInstance): { text: string; tone?: Tone } {
  if (db.freeStorageBytes === undefined) return { text: '-' };
  const pct = db.allocatedStorageGb > 0 ? (100 * db.freeStorageBytes) / (db.allocatedStorageGb * GIB) : undefined;
  const tone = pct === undefined ? undefined : pct < 10 ? 'crit' : pct < 20 ? 'warn' : undefined;
  return { text: `${bytes(db.freeStorageBytes)} ${pct === undefined ? '' : percent(pct)}`.trim(), tone };
}

export const rdsPanel: PanelView<'rds'> = {
  id: 'rds',
  count(data, filter) {
    const f = filtered(data, filter);
    return f.instances.length + f.snapshots.length;
  },
  summary(data, now) {
    const line: Line = [];
    for (const db of data.instances) {
      const level = instanceLevel(db);
      line.push(seg(`${db.id} `), seg(db.status, level === 'ok' ? 'ok' : toneOf(level)), seg('  '));
    }
    const newest = newestAutomated(data);
    const level = backupLevel(newest, now);
    line.push(seg('backup ', 'muted'), seg(newest?.createdAt !== undefined ? `${age(now - newest.createdAt)} ago` : 'none', level === 'ok' ? undefined : toneOf(level)));
    if (level !== 'ok') line.push(seg(` ${GLYPH[level]}`, toneOf(level)));
    return line;
  },
  body(data, ctx) {
    const { instances, snapshots } = filtered(data, ctx.filter);
    const sel = ctx.focused ? ctx.selected : -1;
    const out: Line[] = [];
    const iCols = layoutColumns(INSTANCE_COLS, ctx.width);
    out.push(tableHeader(iCols));
    // Instances first: there are few, and they matter more than old snapshots.
    const instRoom = Math.max(1, Math.min(instances.length, ctx.height - 4));
    instances.slice(0, instRoom).forEach((db, i) => {
      const level = instanceLevel(db);
      const row = tableRow(iCols, {
        mark: { text: GLYPH[level], tone: toneOf(level) },
        instance: db.id,
        status: { text: db.status, tone: level === 'ok' ? undefined : toneOf(level) },
        engine: `${db.engine} ${db.engineVersion}`,
        class: db.instanceClass,
        az: db.multiAz ? 'yes' : 'no',
        free: freeCell(db),
        conns: db.connections === undefined ? '-' : String(db.connections),
        cpu: { text: percent(db.cpuPercent), tone: db.cpuPercent === undefined ? undefined : db.cpuPercent > 90 ? 'crit' : db.cpuPercent > 70 ? 'warn' : undefined },
      });
      out.push(i === sel ? highlight(row) : row);
    });
    if (instances.length === 0) out.push([seg(ctx.filter ? `no instance matches /${ctx.filter}` : 'no instances', 'muted')]);

    const newest = newestAutomated(data);
    const bLevel = backupLevel(newest, ctx.now);
    out.push([
      seg(`${GLYPH[bLevel]} `, toneOf(bLevel)),
      seg('newest automated snapshot ', 'muted'),
      newest
        ? seg(`${newest.createdAt !== undefined ? age(ctx.now - newest.createdAt) + ' old' : 'age unknown'}, ${newest.status}`, bLevel === 'ok' ? 'ok' : toneOf(bLevel))
        : seg('none found', 'crit'),
    ]);

    const sCols = layoutColumns(SNAPSHOT_COLS, ctx.width);
    const room = ctx.height - out.length - 1;
    if (room <= 0) return out.slice(0, ctx.height);
    out.push(tableHeader(sCols));
    const selSnap = sel - instances.length;
    const start = selSnap >= room ? selSnap - room + 1 : 0;
    snapshots.slice(start, start + room).forEach((s, i) => {
      const isNewest = s === newest;
      const snapAge = s.createdAt === undefined ? undefined : ctx.now - s.createdAt;
      const row = tableRow(sCols, {
        snapshot: s.id,
        type: s.type,
        status: { text: s.status, tone: s.status === 'available' ? undefined : /fail|error/.test(s.status) ? 'crit' : 'warn' },
        progress: `${Math.round(s.progress)}%`,
        age: { text: age(snapAge), tone: isNewest && bLevel === 'crit' ? 'crit' : undefined },
      });
      out.push(start + i === selSnap ? highlight(row) : row);
    });
    if (snapshots.length === 0) out.push([seg(ctx.filter ? `no snapshot matches /${ctx.filter}` : 'no snapshots', 'muted')]);
    return out.slice(0, ctx.height);
  },
};
