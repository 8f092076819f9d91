/**
 * What the checks said, as the dashboard's rows read it: the panels draw a
 * row's mark, a cell's tone and a title's counts from this and judge nothing
 * themselves. Built from one run of the checks (src/checks/live.ts).
 */
import { SEVERITY_RANK, type Finding, type Severity } from './findings.js';
import type { PanelId } from './panels.js';
import { subjectKey, type SubjectRef } from './subjects.js';

export interface Verdicts {
  /** the worst severity the checks gave the subject (only `checkIds`' when given); undefined when no check judged it */
  of(ref: SubjectRef, checkIds?: readonly string[]): Severity | undefined;
  /** the subject's findings other than ok, the worst first: why its row is marked */
  problems(ref: SubjectRef): readonly Finding[];
  /** the worst severity of one check over every subject of an area; undefined when it judged none */
  worstOf(checkId: string): Severity | undefined;
  /** how many findings of each severity concern the panel */
  counts(area: PanelId): Readonly<Record<Severity, number>>;
}

const worse = (a: Severity | undefined, b: Severity): Severity => (a === undefined || SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a);
const zero = (): Record<Severity, number> => ({ ok: 0, warn: 0, crit: 0, unknown: 0 });
const NONE: readonly Finding[] = [];

export function verdictsOf(findings: readonly Finding[]): Verdicts {
  const bySubject = new Map<string, Finding[]>();
  const byCheck = new Map<string, Severity>();
  const byArea = new Map<PanelId, Record<Severity, number>>();
  for (const f of findings) {
    const key = subjectKey(f.ref);
    const list = bySubject.get(key);
    if (list) list.push(f);
    else bySubject.set(key, [f]);
    byCheck.set(f.checkId, worse(byCheck.get(f.checkId), f.severity));
    const counts = byArea.get(f.area) ?? zero();
    counts[f.severity]++;
    byArea.set(f.area, counts);
  }
  const EMPTY = zero();
  return {
    of(ref: SubjectRef, checkIds?: readonly string[]) {
      let out: Severity | undefined;
      for (const f of bySubject.get(subjectKey(ref)) ?? NONE) if (!checkIds || checkIds.includes(f.checkId)) out = worse(out, f.severity);
      return out;
    },
    problems(ref: SubjectRef) {
      return (bySubject.get(subjectKey(ref)) ?? NONE).filter((f) => f.severity !== 'ok').sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
    },
    worstOf: (checkId: string) => byCheck.get(checkId),
    counts: (area: PanelId) => byArea.get(area) ?? EMPTY,
  };
}

/** Before the first run of the checks: nothing judged, so rows carry no mark. */
export const NO_VERDICTS: Verdicts = verdictsOf([]);
