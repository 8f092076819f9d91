/**
 * The few placeholders a runbook's text and parameters may use. Anything else
 * in braces is an error naming the placeholder, found when the run is
 * planned, never half-way through it.
 *
 *   {item}                       the service / database / queue of a forEach step
 *   {runbook} {env}              the runbook's and the environment's names
 *   {steps.ID.changes}           what step ID changed: "api desiredCount 3 → 0; worker …"
 *   {steps.ID.answer}            the operator's answer to ask step ID
 *   {steps.ID.outcome}           done, skipped or failed
 *   {recorded.RUNBOOK.ID.before} the value before step ID of RUNBOOK's last finished run, for this item
 */
import type { StepRecord, RunRecord } from './records.js';

export interface TemplateScope {
  runbook: string;
  env: string;
  item?: string;
  /** this run's steps so far */
  steps: readonly StepRecord[];
  lastRun(runbook: string): RunRecord | undefined;
}

export class TemplateError extends Error {}

const PLACEHOLDER = /\{([^{}]*)\}/g;

function changesOf(records: readonly StepRecord[], step: string): string {
  const lines = records
    .filter((r) => r.step === step && r.changes && r.changes.length > 0)
    .map((r) => `${r.item ?? ''} ${r.changes!.map((c) => `${c.field} ${c.before} → ${c.after}`).join(', ')}`.trim());
  return lines.length ? lines.join('; ') : 'nothing';
}

function resolve(name: string, scope: TemplateScope): string {
  if (name === 'item') {
    if (scope.item === undefined) throw new TemplateError('{item} is only defined in a step with forEach');
    return scope.item;
  }
  if (name === 'runbook') return scope.runbook;
  if (name === 'env') return scope.env;
  const parts = name.split('.');
  if (parts[0] === 'steps' && parts.length === 3) {
    const [, step, field] = parts as [string, string, string];
    if (field === 'changes') return changesOf(scope.steps, step);
    if (field === 'outcome') {
      const of = scope.steps.filter((s) => s.step === step);
      if (of.length === 0) throw new TemplateError(`{${name}}: step "${step}" has not run (yet)`);
      return [...new Set(of.map((s) => s.outcome))].join('/');
    }
    if (field === 'answer') {
      const r = scope.steps.find((s) => s.step === step && s.answer !== undefined);
      if (!r) throw new TemplateError(`{${name}}: step "${step}" has no answer (yet)`);
      return r.answer!;
    }
  }
  if (parts[0] === 'recorded' && parts.length === 4 && parts[3] === 'before') {
    const [, runbook, step] = parts as [string, string, string];
    const run = scope.lastRun(runbook);
    if (!run) throw new TemplateError(`{${name}}: no finished run of "${runbook}" in ${scope.env} to read the recorded value from`);
    const rec = run.steps.find((s) => s.step === step && s.item === scope.item && s.changes && s.changes.length > 0);
    if (!rec) throw new TemplateError(`{${name}}: the last run of "${runbook}" (${run.id}) recorded nothing for step "${step}"${scope.item ? ` and ${scope.item}` : ''}`);
    return rec.changes![0]!.before;
  }
  throw new TemplateError(`unknown placeholder {${name}} (known: {item}, {runbook}, {env}, {steps.ID.changes}, {steps.ID.answer}, {steps.ID.outcome}, {recorded.RUNBOOK.ID.before})`);
}

export function fill(text: string, scope: TemplateScope): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => resolve(name.trim(), scope));
}

/** Fills every string parameter; a parameter that is a placeholder only and reads as a number becomes one. */
export function fillParams(params: Readonly<Record<string, string | number | boolean>>, scope: TemplateScope): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'string' ? fill(v, scope) : v;
  return out;
}
