/** Rules and the service table shared by the ECS panel and its detail view. */
import type { EcsService, EcsSnapshot } from '../../src/model/ecs.js';
import type { Verdicts } from '../../src/model/verdicts.js';
import { serviceRef } from '../../src/model/subjects.js';
import type { Level } from '../theme.js';
import { markOf, problemTone, toneOf } from '../theme.js';
import type { Column, Line } from '../text.js';
import { highlight, layoutColumns, matchesFilter, tableHeader, tableRow, tint, windowStart } from '../text.js';
import { percent, sparkline } from '../format.js';
import { fullySuspended, type ScalableTarget } from '../../src/model/autoscaling.js';

/** The checks' verdict on a service: the worst of its findings; undefined before the checks ran. */
export function serviceLevel(svc: EcsService, verdicts: Verdicts): Level | undefined {
  return verdicts.of(serviceRef(svc));
}

/** Why a row is marked, in the checks' own words, for the line under the table. */
export function serviceProblems(svc: EcsService, verdicts: Verdicts): string[] {
  return verdicts.problems(serviceRef(svc)).map((f) => (f.figure ? `${f.message} (${f.figure})` : f.message));
}

const ROLLOUT: Record<EcsService['rollout'], string> = {
  COMPLETED: 'completed',
  IN_PROGRESS: 'in progress',
  FAILED: 'FAILED',
  UNKNOWN: '-',
};

export function filterServices(services: readonly EcsService[], filter: string): EcsService[] {
  return services.filter((s) => matchesFilter(filter, s.name, s.taskDefinition, s.rollout, s.cluster));
}

/** The service the selection is on, as the panel draws it (the selection is clamped to the filtered rows). */
export function selectedService(data: EcsSnapshot | undefined, filter: string, selected: number): EcsService | undefined {
  if (!data) return undefined;
  const services = filterServices(data.services, filter);
  return services[Math.max(0, Math.min(selected, services.length - 1))];
}

/** What the source could not read without failing the whole poll (metrics, stopped tasks, missing services). */
export function ecsWarnings(data: EcsSnapshot): string[] {
  return (data.warnings ?? []).filter((w) => w !== '');
}

const COLUMNS: Column[] = [
  { header: ' ', key: 'mark', width: 1 },
  { header: 'service', width: 10, flex: true, max: 32 },
  { header: 'des', width: 3, align: 'right' },
  { header: 'run', width: 3, align: 'right' },
  { header: 'pend', width: 4, align: 'right' },
  { header: 'rollout', width: 11 },
  { header: 'rev', width: 4, align: 'right', drop: 5 },
  { header: 'scaling', key: 'scaling', width: 8, drop: 3 },
  { header: 'cpu', width: 4, align: 'right' },
  { header: '', key: 'cpuSpark', width: 8, drop: 2 },
  { header: 'mem', width: 4, align: 'right' },
  { header: '', key: 'memSpark', width: 8, drop: 1 },
];

/** "2-6" active, "2-6 off" suspended, "2-6 part" partly suspended, "-" no scalable target (or not read) */
function scalingCell(t: ScalableTarget | undefined): { text: string; tone?: 'accent' | 'muted' } {
  if (!t) return { text: '-', tone: 'muted' };
  const range = `${t.min}-${t.max}`;
  if (fullySuspended(t)) return { text: `${range} off`, tone: 'accent' };
  if (t.suspended.dynamicIn || t.suspended.dynamicOut || t.suspended.scheduled) return { text: `${range} part`, tone: 'accent' };
  return { text: range };
}

export function serviceTable(services: readonly EcsService[], verdicts: Verdicts, width: number, height: number, selected: number, focused: boolean): Line[] {
  const cols = layoutColumns(COLUMNS, width);
  const out: Line[] = [tableHeader(cols)];
  const room = Math.max(0, height - 1);
  const start = windowStart(services.length, selected, room);
  services.slice(start, start + room).forEach((svc, i) => {
    const level = serviceLevel(svc, verdicts);
    const ref = serviceRef(svc);
    const cpu = svc.cpu.at(-1);
    const mem = svc.memory.at(-1);
    const row = tableRow(cols, {
      mark: markOf(level),
      service: svc.name,
      des: String(svc.desired),
      run: String(svc.running),
      pend: String(svc.pending),
      rollout: ROLLOUT[svc.rollout],
      rev: String(svc.revision),
      scaling: scalingCell(svc.autoscaling),
      cpu: { text: percent(cpu), tone: problemTone(verdicts.of(ref, ['ecs.cpu'])) },
      cpuSpark: { text: sparkline(svc.cpu, 8, 100), tone: 'muted' },
      mem: { text: percent(mem), tone: problemTone(verdicts.of(ref, ['ecs.memory'])) },
      memSpark: { text: sparkline(svc.memory, 8, 100), tone: 'muted' },
    });
    const tinted = level === undefined || level === 'ok' ? row : tint(row, toneOf(level));
    out.push(focused && start + i === selected ? highlight(tinted) : tinted);
  });
  return out;
}

