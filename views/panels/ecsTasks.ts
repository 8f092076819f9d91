/**
 * The selected service's running tasks in the ECS detail, numbered: the
 * number is what the stop-task prompt (x) takes. Health is ECS's own word
 * for the task, drawn as it says it.
 */
import type { EcsService, EcsTask } from '../../src/model/ecs.js';
import { shortTaskId } from '../../src/model/ecs.js';
import type { Column, Line } from '../text.js';
import { tableRow } from '../text.js';
import { age, clockTime } from '../format.js';
import type { Tone } from '../theme.js';

export const TASK_COLS: Column[] = [
  { header: '#', key: 'n', width: 2, align: 'right' },
  { header: 'task', width: 8 },
  { header: 'task definition', key: 'td', width: 14, flex: true, max: 32 },
  { header: 'status', width: 8 },
  { header: 'health', width: 9 },
  { header: 'age', width: 4, align: 'right' },
  { header: 'zone', width: 10, drop: 1 },
  { header: 'started', width: 8, drop: 0 },
];

const HEALTH_TONE: Record<EcsTask['health'], Tone | undefined> = { HEALTHY: undefined, UNHEALTHY: 'crit', UNKNOWN: 'muted' };

export function taskRows(svc: EcsService, cols: Column[], now: number): Line[] {
  return (svc.tasks ?? []).map((t, i) =>
    tableRow(cols, {
      n: { text: String(i + 1), tone: 'muted' },
      task: t.id.length > 0 ? shortTaskId(t.id) : '-',
      // a task of another revision than the service's: a deployment is under way, or it was left behind
      td: { text: t.taskDefinition, tone: t.taskDefinition === svc.taskDefinition ? undefined : 'accent' },
      status: { text: t.lastStatus.toLowerCase(), tone: t.lastStatus === 'RUNNING' ? undefined : 'muted' },
      health: { text: t.health.toLowerCase(), tone: HEALTH_TONE[t.health] },
      age: t.startedAt === undefined ? { text: '-', tone: 'muted' } : age(now - t.startedAt),
      zone: t.availabilityZone ?? '-',
      started: t.startedAt === undefined ? '' : clockTime(t.startedAt),
    }),
  );
}

