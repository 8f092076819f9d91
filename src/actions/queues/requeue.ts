/**
 * Requeue the failed (dead-letter) jobs of a queue: destructive tier, the
 * operator types the queue's name. The plan reads the failed jobs now, shows
 * how many and the first ones, and keeps EXACTLY those ids: execute moves
 * only them, never "all" — a job that fails after the plan was shown stays
 * failed until someone plans again.
 *
 * The fingerprint is which planned ids are no longer failed. New failures do
 * not change it (they are not moved), but a planned job that left the failed
 * set (retried or deleted by someone else, or expired) aborts the run: the
 * operator agreed to N jobs and would otherwise get fewer without knowing.
 *
 * With `ids` (one job or a set chosen in the job browser or with --job) the
 * plan is exactly those, each checked to be failed now (chosen.ts); the
 * phrase is the queue's name as for the whole set.
 */
import type { ActionDefinition, Plan } from '../types.js';
import { confirmationPhrase } from '../types.js';
import type { JobPlace, RequeueOutcome } from '../../sources/redis/control.js';
import { queueTarget, where, type QueueActionContext, type QueueArgs } from './context.js';
import { batchSize, chosenJobs, fingerprintOf, idList, missingOf, missingRefusal, plural, SHOWN } from './chosen.js';

export { batchSize, SHOWN };

export interface RequeueArgs extends QueueArgs {
  /** the most jobs one plan moves; default 1000 */
  limit?: number;
  /** exactly these jobs (chosen by id) rather than the oldest failed ones */
  ids?: readonly string[];
  verifyTimeoutMs?: number;
}

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 10_000;

/** What each library calls the move, for the plan and the journal. */
const API: Record<string, string> = {
  bullmq: 'bullmq:Job.retry("failed")',
  rq: 'rq:FailedJobRegistry.requeue',
  sidekiq: 'sidekiq:SortedEntry#retry',
  list: 'redis:LREM+LPUSH (deadKey → key)',
  zset: 'redis:ZREM+ZADD (deadKey → key)',
};

export interface RequeueParams {
  redis: string;
  flavor: string;
  /** exactly the failed jobs the plan lists: only these are moved */
  ids: string[];
  /** failed jobs when the plan was made, listed or not */
  total: number;
}

/** "moved 10 of 30 (ids 1, 2, …); moving 10 more (ids 11, …)": what a progress record says, self-contained. */
function progressLine(done: RequeueOutcome, of: number, next: readonly string[]): string {
  const moved = done.moved.length ? `moved ${done.moved.length} of ${of} (ids ${idList(done.moved)})` : `moved 0 of ${of}`;
  const skipped = done.skipped.length ? `; ${done.skipped.length} skipped` : '';
  return `${moved}${skipped}; moving ${next.length} more (ids ${idList(next)})`;
}

// execute's outcome for verify: the executor hands both the same plan object
const outcomes = new WeakMap<Plan<RequeueParams>, RequeueOutcome>();

async function planChosen(ctx: QueueActionContext, args: RequeueArgs, ids: readonly string[], flavor: string, signal: AbortSignal): Promise<Plan<RequeueParams>> {
  const c = await chosenJobs(ctx, args, ids, signal);
  const n = ids.length;
  const what = n === 1 ? `job ${ids[0]}` : plural(n, 'chosen failed job');
  const refusal = missingRefusal(args.queue, c.missing);
  return {
    ...c.base,
    action: 'requeue',
    tier: 'destructive',
    verifyTimeoutMs: args.verifyTimeoutMs ?? 30_000,
    title: `Requeue ${what} of ${ctx.env.name}/${args.queue}`,
    summary: `${c.where} (${flavor}): requeue ${what}; failed ${c.total} → ${c.total - n}`,
    changes: [{ field: 'failed', before: String(c.total), after: String(c.total - n) }],
    calls: [{ api: API[flavor]!, params: { redis: args.redis, queue: args.queue, jobs: n, ids: ids.slice(0, SHOWN), ...(n > SHOWN ? { more: n - SHOWN } : {}) } }],
    details: [`${n === 1 ? 'this job' : `these ${n} jobs`} go back to waiting, nothing else:`, ...c.lines],
    fingerprint: fingerprintOf(ids, []),
    ...(refusal ? { refusal } : {}),
    params: { redis: args.redis, flavor, ids: [...ids], total: c.total },
  };
}

export const requeueAction: ActionDefinition<RequeueArgs, QueueActionContext, RequeueParams> = {
  id: 'requeue',
  title: 'Requeue failed jobs',
  tier: 'destructive',

  async plan(ctx, args, signal): Promise<Plan<RequeueParams>> {
    const limit = args.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new Error(`limit must be a whole number from 1 to ${MAX_LIMIT}, got ${args.limit}`);
    const flavor = ctx.queues.flavorOf(args.redis, args.queue);
    if (!flavor) throw new Error(`no queue "${args.queue}" under Redis "${args.redis}" in ${ctx.env.name}'s config`);
    const base = {
      action: 'requeue',
      tier: 'destructive' as const,
      environment: ctx.env.name,
      target: queueTarget(ctx, args),
      phrase: confirmationPhrase('destructive', ctx.env, args.queue),
      verifyTimeoutMs: args.verifyTimeoutMs ?? 30_000,
      createdAt: ctx.now(),
    };
    if (!API[flavor]) {
      return { ...base, title: `Requeue failed jobs of ${args.queue}`, summary: `${where(ctx, args)} (${flavor}): nothing to requeue`, changes: [], calls: [], details: [], fingerprint: '', params: { redis: args.redis, flavor, ids: [], total: 0 }, refusal: `requeue is not supported for ${flavor} queues: a stream keeps its entries, there is no dead set to move back from` };
    }
    if (args.ids) return planChosen(ctx, args, args.ids, flavor, signal);
    const dead = await ctx.queues.deadJobs(args.redis, args.queue, { limit, detail: SHOWN }, signal);
    const n = dead.ids.length;
    const details = [`${plural(n, 'failed job')}${n < dead.total ? ` of ${dead.total}` : ''}; only these are moved, jobs that fail after this plan stay failed:`];
    for (const j of dead.shown) details.push(`  ${j.id}  ${j.label}`);
    if (n > dead.shown.length) details.push(`  … and ${n - dead.shown.length} more (the plan keeps every id)`);
    if (dead.total > n) details.push(`${dead.total - n} more stay failed; plan again for them`);
    return {
      ...base,
      title: `Requeue ${plural(n, 'failed job')} of ${ctx.env.name}/${args.queue}`,
      summary: `${where(ctx, args)} (${flavor}): requeue ${plural(n, 'failed job')}${n < dead.total ? ` of ${dead.total}` : ''}; failed ${dead.total} → ${dead.total - n}`,
      changes: [{ field: 'failed', before: String(dead.total), after: String(dead.total - n) }],
      calls: [{ api: API[flavor]!, params: { redis: args.redis, queue: args.queue, jobs: n, ids: dead.ids.slice(0, SHOWN), ...(n > SHOWN ? { more: n - SHOWN } : {}) } }],
      details,
      fingerprint: fingerprintOf(dead.ids, []),
      ...(n === 0 ? { refusal: `${args.queue} has no failed jobs; nothing to do` } : {}),
      params: { redis: args.redis, flavor, ids: dead.ids, total: dead.total },
    };
  },

  async fingerprint(ctx, plan, signal) {
    const { ids } = plan.params;
    const still = await ctx.queues.stillDead(plan.params.redis, plan.target.name, ids, signal);
    return fingerprintOf(ids, missingOf(ids, still));
  },

  async execute(ctx, plan, signal, _children, progress) {
    const { ids } = plan.params;
    const out: RequeueOutcome = { moved: [], skipped: [] };
    const size = batchSize(ids.length);
    let last: readonly string[] = [];
    for (let at = 0; at < ids.length; at += size) {
      const batch = ids.slice(at, at + size);
      // journaled before each batch: after a kill, which jobs moved for sure (every record's lastMoved) and which may have (next)
      await progress?.(progressLine(out, ids.length, batch), { moved: out.moved.length, of: ids.length, skipped: out.skipped.length, lastMoved: last, next: batch });
      const got = await ctx.queues.requeue(plan.params.redis, plan.target.name, batch, signal);
      out.moved.push(...got.moved);
      out.skipped.push(...got.skipped);
      last = got.moved;
    }
    outcomes.set(plan, out);
    const first = out.skipped[0];
    if (out.moved.length === 0) throw new Error(`none of the ${plural(ids.length, 'job')} was requeued${first ? `: ${first.id} ${first.reason}` : ''}`);
    return {
      requestIds: [],
      detail: `requeued ${out.moved.length}/${ids.length}${first ? `; ${out.skipped.length} skipped, e.g. ${first.id}: ${first.reason}` : ''}`,
    };
  },

  async verify(ctx, plan, onProgress, signal) {
    const planned = plan.params.ids;
    const outcome = outcomes.get(plan) ?? { moved: planned, skipped: [] };
    const places = await ctx.queues.places(plan.params.redis, plan.target.name, outcome.moved, signal);
    const count: Record<JobPlace, number> = { waiting: 0, active: 0, delayed: 0, done: 0, failed: 0, gone: 0 };
    for (const id of outcome.moved) count[places[id] ?? 'gone']++;
    const back = outcome.moved.length - count.failed;
    const parts = (['waiting', 'active', 'delayed', 'done', 'gone'] as const).filter((p) => count[p] > 0).map((p) => `${count[p]} ${p}`);
    if (count.failed) parts.push(`${count.failed} failed again`);
    const message = `${plan.target.display}: ${outcome.moved.length}/${planned.length} requeued${parts.length ? ` (${parts.join(', ')})` : ''}`;
    onProgress({ message, fraction: planned.length ? back / planned.length : 1 });
    if (outcome.skipped.length) {
      const s = outcome.skipped[0]!;
      return { ok: false, message: `${outcome.skipped.length} of ${planned.length} were not requeued (${s.id}: ${s.reason}); ${message}` };
    }
    return { ok: true, message };
  },
};
