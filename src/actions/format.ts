/** A plan and a result as text for the terminal and as JSON for scripts. */
import { oneLine } from '../text/sanitize.js';
import type { Plan } from './types.js';
import type { RunResult } from './executor.js';

/** Takes what an approver sees too: a plan as it was stored with its request. */
export function planLines(plan: Pick<Plan, 'title' | 'tier' | 'summary' | 'changes' | 'calls' | 'details' | 'phrase' | 'refusal'>): string[] {
  const lines = [`${plan.title}   [${plan.tier}]`, `  ${oneLine(plan.summary)}`];
  for (const c of plan.changes) lines.push(`  change   ${c.field}: ${oneLine(c.before)} → ${oneLine(c.after)}`);
  for (const c of plan.calls) lines.push(`  call     ${c.api} ${JSON.stringify(c.params)}`);
  for (const d of plan.details) lines.push(`  note     ${oneLine(d)}`);
  if (plan.refusal) lines.push(`  refused  ${oneLine(plan.refusal)}`);
  else if (plan.tier === 'reversible') lines.push('  confirm  y to go ahead (anything else cancels)');
  else lines.push(`  confirm  type ${plan.phrase}`);
  return lines;
}

export function planJson(plan: Plan): Record<string, unknown> {
  const { fingerprint: _f, params: _p, createdAt, ...rest } = plan;
  return { ...rest, createdAt: new Date(createdAt).toISOString() };
}

export function resultJson(plan: Plan, result: RunResult): Record<string, unknown> {
  return { outcome: result.outcome, message: result.message, requestIds: result.requestIds, verified: result.verify?.ok ?? null, plan: planJson(plan) };
}
