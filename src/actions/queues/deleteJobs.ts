/**
 * Delete chosen failed / dead jobs: destructive tier, the operator types the
 * queue's name. The plan lists exactly the ids chosen (one job, or the set
 * marked in the job browser / given with --job), each checked to be failed
 * now; execute deletes only those, each as its library's own delete does
 * (bullmq Job.remove, RQ FailedJobRegistry.remove with delete_job, Sidekiq
 * SortedEntry#delete, LREM / ZREM of a plain dead key). A deleted job is
 * gone with its payload: there is no undo, and the plan says so.
 *
 * Re-read: the chosen jobs are still in the failed set (the same
 * fingerprint as requeue's). Verify: each deleted entry is out of it. A
 * plain dead key may hold the same payload twice (one id, two entries), so
 * verify counts entries per id before and after rather than asking whether
 * the id is still there.
 */
import type { ActionDefinition, Plan } from '../types.js';
import type { RemoveOutcome } from '../../sources/redis/control.js';
import { queueTarget, where, type QueueActionContext, type QueueArgs } from './context.js';
import { batchSize, chosenJobs, fingerprintOf, idList, missingOf, missingRefusal, plural, SHOWN } from './chosen.js';
import { confirmationPhrase } from '../types.js';

export interface DeleteJobsArgs extends QueueArgs {
  ids: readonly string[];
  verifyTimeoutMs?: number;
}

export interface DeleteJobsParams {
  redis: string;
  flavor: string;
  ids: string[];
  total: number;
}

const API: Record<string, string> = {
  bullmq: 'bullmq:Job.remove',
  rq: 'rq:FailedJobRegistry.remove(delete_job=True)',
  sidekiq: 'sidekiq:SortedEntry#delete',
  list: 'redis:LREM (deadKey)',
  zset: 'redis:ZREM (deadKey)',
};

const outcomes = new WeakMap<Plan<DeleteJobsParams>, { out: RemoveOutcome; before: Map<string, number> }>();

/** Entries per id in the failed set, counted up to twice the times an id was chosen. */
async function entriesOf(ctx: QueueActionContext, plan: Plan<DeleteJobsParams>, signal: AbortSignal): Promise<Map<string, number>> {
  const { ids } = plan.params;
  const counts = new Map<string, number>();
  for (const id of await ctx.queues.stillDead(plan.params.redis, plan.target.name, [...ids, ...ids], signal)) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

function progressLine(done: RemoveOutcome, of: number, next: readonly string[]): string {
  const removed = done.removed.length ? `deleted ${done.removed.length} of ${of} (ids ${idList(done.removed)})` : `deleted 0 of ${of}`;
  const skipped = done.skipped.length ? `; ${done.skipped.length} skipped` : '';
  return `${removed}${skipped}; deleting ${next.length} more (ids ${idList(next)})`;
}

export const deleteJobsAction: ActionDefinition<DeleteJobsArgs, QueueActionContext, DeleteJobsParams> = {
  id: 'delete-jobs',
  title: 'Delete failed jobs',
  tier: 'destructive',

  async plan(ctx, args, signal): Promise<Plan<DeleteJobsParams>> {
    const flavor = ctx.queues.flavorOf(args.redis, args.queue);
    if (!flavor) throw new Error(`no queue "${args.queue}" under Redis "${args.redis}" in ${ctx.env.name}'s config`);
    const ids = [...args.ids];
    const n = ids.length;
    const what = n === 1 ? `job ${ids[0]}` : plural(n, 'chosen failed job');
    const common = { action: 'delete-jobs', tier: 'destructive' as const, verifyTimeoutMs: args.verifyTimeoutMs ?? 30_000, title: `Delete ${what} of ${ctx.env.name}/${args.queue}` };
    if (!API[flavor]) {
      const phrase = confirmationPhrase('destructive', ctx.env, args.queue);
      return { ...common, environment: ctx.env.name, target: queueTarget(ctx, args), phrase, createdAt: ctx.now(), summary: `${where(ctx, args)} (${flavor}): nothing to delete`, changes: [], calls: [], details: [], fingerprint: '', params: { redis: args.redis, flavor, ids, total: 0 }, refusal: `a ${flavor} queue has no failed set to delete from` };
    }
    const c = await chosenJobs(ctx, args, ids, signal);
    const refusal = missingRefusal(args.queue, c.missing);
    return {
      ...c.base,
      ...common,
      summary: `${c.where} (${flavor}): delete ${what}; failed ${c.total} → ${c.total - n}`,
      changes: [{ field: 'failed', before: String(c.total), after: String(c.total - n) }],
      calls: [{ api: API[flavor]!, params: { redis: args.redis, queue: args.queue, jobs: n, ids: ids.slice(0, SHOWN), ...(n > SHOWN ? { more: n - SHOWN } : {}) } }],
      details: [`${n === 1 ? 'this job is' : `these ${n} jobs are`} deleted with ${n === 1 ? 'its' : 'their'} payload; there is no undo:`, ...c.lines],
      fingerprint: fingerprintOf(ids, []),
      ...(refusal ? { refusal } : {}),
      params: { redis: args.redis, flavor, ids, total: c.total },
    };
  },

  async fingerprint(ctx, plan, signal) {
    const { ids } = plan.params;
    const still = await ctx.queues.stillDead(plan.params.redis, plan.target.name, ids, signal);
    return fingerprintOf(ids, missingOf(ids, still));
  },

  async execute(ctx, plan, signal, _children, progress) {
    const { ids } = plan.params;
    const out: RemoveOutcome = { removed: [], skipped: [] };
    const before = await entriesOf(ctx, plan, signal);
    const size = batchSize(ids.length);
    let last: readonly string[] = [];
    for (let at = 0; at < ids.length; at += size) {
      const batch = ids.slice(at, at + size);
      await progress?.(progressLine(out, ids.length, batch), { deleted: out.removed.length, of: ids.length, skipped: out.skipped.length, lastDeleted: last, next: batch });
      const got = await ctx.queues.remove(plan.params.redis, plan.target.name, batch, signal);
      out.removed.push(...got.removed);
      out.skipped.push(...got.skipped);
      last = got.removed;
    }
    outcomes.set(plan, { out, before });
    const first = out.skipped[0];
    if (out.removed.length === 0) throw new Error(`none of the ${plural(ids.length, 'job')} was deleted${first ? `: ${first.id} ${first.reason}` : ''}`);
    return { requestIds: [], detail: `deleted ${out.removed.length}/${ids.length}${first ? `; ${out.skipped.length} skipped, e.g. ${first.id}: ${first.reason}` : ''}` };
  },

  async verify(ctx, plan, onProgress, signal) {
    const planned = plan.params.ids;
    const kept = outcomes.get(plan);
    const outcome = kept?.out ?? { removed: planned, skipped: [] };
    const after = await entriesOf(ctx, plan, signal);
    const removedPer = new Map<string, number>();
    for (const id of outcome.removed) removedPer.set(id, (removedPer.get(id) ?? 0) + 1);
    // an id whose entries did not drop by as many as were deleted is still there
    const still = [...removedPer].filter(([id, n]) => (after.get(id) ?? 0) > Math.max(0, (kept?.before.get(id) ?? n) - n)).map(([id]) => id);
    const gone = outcome.removed.length - still.length;
    const message = `${plan.target.display}: ${gone}/${planned.length} deleted, gone from the failed set${still.length ? `; ${still.length} still there (${idList(still, 5)})` : ''}`;
    onProgress({ message, fraction: planned.length ? gone / planned.length : 1 });
    if (still.length) return { ok: false, message };
    if (outcome.skipped.length) {
      const s = outcome.skipped[0]!;
      return { ok: false, message: `${outcome.skipped.length} of ${planned.length} were not deleted (${s.id}: ${s.reason}); ${message}` };
    }
    return { ok: true, message };
  },
};
