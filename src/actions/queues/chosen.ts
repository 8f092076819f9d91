/**
 * The plan of an action on jobs the operator chose by id (requeue or delete
 * one job, or a listed set): which of them are in the failed / dead set now,
 * how each is labelled in the plan, and the phrase. A chosen job that is not there refuses the plan, naming
 * it: the operator picked it, and doing less than asked without saying so is
 * what the typed confirmation is there to prevent. The phrase is the queue's
 * name, one job or many: the executor derives it again from the target, and
 * the target (what is locked and journaled) is the queue.
 */
import { confirmationPhrase } from '../types.js';
import type { Plan } from '../types.js';
import { jobRow } from './jobText.js';
import { where, queueTarget, type QueueActionContext, type QueueArgs } from './context.js';

export const SHOWN = 20;
export const MAX_CHOSEN = 10_000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
export { plural };

/** Planned ids no longer failed, counting repeated ids once per entry. */
export function missingOf(planned: readonly string[], stillDead: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const id of stillDead) left.set(id, (left.get(id) ?? 0) + 1);
  return planned.filter((id) => {
    const n = left.get(id) ?? 0;
    if (n > 0) left.set(id, n - 1);
    return n === 0;
  });
}

/** Ids in a journal line: the first few, then how many more (the record's plan keeps them all). */
export function idList(ids: readonly string[], shown = 12): string {
  return ids.length <= shown ? ids.join(', ') : `${ids.slice(0, shown).join(', ')} … and ${ids.length - shown} more`;
}

/** About ten progress records per run, whatever its size: enough to say where a kill stopped it, few enough to keep the journal short. */
export function batchSize(jobs: number): number {
  return Math.max(10, Math.min(500, Math.ceil(jobs / 10)));
}

export const fingerprintOf = (planned: readonly string[], missing: readonly string[]) => JSON.stringify({ jobs: planned.length, missing: missing.length, missingIds: missing.slice(0, 5) });

export function checkIds(ids: readonly string[]): void {
  if (ids.length === 0) throw new Error('no job chosen: name at least one job id');
  if (ids.length > MAX_CHOSEN) throw new Error(`at most ${MAX_CHOSEN} jobs at once, got ${ids.length}`);
  const bad = ids.find((id) => id === '' || /[\x00-\x1f\x7f]/.test(id) || id.length > 200);
  if (bad !== undefined) throw new Error(`"${bad.slice(0, 40)}" is not a job id (empty, too long, or with control characters)`);
}

export interface Chosen {
  /** failed / dead jobs of the queue now */
  total: number;
  /** chosen ids not in the failed / dead set now */
  missing: string[];
  /** the plan's lines for the first chosen jobs */
  lines: string[];
  phrase: string;
  base: Pick<Plan, 'environment' | 'target' | 'phrase' | 'createdAt'>;
  where: string;
}

export async function chosenJobs(ctx: QueueActionContext, args: QueueArgs, ids: readonly string[], signal: AbortSignal): Promise<Chosen> {
  checkIds(ids);
  // one after the other: the first call opens the connection the second uses
  const still = await ctx.queues.stillDead(args.redis, args.queue, ids, signal);
  const dead = await ctx.queues.deadJobs(args.redis, args.queue, { limit: 1, detail: 0 }, signal);
  const missing = missingOf(ids, still);
  const lines: string[] = [];
  for (const id of ids.slice(0, SHOWN)) {
    const raw = missing.includes(id) ? undefined : await ctx.queues.job(args.redis, args.queue, id, signal);
    const row = raw ? jobRow(raw) : undefined;
    lines.push(row ? `  ${row.id}  ${row.name}: ${row.reason || 'no reason recorded'}` : `  ${id}  (not in the failed set)`);
  }
  if (ids.length > SHOWN) lines.push(`  … and ${ids.length - SHOWN} more (the plan keeps every id)`);
  const phrase = confirmationPhrase('destructive', ctx.env, args.queue);
  return { total: dead.total, missing, lines, phrase, where: where(ctx, args), base: { environment: ctx.env.name, target: queueTarget(ctx, args), phrase, createdAt: ctx.now() } };
}

/** The refusal for chosen jobs that are not in the failed set, naming them. */
export function missingRefusal(queue: string, missing: readonly string[]): string | undefined {
  if (missing.length === 0) return undefined;
  return `${missing.length === 1 ? `job ${missing[0]} is` : `jobs ${idList(missing, 5)} are`} not in the failed set of ${queue} (requeued, deleted or never there); \`opsdeck queue jobs ${queue}\` lists what is`;
}
