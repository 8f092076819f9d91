/**
 * BullMQ's failed set is a zset scored by finishedOn, so ZRANGE from 0 is
 * oldest failure first. Requeue goes through bullmq itself, Job.fromId then
 * job.retry('failed') (the reprocessJob script: ZREM from failed, clear
 * finishedOn / processedOn / failedReason, push back to wait or prioritized,
 * emit "waiting"), so whatever bullmq does on retry happens here too.
 * bullmq is loaded only when a requeue runs.
 */
import { Redis } from 'ioredis';
import { oneLine, errorMessage } from '../../../text/sanitize.js';
import { bullmqKeys } from '../layout.js';
import { inSlices, values, type ControlContext, type FlavorControl, type JobPlace } from './types.js';

const SLICE = 50;

async function withQueue<T>(ctx: ControlContext, work: (queue: import('bullmq').Queue, Job: typeof import('bullmq').Job) => Promise<T>): Promise<T> {
  const { Queue, Job } = await import('bullmq');
  // bullmq's own connection: it defines its scripts on it, and must not share our fail-fast settings
  const connection = new Redis(ctx.url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 1, retryStrategy: () => null, connectionName: 'opsdeck-requeue' });
  connection.on('error', () => undefined);
  await connection.connect();
  const queue = new Queue(ctx.q.name, { connection, prefix: ctx.q.prefix ?? 'bull' });
  queue.on('error', () => undefined);
  try {
    return await work(queue, Job);
  } finally {
    await queue.close().catch(() => undefined);
    connection.disconnect();
  }
}

export const bullmqControl: FlavorControl = {
  async deadJobs(ctx, limit, detail) {
    const k = bullmqKeys(ctx.q);
    const [total, ids] = values(await ctx.client.pipeline().zcard(k.failed).zrange(k.failed, 0, limit - 1).exec()) as [number, string[]];
    const shownIds = ids.slice(0, detail);
    const pipe = ctx.client.pipeline();
    for (const id of shownIds) pipe.hmget(k.base + id, 'name', 'failedReason');
    const fields = shownIds.length ? (values(await pipe.exec()) as Array<[string | null, string | null]>) : [];
    return {
      total,
      ids,
      shown: shownIds.map((id, i) => ({ id, label: oneLine(`${fields[i]?.[0] ?? '?'}: ${fields[i]?.[1] ?? 'no reason recorded'}`, 100) })),
    };
  },

  async stillDead(ctx, ids) {
    const k = bullmqKeys(ctx.q);
    return inSlices(ids, 1000, ctx.signal, async (slice) => {
      const pipe = ctx.client.pipeline();
      for (const id of slice) pipe.zscore(k.failed, id);
      const scores = values(await pipe.exec());
      return slice.filter((_, i) => scores[i] !== null);
    });
  },

  async requeue(ctx, ids) {
    return withQueue(ctx, async (queue, Job) => {
      const results = await inSlices(ids, SLICE, ctx.signal, (slice) =>
        Promise.all(
          slice.map(async (id): Promise<{ id: string; reason?: string }> => {
            try {
              const job = await Job.fromId(queue, id);
              if (!job) return { id, reason: 'the job no longer exists' };
              await job.retry('failed');
              return { id };
            } catch (err) {
              return { id, reason: errorMessage(err) };
            }
          }),
        ),
      );
      return {
        moved: results.filter((r) => r.reason === undefined).map((r) => r.id),
        skipped: results.filter((r) => r.reason !== undefined).map((r) => ({ id: r.id, reason: r.reason! })),
      };
    });
  },

  async places(ctx, ids) {
    const k = bullmqKeys(ctx.q);
    const out: Record<string, JobPlace> = {};
    await inSlices(ids, 500, ctx.signal, async (slice) => {
      const pipe = ctx.client.pipeline();
      for (const id of slice) {
        pipe.zscore(k.failed, id).zscore(k.completed, id).zscore(k.delayed, id).zscore(k.prioritized, id).exists(k.base + id).hmget(k.base + id, 'processedOn', 'finishedOn');
      }
      const v = values(await pipe.exec());
      slice.forEach((id, i) => {
        const [failed, completed, delayed, prioritized, exists, times] = v.slice(i * 6, i * 6 + 6) as [unknown, unknown, unknown, unknown, number, [string | null, string | null]];
        // processedOn is set when a worker takes the job and cleared again by retry
        out[id] =
          failed !== null ? 'failed' : completed !== null ? 'done' : delayed !== null ? 'delayed' : prioritized !== null ? 'waiting' : exists === 0 ? 'gone' : times[0] && !times[1] ? 'active' : 'waiting';
      });
      return [];
    });
    return out;
  },
};
