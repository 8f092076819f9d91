/** RDS: are the instances available, is last night's backup there, and is a restore or drill under way? */
import { markOf, problemTone, toneOf } from '../theme.js';
import { statusSeverity } from '../../src/dashboard/panelFacts.js';
import { instanceRef } from '../../src/model/subjects.js';
import type { Line } from '../text.js';
import { layoutColumns, seg, tableHeader } from '../text.js';
import { age } from '../format.js';
import type { PanelView } from './types.js';
import { warningsLine } from './EcsPanel.js';
import { rdsDetail } from './RdsDetail.js';
import {
  backupLevel,
  backupLine,
  drillLevel,
  INSTANCE_COLS,
  instanceLevel,
  instanceRow,
  maintenanceLines,
  restoredKind,
  newestAutomated,
  rdsRows,
  RESTORED_COLS,
  restoredRow,
  SNAPSHOT_COLS,
  snapshotRow,
} from './rdsTables.js';

export { backupLevel, instanceLevel, newestAutomated, selectedRdsRow } from './rdsTables.js';

/** The first of `count` rows to show in `room` rows so `selected` (an index among them) is in view; the top when it is elsewhere. */
function follow(count: number, selected: number, room: number): number {
  if (selected < 0 || selected >= count || selected < room) return 0;
  return Math.max(0, Math.min(count - room, selected - room + 1));
}

export const rdsPanel: PanelView<'rds'> = {
  id: 'rds',
  count(data, filter) {
    const r = rdsRows(data, filter);
    return r.instances.length + r.restored.length + r.snapshots.length;
  },
  summary(data, now, verdicts) {
    const line: Line = [];
    for (const db of data.instances) {
      const mark = markOf(instanceLevel(db, verdicts));
      line.push(seg(`${db.id} `), seg(db.status, problemTone(verdicts.of(instanceRef(db), ['rds.status'])) ?? 'ok'), seg(` ${mark.text} `, mark.tone), seg(' '));
    }
    // a drill or restore in progress must be visible even on the smallest screen
    // so must a drill copy the drill-age check judged left running
    for (const db of data.restored ?? []) {
      const judged = drillLevel(db, verdicts);
      const flagged = judged !== undefined && judged !== 'ok';
      if (db.status === 'available' && !flagged) continue;
      line.push(seg(`${restoredKind(db)} ${db.id} `, 'muted'), seg(db.status, toneOf(statusSeverity(db.status))));
      if (flagged) line.push(seg(` ${db.createdAt !== undefined ? age(now - db.createdAt) : '?'} ${markOf(judged).text}`, problemTone(judged)));
      line.push(seg('  '));
    }
    const newest = newestAutomated(data);
    const level = backupLevel(verdicts);
    const tone = problemTone(level);
    line.push(seg('backup ', 'muted'), seg(newest?.createdAt !== undefined ? `${age(now - newest.createdAt)} ago` : 'none', tone));
    if (tone) line.push(seg(` ${markOf(level).text}`, tone));
    return line;
  },
  body(data, ctx) {
    if (ctx.detail) return rdsDetail(data, ctx);
    const { instances, restored, snapshots } = rdsRows(data, ctx.filter);
    const sel = ctx.focused ? ctx.selected : -1;
    const out: Line[] = [];
    const iCols = layoutColumns(INSTANCE_COLS, ctx.width);
    out.push(tableHeader(iCols));
    // Instances first: there are few, and they matter more than old snapshots.
    const instRoom = Math.max(1, Math.min(instances.length, ctx.height - 4));
    instances.slice(0, instRoom).forEach((db, i) => out.push(instanceRow(iCols, db, ctx.verdicts, i === sel)));
    if (instances.length === 0) out.push([seg(ctx.filter ? `no instance matches /${ctx.filter}` : 'no instances', 'muted')]);
    if (restored.length > 0 && ctx.height - out.length >= 4) {
      const rCols = layoutColumns(RESTORED_COLS, ctx.width);
      const room = Math.min(restored.length, Math.max(1, Math.floor((ctx.height - out.length - 2) / 2)));
      const start = follow(restored.length, sel - instances.length, room);
      out.push(tableHeader(rCols));
      restored.slice(start, start + room).forEach((db, i) => out.push(restoredRow(rCols, db, ctx.now, start + i === sel - instances.length, ctx.verdicts)));
    }
    out.push(backupLine(data, ctx.now, ctx.verdicts));
    // pending maintenance matters more than old snapshots, less than the backup
    for (const l of maintenanceLines(data, ctx.verdicts)) if (ctx.height - out.length >= 4) out.push(l);
    const warning = warningsLine(data.warnings ?? []);
    if (warning && ctx.height - out.length >= 4) out.push(warning);

    const sCols = layoutColumns(SNAPSHOT_COLS, ctx.width);
    const room = ctx.height - out.length - 1;
    if (room <= 0) return out.slice(0, ctx.height);
    out.push(tableHeader(sCols));
    const selSnap = sel - instances.length - restored.length;
    const start = follow(snapshots.length, selSnap, room);
    const backup = { newest: newestAutomated(data), level: backupLevel(ctx.verdicts) };
    snapshots.slice(start, start + room).forEach((s, i) => out.push(snapshotRow(sCols, s, ctx.now, backup, start + i === selSnap)));
    if (snapshots.length === 0) out.push([seg(ctx.filter ? `no snapshot matches /${ctx.filter}` : 'no snapshots', 'muted')]);
    return out.slice(0, ctx.height);
  },
};
