/**
 * The ECS panel full-screen: the service table on top, then for the selected
 * service what the runbook asks for next: its deployments, its running tasks
 * (numbered for x, stop a task), the stopped tasks with their reasons and
 * exit codes, the task definition, the last events.
 */
import type { EcsDeployment, EcsService, EcsStoppedTask } from '../../src/model/ecs.js';
import type { Column, Line } from '../text.js';
import { layoutColumns, seg, tableHeader, tableRow } from '../text.js';
import { age, clockTime } from '../format.js';
import type { PanelCtx } from './types.js';
import { serviceLevel, serviceProblems, serviceTable } from './ecsTable.js';
import { problemTone } from '../theme.js';
import type { Verdicts } from '../../src/model/verdicts.js';
import { serviceRef } from '../../src/model/subjects.js';
import { canScaleOut, scalingState } from '../../src/model/autoscaling.js';
import { TASK_COLS, taskRows } from './ecsTasks.js';

const DEPLOY_COLS: Column[] = [
  { header: 'deploy', width: 7 },
  { header: 'task definition', key: 'td', width: 18, flex: true, max: 40 },
  { header: 'des', width: 3, align: 'right' },
  { header: 'run', width: 3, align: 'right' },
  { header: 'pend', width: 4, align: 'right' },
  { header: 'failed', width: 6, align: 'right' },
  { header: 'rollout', width: 11 },
  { header: 'age', width: 4, align: 'right' },
  { header: 'reason', width: 24, drop: 1 },
];

const STOPPED_COLS: Column[] = [
  { header: 'stopped', width: 8, drop: 0 },
  { header: 'age', width: 4, align: 'right' },
  { header: 'task definition', key: 'rev', width: 22, drop: 2 },
  { header: 'stop code', key: 'code', width: 24, drop: 1 },
  { header: 'exits', width: 14 },
  { header: 'reason', width: 16, flex: true },
];

/** The deployments, the cells behind the service's verdict in its tone: how bad it is is the checks' to say. */
function deploymentRows(svc: EcsService, cols: Column[], now: number, verdicts: Verdicts): Line[] {
  const tone = problemTone(verdicts.of(serviceRef(svc), ['ecs.running-below-desired', 'ecs.crash-loop']));
  return svc.deployments.map((d: EcsDeployment) => {
    return tableRow(cols, {
      deploy: { text: d.status, tone: d.status === 'PRIMARY' ? 'accent' : undefined },
      td: d.taskDefinition,
      des: String(d.desired),
      run: { text: String(d.running), tone: d.running < d.desired ? tone : undefined },
      pend: String(d.pending),
      failed: { text: String(d.failedTasks), tone: d.failedTasks > 0 ? tone : undefined },
      rollout: { text: d.rolloutState.toLowerCase().replace('_', ' '), tone: d.rolloutState === 'COMPLETED' ? undefined : tone },
      age: age(now - d.createdAt),
      reason: d.rolloutReason ?? '',
    });
  });
}

function exits(t: EcsStoppedTask): string {
  return t.containers.map((c) => `${c.container}:${c.exitCode ?? '-'}`).join(' ');
}

function stoppedRows(svc: EcsService, cols: Column[], now: number): Line[] {
  return svc.stoppedTasks.map((t) => {
    const bad = t.containers.some((c) => c.exitCode !== undefined && c.exitCode !== 0);
    const reasons = [t.stoppedReason, ...t.containers.map((c) => c.reason).filter((r): r is string => Boolean(r))];
    return tableRow(cols, {
      stopped: clockTime(t.stoppedAt),
      age: age(now - t.stoppedAt),
      rev: t.taskDefinition,
      code: t.stopCode ?? '',
      exits: { text: exits(t), tone: bad ? 'crit' : undefined },
      reason: reasons.join(' · '),
    });
  });
}

/** Section heading plus up to `max` rows, with a "+N more" note when cut; `none` says what an empty section means. */
function section(title: string, rows: Line[], max: number, header?: Line, none = 'none'): Line[] {
  if (max <= 0) return [];
  const head: Line = [seg(title, 'accent', { bold: true })];
  if (rows.length === 0) return [[...head, seg(`  ${none}`, 'muted')]];
  const room = max - 1 - (header ? 1 : 0);
  // no room for a row: the heading alone says what is there
  if (room < 1) return [[...head, seg(`  (${rows.length} not shown)`, 'muted')]];
  const shown = rows.slice(0, room);
  if (rows.length > room) head.push(seg(`  (${rows.length - room} more not shown)`, 'muted'));
  return header ? [head, header, ...shown] : [head, ...shown];
}

/** min / max and whether Application Auto Scaling may change the count on its own */
function autoscalingLine(svc: EcsService): Line {
  const t = svc.autoscaling;
  if (!t) return [seg('autoscaling: no scalable target (or it could not be read: see the warnings)', 'muted')];
  const state = scalingState(t);
  return [
    seg('autoscaling: ', 'muted'),
    seg(`min ${t.min}  max ${t.max}  `),
    seg(state, state === 'active' ? undefined : 'accent', { bold: state !== 'active' }),
    seg(canScaleOut(t) ? '  (it can change the count on its own)' : '  (the count stays as set)', 'muted'),
  ];
}

export function ecsDetail(services: EcsService[], selected: number, ctx: PanelCtx, warning?: Line): Line[] {
  const { width, height, now } = ctx;
  const tableHeight = Math.min(services.length + 1, Math.max(3, Math.floor(height / 4)));
  const out = serviceTable(services, ctx.verdicts, width, tableHeight, selected, true);
  const svc = services[selected]!;
  const tone = problemTone(serviceLevel(svc, ctx.verdicts));
  const problems = serviceProblems(svc, ctx.verdicts);
  if (height >= 30) out.push([]);
  out.push([
    seg(svc.name, tone, { bold: true }),
    seg(`  ${svc.cluster}  status ${svc.status}  task definition `, 'muted'),
    seg(svc.taskDefinition),
    seg(`  (family ${svc.family}, revision ${svc.revision})`, 'muted'),
  ]);
  for (const p of problems) out.push([seg(p, tone)]);
  if (svc.singleInstanceUnless) out.push([seg(`may run more than one task only while ${svc.singleInstanceUnless} holds`, 'muted')]);
  out.push(autoscalingLine(svc));
  if (warning) out.push(warning);

  let left = height - out.length;
  const dCols = layoutColumns(DEPLOY_COLS, width);
  const deployments = section('Deployments', deploymentRows(svc, dCols, now, ctx.verdicts), Math.min(left, svc.deployments.length + 2), tableHeader(dCols));
  out.push(...deployments);
  left = height - out.length;

  // In a crash loop the stopped tasks say why: their room is set first (most of what is left), the
  // running tasks' from the rest, and the events get what remains; drawn running tasks first.
  const tasks = svc.tasks ?? [];
  const stoppedRoom = Math.min(svc.stoppedTasks.length + 2, Math.max(0, Math.ceil(left * 0.6)));
  const tasksRoom = Math.min(tasks.length + 2, Math.max(1, Math.ceil((left - stoppedRoom) * 0.6)));
  const tCols = layoutColumns(TASK_COLS, width);
  out.push(...section('Tasks', taskRows(svc, tCols, now), Math.min(left, tasksRoom), tableHeader(tCols), svc.tasks === undefined ? 'not read (see the warning above)' : 'none running'));
  left = height - out.length;

  const sCols = layoutColumns(STOPPED_COLS, width);
  out.push(...section('Stopped tasks', stoppedRows(svc, sCols, now), Math.min(left, stoppedRoom), tableHeader(sCols)));
  left = height - out.length;

  const events = svc.events.map((e): Line => [seg(`${clockTime(e.at)} `, 'muted'), seg(`${age(now - e.at).padStart(4)} `, 'muted'), seg(e.message)]);
  out.push(...section('Events', events, left));
  return out.slice(0, height);
}
