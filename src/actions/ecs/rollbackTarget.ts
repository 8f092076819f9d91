/**
 * Which revision a rollback goes to: the one asked for, the previous one, or
 * the last known good one (lastGood.ts) with the evidence the plan shows.
 */
import type { EcsService } from '../../model/ecs.js';
import { errorMessage } from '../../text/sanitize.js';
import type { EcsActionContext, ServiceArgs } from './context.js';
import { DEFAULT_LAST_GOOD_STEADY_MS, findLastGood, journalTrail, lastGoodLines, type LastGood } from './lastGood.js';

/** how far back the deployment history is read */
const HISTORY_MS = 90 * 24 * 3_600_000;

export type RollbackTo = number | 'last-good';

export interface RollbackChoice {
  to?: string;
  refusal?: string;
  /** plan lines: the evidence for last-good, or a warning that the previous revision is not it */
  lines: string[];
}

const revisionOf = (ref: string) => Number(ref.slice(ref.lastIndexOf(':') + 1));

export async function judgeLastGood(ctx: EcsActionContext, args: ServiceArgs, svc: EcsService, revisions: readonly string[], signal: AbortSignal): Promise<{ found: LastGood; steadyMs: number }> {
  const now = ctx.now();
  const steadyMs = ctx.lastGoodSteadyMs?.(args.cluster) ?? DEFAULT_LAST_GOOD_STEADY_MS;
  let history;
  let historyError: string | undefined;
  if (ctx.ecs.history) {
    try {
      history = await ctx.ecs.history(args.cluster, args.service, now - HISTORY_MS, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      historyError = errorMessage(err);
    }
  } else historyError = 'this backend keeps none';
  let journal;
  try {
    const records = await ctx.journalRecords?.();
    if (records) journal = journalTrail(records, ctx.env.name, `${ctx.env.name}/${args.service}`);
  } catch {
    // an unreadable journal weakens the evidence; ECS's own is still there
  }
  const found = findLastGood({ svc, revisions, now, steadyMs, ...(history ? { history } : {}), ...(historyError ? { historyError } : {}), ...(journal ? { journal } : {}) });
  return { found, steadyMs };
}

export async function chooseRollback(ctx: EcsActionContext, args: ServiceArgs & { to?: RollbackTo }, svc: EcsService, revisions: readonly string[], signal: AbortSignal): Promise<RollbackChoice> {
  if (args.to === 'last-good') {
    const { found, steadyMs } = await judgeLastGood(ctx, args, svc, revisions, signal);
    const lines = lastGoodLines(svc.taskDefinition, found, steadyMs);
    if (found.ref) return { to: found.ref, lines };
    const none = revisions.every((r) => revisionOf(r) >= svc.revision);
    return {
      lines,
      refusal: none
        ? `${svc.family} has no active revision before ${svc.revision}; nothing to roll back to`
        : `no revision of ${svc.family} before ${svc.revision} shows that it ran steady for ${Math.round(steadyMs / 60_000)} min without a crash loop (see why below); pick one with --to N`,
    };
  }
  if (args.to !== undefined) {
    const to = `${svc.family}:${args.to}`;
    if (args.to === svc.revision) return { to, lines: [], refusal: `${args.service} already runs ${to}; nothing to roll back` };
    if (!revisions.includes(to)) return { to, lines: [], refusal: `${to} is not an active revision of ${svc.family} (active: ${revisions.slice(0, 8).join(', ') || 'none'})` };
    return { to, lines: [] };
  }
  const to = revisions.find((r) => revisionOf(r) < svc.revision);
  if (!to) return { lines: [], refusal: `${svc.family} has no active revision before ${svc.revision}; nothing to roll back to` };
  // the previous revision may be as bad as the current one (two bad deploys in a row): say so when the evidence says so
  // (no evidence at all, e.g. no history to read, is no reason to alarm)
  let lines: string[] = [];
  try {
    const { found } = await judgeLastGood(ctx, args, svc, revisions, signal);
    const previous = found.judged.find((v) => v.ref === to);
    if (found.ref !== to && previous && !previous.good && !previous.unknown) {
      lines = [
        `WARNING ${to}, the previous revision, is not known good: ${previous.evidence[0]}`,
        found.ref ? `The last known good is ${found.ref}: roll back with --to last-good (in the dashboard, type good).` : 'No earlier revision shows it ran well either.',
      ];
    }
  } catch (err) {
    if (signal.aborted) throw err;
  }
  return { to, lines };
}
