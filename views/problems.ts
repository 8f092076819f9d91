/**
 * Problems first: the order the next-problem key visits the findings in
 * (the checklist's: critical, unknown, warning, then panel order), the panel
 * the dashboard shows by itself at start-up, and where a finding's subject
 * is among its panel's rows. The severities are the checks'; nothing here
 * judges a figure.
 */
import type { TrackedFinding } from '../src/dashboard/ports.js';
import type { PanelData, PanelId, PanelSnapshots } from '../src/model/panels.js';
import { metricRef, subjectKey, type SubjectRef } from '../src/model/subjects.js';
import { probeRefs } from '../src/model/health.js';
import { checklistItems, findingKey } from './checklist.js';
import { filterServices } from './panels/ecsTable.js';
import { rdsRows } from './panels/rdsTables.js';
import { filterQueues } from './panels/QueuesPanel.js';
import { sessionRows } from './panels/PostgresPanel.js';
import { filterProbes } from './panels/HealthPanel.js';
import { filterMetrics } from './panels/MetricsPanel.js';
import { GLYPH } from './theme.js';

/** Every finding that is not ok, in the order the next-problem key visits them. */
export function problemOrder(findings: readonly TrackedFinding[]): TrackedFinding[] {
  const items = checklistItems(findings).filter((t) => t.finding.severity !== 'ok');
  // Within one severity, the panel with the most such findings comes first: two criticals on
  // Postgres and one on RDS put the eye (and the auto-focus) on Postgres, whichever panel is listed first.
  const group = new Map<string, number>();
  const count = new Map<string, number>();
  items.forEach((t, i) => {
    if (!group.has(t.finding.severity)) group.set(t.finding.severity, i);
    const k = `${t.finding.severity}:${t.finding.area}`;
    count.set(k, (count.get(k) ?? 0) + 1);
  });
  const key = (t: TrackedFinding) => `${t.finding.severity}:${t.finding.area}`;
  return items
    .map((t, i) => ({ t, i }))
    .sort((a, b) => group.get(a.t.finding.severity)! - group.get(b.t.finding.severity)! || count.get(key(b.t))! - count.get(key(a.t))! || a.i - b.i)
    .map((x) => x.t);
}

const same = (a: SubjectRef, b: SubjectRef) => subjectKey(a) === subjectKey(b);
const found = (i: number) => (i < 0 ? undefined : i);

/**
 * The index of the subject's row among the panel's rows after `filter`, as
 * j/k count them; undefined when the panel has no row for it (the log panel,
 * a Redis server, the backup schedule) or the filter hides it.
 */
export function rowOf<K extends PanelId>(id: K, data: PanelData[K] | undefined, filter: string, ref: SubjectRef): number | undefined {
  if (data === undefined) return undefined;
  switch (id) {
    case 'ecs':
      return ref.kind === 'ecs-service' ? found(filterServices((data as PanelData['ecs']).services, filter).findIndex((s) => same({ kind: 'ecs-service', name: s.name, cluster: s.cluster }, ref))) : undefined;
    case 'rds': {
      if (ref.kind !== 'db-instance') return undefined;
      const r = rdsRows(data as PanelData['rds'], filter);
      return found([...r.instances, ...r.restored].findIndex((d) => d.id === ref.name));
    }
    case 'queues':
      return ref.kind === 'queue' ? found(filterQueues(data as PanelData['queues'], filter).findIndex((q) => q.name === ref.name && q.redis === ref.redis)) : undefined;
    case 'postgres':
      // the database's first session worth a look (blocked, long, idle in transaction)
      return ref.kind === 'postgres' ? found(sessionRows(data as PanelData['postgres'], filter).findIndex((r) => r.db.name === ref.name)) : undefined;
    case 'health':
      // a probe's row answers for its aspects too (`demo/queue tls`, `demo/queue dlq`), as the panel marks it
      return ref.kind === 'probe' ? found(filterProbes((data as PanelData['health']).probes, filter).findIndex((p) => probeRefs(p).some((r) => same(r, ref)))) : undefined;
    case 'metrics':
      return ref.kind === 'metric' ? found(filterMetrics((data as PanelData['metrics']).rows, filter).findIndex((r) => same(metricRef(r), ref))) : undefined;
    default:
      return undefined;
  }
}

/** Where a finding is: its panel, its row there, and whether the panel's filter must go to show it. */
export function placeOf(t: TrackedFinding, snaps: PanelSnapshots, filters: Partial<Record<PanelId, string>>): { id: PanelId; row?: number; clearFilter: boolean } {
  const id = t.finding.area;
  const data = snaps[id].data as PanelData[typeof id] | undefined;
  const filter = filters[id] ?? '';
  const row = rowOf(id, data, filter, t.finding.ref);
  if (row !== undefined || filter === '') return { id, ...(row !== undefined ? { row } : {}), clearFilter: false };
  const unfiltered = rowOf(id, data, '', t.finding.ref);
  return { id, ...(unfiltered !== undefined ? { row: unfiltered } : {}), clearFilter: unfiltered !== undefined };
}

/** The problem after the one visited last (`lastKey`), wrapping; the first when that one is gone. */
export function nextProblem(problems: readonly TrackedFinding[], lastKey: string | null): { item: TrackedFinding; index: number } | undefined {
  if (problems.length === 0) return undefined;
  const last = lastKey === null ? -1 : problems.findIndex((t) => findingKey(t.finding) === lastKey);
  const index = (last + 1) % problems.length;
  return { item: problems[index]!, index };
}

/** The message line of a visit: "problem 2/5 ✗ demo/primary: 91 of 100 connections in use". */
export function visitMessage(t: TrackedFinding, index: number, total: number): string {
  const f = t.finding;
  return `problem ${index + 1}/${total} ${GLYPH[f.severity]} ${f.subject}: ${f.message}${f.figure ? ` (${f.figure})` : ''}`;
}
