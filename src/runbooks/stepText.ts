/**
 * How a runbook step reads in the run's plan: a line per step kind, the text
 * of later steps shown as written where it names results not known yet, and
 * an action step's own plan without what the run lists once (changes, calls,
 * the phrase). Also the durations `wait` steps are written in.
 */
import type { Plan } from '../actions/types.js';
import { oneLine } from '../text/sanitize.js';
import type { Step, StepKind } from './format.js';
import { describeCondition } from './conditions.js';
import { fill, type TemplateScope } from './template.js';

export function describe(step: Step, kind: StepKind, text: (s: string) => string): string {
  switch (kind) {
    case 'check':
      return `check: ${describeCondition((step as Extract<Step, { check: unknown }>).check)}`;
    case 'wait': {
      const s = step as Extract<Step, { wait: unknown }>;
      return `wait until ${describeCondition(s.wait)} (at most ${s.timeout})`;
    }
    case 'note':
      return `note on the incident: ${text((step as Extract<Step, { note: string }>).note)}`;
    case 'ask': {
      const s = step as Extract<Step, { ask: string }>;
      return `ask: ${text(s.ask)} [${s.choices.join(' / ')}]`;
    }
    case 'incident':
      return `open an incident (unless one is open): ${text((step as Extract<Step, { incident: string }>).incident)}`;
    default:
      return '';
  }
}

/** A later step's text may name answers and changes not known yet: shown as written. */
export function lenient(s: string, scope: TemplateScope): string {
  if (s.includes('{steps.')) return s;
  try {
    return fill(s, scope);
  } catch {
    return s;
  }
}

/** A step's plan inside the run's: its summary, notes and refusal; its changes and calls are listed once for the whole run, and it has no phrase of its own. */
export function stepLines(plan: Plan): string[] {
  return [oneLine(plan.summary), ...plan.details.map((d) => oneLine(d)), ...(plan.refusal ? [`refused: ${oneLine(plan.refusal)}`] : [])];
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text)!;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}
