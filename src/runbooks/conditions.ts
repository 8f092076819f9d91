/** A `check` or `wait` condition against what opsdeck sees now, and a `when` against the run so far. */
import { SEVERITY_RANK, type Finding } from '../model/findings.js';
import type { Condition, When } from './format.js';
import type { RunbookContext } from './context.js';
import type { StepRecord } from './records.js';

export interface ConditionResult {
  holds: boolean;
  /** one line: what was seen */
  seen: string;
}

function matching(findings: readonly Finding[], c: { finding: string; subject?: string; severity?: 'warn' | 'crit' | 'unknown' }): Finding[] {
  const floor = c.severity ? SEVERITY_RANK[c.severity] : 1;
  return findings.filter(
    (f) => f.checkId === c.finding && SEVERITY_RANK[f.severity] >= floor && (c.subject === undefined || f.subject === c.subject || f.subject.endsWith(`/${c.subject}`)),
  );
}

export function describeCondition(c: Condition): string {
  if ('service' in c) return `${c.service} runs exactly ${c.running} task${c.running === 1 ? '' : 's'}`;
  const what = `${c.finding}${c.subject ? ` on ${c.subject}` : ''}${c.severity ? ` (${c.severity} or worse)` : ''}`;
  return 'present' in c ? `finding ${what} is present` : `no finding ${what}`;
}

export async function evaluateCondition(c: Condition, rb: RunbookContext, signal: AbortSignal): Promise<ConditionResult> {
  if ('service' in c) {
    if (!rb.ecs) return { holds: false, seen: 'this environment has no ECS' };
    const svc = await rb.ecs.ecs.service(rb.clusterOf(c.service), c.service, signal);
    return { holds: svc.running === c.running && svc.pending === 0, seen: `${c.service}: running ${svc.running}, pending ${svc.pending}, desired ${svc.desired}` };
  }
  const found = matching(await rb.findings(signal), c);
  const seen = found.length ? found.map((f) => `${f.subject}: ${f.message}`).slice(0, 3).join('; ') : `no ${c.finding} finding`;
  return { holds: 'present' in c ? found.length > 0 : found.length === 0, seen };
}

export function describeWhen(w: When): string {
  return 'outcome' in w ? `only when step ${w.step} is ${w.outcome}` : `only when the answer to ${w.step} is "${w.answer}"`;
}

/** Whether a step guarded by `when` runs, from the records of the step it names (every item of a forEach step must match). */
export function whenHolds(w: When, records: readonly StepRecord[]): boolean {
  const of = records.filter((r) => r.step === w.step);
  if (of.length === 0) return false;
  if ('outcome' in w) return of.every((r) => r.outcome === w.outcome);
  return of.some((r) => r.answer === w.answer);
}
