/**
 * `runDrill`: the backup drill action (action.ts) planned and run through
 * the executor, which alone refuses (read-only, the phrase, nothing to
 * verify, a drill of the instance already running), locks and journals.
 */
import { runAction } from '../actions/executor.js';
import { backupDrillAction, reportOf, type DrillActionContext } from './action.js';
import type { DrillDeps, DrillRequest } from './setup.js';
import type { DrillReport } from './types.js';

/** The drill did not start: nothing was created. One line, journaled as a refusal. */
export class DrillRefused extends Error {}

export async function runDrill(deps: DrillDeps, req: DrillRequest): Promise<DrillReport> {
  const { ctx: rdsCtx, executor, ...rest } = deps;
  const ctx: DrillActionContext = { ...rdsCtx, drill: { deps: rest, request: req } };
  const signal = req.signal ?? new AbortController().signal;
  const plan = await backupDrillAction.plan(ctx, { instance: req.instance }, signal);
  // a reversible drill (an unprotected environment) is confirmed by naming the instance, as the README says
  const typed = req.confirm ?? (plan.tier === 'reversible' ? plan.phrase : undefined);
  const result = await runAction(executor, { action: backupDrillAction, ctx, plan, typed, signal });
  const report = reportOf(plan);
  if (report) return report;
  if (result.outcome === 'failed') throw new Error(result.message);
  throw new DrillRefused(result.message);
}
