/**
 * The RDS panel full-screen: the instances with their latencies, the copies
 * opsdeck restored (a drill going creating → backing-up → available), the
 * backup verdict, the snapshots with the progress of those being made, and
 * the RDS events of the selected instance (the reason a restore failed is
 * there), and how far back it can be restored to a point in time.
 */
import type { RdsSnapshot } from '../../src/model/rds.js';
import type { Line } from '../text.js';
import { layoutColumns, seg, tableHeader } from '../text.js';
import { age, clockTime } from '../format.js';
import type { PanelCtx } from './types.js';
import { warningsLine } from './EcsPanel.js';
import {
  backupLevel,
  backupLine,
  INSTANCE_COLS,
  instanceRow,
  newestAutomated,
  pitrLine,
  rdsRows,
  RESTORED_COLS,
  restoredRow,
  selectedInstance,
  selectedRdsRow,
  SNAPSHOT_COLS,
  snapshotRow,
} from './rdsTables.js';

function heading(title: string, note?: string): Line {
  return [seg(title, 'accent', { bold: true }), ...(note ? [seg(`  ${note}`, 'muted')] : [])];
}

/** Rows `start..start+room` of a list, keeping `selected` (an index in it, or outside) in view. */
function windowOf<T>(rows: readonly T[], selected: number, room: number): { start: number; shown: T[] } {
  const start = selected >= room && selected < rows.length ? Math.min(rows.length - room, selected - room + 1) : 0;
  return { start, shown: rows.slice(start, start + Math.max(0, room)) };
}

export function rdsDetail(data: RdsSnapshot, ctx: PanelCtx): Line[] {
  const { width, height, now } = ctx;
  const { instances, restored, snapshots } = rdsRows(data, ctx.filter);
  const sel = ctx.focused ? ctx.selected : -1;
  const out: Line[] = [];

  const iCols = layoutColumns(INSTANCE_COLS, width);
  out.push(tableHeader(iCols));
  instances.forEach((db, i) => out.push(instanceRow(iCols, db, ctx.verdicts, i === sel)));
  if (instances.length === 0) out.push([seg(ctx.filter ? `no instance matches /${ctx.filter}` : 'no instances', 'muted')]);
  const warning = warningsLine(data.warnings ?? []);
  if (warning) out.push(warning);

  if (restored.length > 0) {
    const rCols = layoutColumns(RESTORED_COLS, width);
    const inFlight = restored.filter((r) => r.status !== 'available').length;
    out.push([], heading('Restored copies', inFlight > 0 ? `${inFlight} not available yet` : 'not judged by the backup check'), tableHeader(rCols));
    const w = windowOf(restored, sel - instances.length, Math.max(1, Math.min(restored.length, Math.floor(height / 5))));
    w.shown.forEach((db, i) => out.push(restoredRow(rCols, db, now, w.start + i === sel - instances.length, ctx.verdicts)));
  }
  out.push([], backupLine(data, now, ctx.verdicts));
  const inst = selectedInstance(data, selectedRdsRow(data, ctx.filter, ctx.selected));
  const pitr = inst && pitrLine(inst, now);
  if (pitr) out.push(pitr);

  // The snapshots take what the events leave: events matter most when something failed.
  const events = inst?.events;
  const eventRows = Math.min((events?.length ?? 0) + 2, Math.max(3, Math.floor((height - out.length) / 3)));
  const sCols = layoutColumns(SNAPSHOT_COLS, width);
  const snapRoom = Math.max(1, height - out.length - eventRows - 2);
  out.push(tableHeader(sCols));
  const backup = { newest: newestAutomated(data), level: backupLevel(ctx.verdicts) };
  const selSnap = sel - instances.length - restored.length;
  const w = windowOf(snapshots, selSnap, snapRoom);
  w.shown.forEach((s, i) => out.push(snapshotRow(sCols, s, now, backup, w.start + i === selSnap)));
  if (snapshots.length === 0) out.push([seg(ctx.filter ? `no snapshot matches /${ctx.filter}` : 'no snapshots', 'muted')]);
  else if (snapshots.length > snapRoom && w.start + snapRoom < snapshots.length) out.push([seg(`  … ${snapshots.length - w.start - snapRoom} older (j scrolls)`, 'muted')]);

  if (inst && height - out.length >= 2) {
    out.push([]);
    if (events === undefined) out.push(heading(`Events of ${inst.id}`, 'not read by this source'));
    else if (events.length === 0) out.push(heading(`Events of ${inst.id}`, 'none in the last 24 h'));
    else {
      out.push(heading(`Events of ${inst.id}`, 'last 24 h, newest first'));
      for (const e of events) {
        if (out.length >= height) break;
        out.push([seg(`${clockTime(e.at)} `, 'muted'), seg(`${age(now - e.at).padStart(4)} `, 'muted'), seg(e.message), ...(e.categories.length ? [seg(`  (${e.categories.join(', ')})`, 'muted')] : [])]);
      }
    }
  }
  return out.slice(0, height);
}
