/**
 * BullMQ's failed set is a zset scored by finishedOn, so ZRANGE from 0 is
 * oldest failure first. Requeue goes through bullmq itself, Job.fromId then
 * job.retry('failed') (the reprocessJob script: ZREM from failed, clear
 * finishedOn / processedOn / failedReason, push back to wait or prioritized,
 * emit "waiting"), so whatever bullmq does on retry happens here too.
 * Delete is job.remove() and pause / resume are Queue#pause / #resume
 * (the meta hash's `paused` field, which workers read before taking a job),
 * through bullmq too. bullmq is loaded only when one of these runs.
 *
 * The job browser reads the job hash as bullmq writes it: name, data, opts
 * (attempts allowed), timestamp, processedOn, finishedOn, failedReason,
 * stacktrace (a JSON array, one entry per failed attempt) and atm (attempts
 * made; attemptsMade before v5).
 */
import { Redis } from 'ioredis';
import { oneLine, errorMessage } from '../../../text/sanitize.js';
import { bullmqKeys } from '../layout.js';
import { epochMs, inSlices, timesOf, values, type ControlContext, type FlavorControl, type JobPlace, type RawJob } from './types.js';

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

const FIELDS = ['name', 'data', 'opts', 'timestamp', 'processedOn', 'finishedOn', 'failedReason', 'stacktrace', 'atm', 'attemptsMade'] as const;

function rawJob(id: string, f: Array<string | null>): RawJob {
  const [name, data, opts, timestamp, processedOn, finishedOn, failedReason, stacktrace, atm, attemptsMade] = f;
  let stack = '';
  try {
    // the newest attempt's trace is the last entry
    const traces = JSON.parse(stacktrace ?? '[]') as unknown;
    if (Array.isArray(traces) && traces.length) stack = String(traces[traces.length - 1]);
  } catch {
    stack = stacktrace ?? '';
  }
  let maxAttempts: number | null = null;
  try {
    const a = (JSON.parse(opts ?? '{}') as { attempts?: unknown }).attempts;
    if (typeof a === 'number') maxAttempts = a;
  } catch {
    // opts unreadable: the limit is unknown
  }
  const made = atm ?? attemptsMade;
  const failedAt = epochMs(finishedOn);
  return {
    id,
    name: name ?? '?',
    failedAt,
    attempts: made !== null && made !== undefined && made !== '' ? Number(made) : null,
    maxAttempts,
    reason: failedReason ?? '',
    stack,
    payload: data ?? '',
    payloadKind: 'data',
    times: timesOf([['created', epochMs(timestamp)], ['started', epochMs(processedOn)], ['failed', failedAt]]),
  };
}

async function readJobs(ctx: ControlContext, ids: readonly string[]): Promise<RawJob[]> {
  if (ids.length === 0) return [];
  const k = bullmqKeys(ctx.q);
  const pipe = ctx.client.pipeline();
  for (const id of ids) pipe.hmget(k.base + id, ...FIELDS);
  const v = values(await pipe.exec()) as Array<Array<string | null>>;
  return ids.map((id, i) => rawJob(id, v[i]!));
}

export const bullmqControl: FlavorControl = {
  async jobs(ctx, limit) {
    const k = bullmqKeys(ctx.q);
    // Queue#getFailed's order: newest finishedOn first
    const [total, ids] = values(await ctx.client.pipeline().zcard(k.failed).zrevrange(k.failed, 0, limit - 1).exec()) as [number, string[]];
    return { total, jobs: await readJobs(ctx, ids) };
  },

  async job(ctx, id) {
    if ((await ctx.client.zscore(bullmqKeys(ctx.q).failed, id)) === null) return undefined;
    return (await readJobs(ctx, [id]))[0];
  },

  async remove(ctx, ids) {
    return withQueue(ctx, async (queue, Job) => {
      const removed: string[] = [];
      const skipped: Array<{ id: string; reason: string }> = [];
      await inSlices(ids, SLICE, ctx.signal, async (slice) => {
        for (const id of slice) {
          try {
            const job = await Job.fromId(queue, id);
            if (!job) skipped.push({ id, reason: 'the job no longer exists' });
            else if (!(await job.isFailed())) skipped.push({ id, reason: 'not in the failed set any more' });
            else {
              await job.remove();
              removed.push(id);
            }
          } catch (err) {
            skipped.push({ id, reason: errorMessage(err) });
          }
        }
        return [];
      });
      return { removed, skipped };
    });
  },

  pause: {
    paused: (ctx) => withQueue(ctx, (queue) => queue.isPaused()),
    set: (ctx, paused) => withQueue(ctx, (queue) => (paused ? queue.pause() : queue.resume())),
  },

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
