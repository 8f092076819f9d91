/**
 * RQ's FailedJobRegistry.requeue (rq/registry.py, 1.13), step by step:
 * Job.fetch (NoSuchJobError when the hash is gone); ZREM the id from the
 * failed registry (InvalidJobOperation when it was not there); clear
 * started_at, ended_at and exc_info and save; then Queue(job.origin)
 * .enqueue_job: SADD rq:queues, status "queued", enqueued_at = now, cleanup
 * (EXPIRE when the job has a ttl), RPUSH the id onto rq:queue:<origin>.
 * Here the same steps run as one Lua script per job, so a job is either
 * fully requeued or untouched. Keys built inside the script (the origin's
 * queue) are RQ's own fixed names; RQ does not run on Redis Cluster either.
 *
 * Delete is FailedJobRegistry.remove(job, delete_job=True): ZREM from the
 * registry, then Job.delete: the job hash, its dependents and dependencies
 * sets and its results stream. RQ has no queue pause (a worker is stopped
 * instead), so this control has none.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { oneLine } from '../../../text/sanitize.js';
import { RQ_JOB_PREFIX, RQ_QUEUES_SET, rqKeys } from '../layout.js';
import { parseRqTime } from '../read/rq.js';
import { inSlices, lastLine, timesOf, values, type ControlContext, type FlavorControl, type JobPlace, type RawJob } from './types.js';

const REQUEUE = `
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
local origin = redis.call('HGET', KEYS[2], 'origin') or ARGV[4]
redis.call('HSET', KEYS[2], 'started_at', '', 'ended_at', '', 'exc_info', ARGV[3], 'status', 'queued', 'origin', origin, 'enqueued_at', ARGV[2])
local queue = 'rq:queue:' .. origin
redis.call('SADD', KEYS[3], queue)
local ttl = tonumber(redis.call('HGET', KEYS[2], 'ttl'))
if ttl and ttl > 0 then
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('EXPIRE', KEYS[2] .. ':dependents', ttl)
  redis.call('EXPIRE', KEYS[2] .. ':dependencies', ttl)
end
redis.call('RPUSH', queue, ARGV[1])
return 1`;

// Job.save writes exc_info as zlib.compress(str(self._exc_info)); requeue sets it to ''.
const EMPTY_EXC = deflateSync(Buffer.alloc(0));

/** RQ's utcformat: "%Y-%m-%dT%H:%M:%S.%fZ" (microseconds). */
function rqTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function defineRequeue(client: Redis): void {
  if (!('opsdeckRqRequeue' in client)) client.defineCommand('opsdeckRqRequeue', { numberOfKeys: 3, lua: REQUEUE });
}

/** Ids in the failed registry that RQ still counts: score -1 (never expires) or an expiry after now. */
async function liveFailed(ctx: ControlContext, limit: number): Promise<{ total: number; ids: string[] }> {
  const k = rqKeys(ctx.q);
  const nowSec = ctx.now() / 1000;
  const [card, expired] = values(await ctx.client.pipeline().zcard(k.failed).zcount(k.failed, 0, nowSec.toFixed(3)).exec()) as [number, number];
  const ids: string[] = [];
  for (let offset = 0; ids.length < limit; offset += 1000) {
    const batch = await ctx.client.zrange(k.failed, offset, offset + 999, 'WITHSCORES');
    if (batch.length === 0) break;
    for (let i = 0; i < batch.length && ids.length < limit; i += 2) {
      const score = Number(batch[i + 1]);
      if (score < 0 || score > nowSec) ids.push(batch[i]!);
    }
  }
  return { total: card - expired, ids };
}

function excText(raw: Buffer | null): string {
  if (!raw || raw.length === 0) return '';
  try {
    return inflateSync(raw).toString('utf8');
  } catch {
    return raw.toString('utf8');
  }
}

const REMOVE = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('DEL', KEYS[2], KEYS[2] .. ':dependents', KEYS[2] .. ':dependencies', 'rq:results:' .. ARGV[1])
return 1`;

function defineRemove(client: Redis): void {
  if (!('opsdeckRqRemove' in client)) client.defineCommand('opsdeckRqRemove', { numberOfKeys: 2, lua: REMOVE });
}

/** The exception text of each job: exc_info on the hash, or (RQ 1.12+) the newest entry of its results stream, base64 of zlib. */
async function exceptions(ctx: ControlContext, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const pipe = ctx.client.pipeline();
  for (const id of ids) {
    pipe.hgetBuffer(RQ_JOB_PREFIX + id, 'exc_info');
    pipe.xrevrange(`rq:results:${id}`, '+', '-', 'COUNT', 1);
  }
  const v = values(await pipe.exec());
  return ids.map((_, i) => {
    const [exc, results] = v.slice(i * 2, i * 2 + 2) as [Buffer | null, Array<[string, string[]]>];
    const error = excText(exc);
    if (error) return error;
    const fields = results?.[0]?.[1] ?? [];
    const at = fields.indexOf('exc_string');
    return at >= 0 && fields[at + 1] ? excText(Buffer.from(fields[at + 1]!, 'base64')) : '';
  });
}

const rqMs = (v: string | null | undefined) => (v ? parseRqTime(v) : null);

async function readJobs(ctx: ControlContext, ids: readonly string[]): Promise<RawJob[]> {
  if (ids.length === 0) return [];
  const pipe = ctx.client.pipeline();
  for (const id of ids) pipe.hmget(RQ_JOB_PREFIX + id, 'description', 'created_at', 'enqueued_at', 'started_at', 'ended_at');
  const fields = values(await pipe.exec()) as Array<Array<string | null>>;
  const excs = await exceptions(ctx, ids);
  return ids.map((id, i) => {
    const [description, created, enqueued, started, ended] = fields[i]!;
    const exc = excs[i] ?? '';
    const failedAt = rqMs(ended);
    return {
      id,
      // the pickled data holds the function; its description starts with it
      name: description?.replace(/\(.*$/s, '') || '?',
      failedAt,
      // RQ counts retries left (with Retry), not attempts made
      attempts: null,
      maxAttempts: null,
      reason: lastLine(exc),
      stack: exc,
      payload: description ?? '',
      payloadKind: 'call (RQ pickles the arguments; this is the job description)',
      times: timesOf([['created', rqMs(created)], ['enqueued', rqMs(enqueued)], ['started', rqMs(started)], ['failed', failedAt]]),
    };
  });
}

export const rqControl: FlavorControl = {
  async jobs(ctx, limit) {
    const k = rqKeys(ctx.q);
    const nowSec = ctx.now() / 1000;
    // the registry scores by expiry (failure time + failure_ttl): newest failure first is highest score; -1 never expires
    const [card, expired, recent, forever] = values(
      await ctx.client.pipeline().zcard(k.failed).zcount(k.failed, 0, nowSec.toFixed(3)).zrevrangebyscore(k.failed, '+inf', `(${nowSec.toFixed(3)}`, 'LIMIT', 0, limit).zrangebyscore(k.failed, '-inf', '(0', 'LIMIT', 0, limit).exec(),
    ) as [number, number, string[], string[]];
    const ids = [...recent, ...forever].slice(0, limit);
    const jobs = await readJobs(ctx, ids);
    // by the failure time RQ wrote, where it did
    jobs.sort((a, b) => (b.failedAt ?? 0) - (a.failedAt ?? 0));
    return { total: card - expired, jobs };
  },

  async job(ctx, id) {
    if ((await rqControl.stillDead(ctx, [id])).length === 0) return undefined;
    return (await readJobs(ctx, [id]))[0];
  },

  async remove(ctx, ids) {
    defineRemove(ctx.client);
    const k = rqKeys(ctx.q);
    const removed: string[] = [];
    const skipped: Array<{ id: string; reason: string }> = [];
    await inSlices(ids, 200, ctx.signal, async (slice) => {
      const pipe = ctx.client.pipeline();
      for (const id of slice) (pipe as unknown as Record<string, (...a: unknown[]) => void>).opsdeckRqRemove!(k.failed, RQ_JOB_PREFIX + id, id);
      const v = values(await pipe.exec());
      slice.forEach((id, i) => (v[i] === 1 ? removed.push(id) : skipped.push({ id, reason: 'not in the failed registry any more' })));
      return [];
    });
    return { removed, skipped };
  },

  async deadJobs(ctx, limit, detail) {
    const { total, ids } = await liveFailed(ctx, limit);
    const shownIds = ids.slice(0, detail);
    const pipe = ctx.client.pipeline();
    for (const id of shownIds) pipe.hget(RQ_JOB_PREFIX + id, 'description');
    const descriptions = shownIds.length ? (values(await pipe.exec()) as Array<string | null>) : [];
    const errors = await exceptions(ctx, shownIds);
    const shown = shownIds.map((id, i) => {
      const error = errors[i];
      return { id, label: oneLine(`${descriptions[i] ?? '?'}${error ? `: ${lastLine(error)}` : ''}`, 100) };
    });
    return { total, ids, shown };
  },

  async stillDead(ctx, ids) {
    const k = rqKeys(ctx.q);
    const nowSec = ctx.now() / 1000;
    return inSlices(ids, 1000, ctx.signal, async (slice) => {
      const pipe = ctx.client.pipeline();
      for (const id of slice) pipe.zscore(k.failed, id);
      const scores = values(await pipe.exec());
      return slice.filter((_, i) => scores[i] !== null && (Number(scores[i]) < 0 || Number(scores[i]) > nowSec));
    });
  },

  async requeue(ctx, ids) {
    defineRequeue(ctx.client);
    const k = rqKeys(ctx.q);
    const moved: string[] = [];
    const skipped: Array<{ id: string; reason: string }> = [];
    await inSlices(ids, 200, ctx.signal, async (slice) => {
      const pipe = ctx.client.pipeline();
      const enqueuedAt = rqTime(ctx.now());
      for (const id of slice) (pipe as unknown as Record<string, (...a: unknown[]) => void>).opsdeckRqRequeue!(k.failed, RQ_JOB_PREFIX + id, RQ_QUEUES_SET, id, enqueuedAt, EMPTY_EXC, ctx.q.name);
      const v = values(await pipe.exec());
      slice.forEach((id, i) => {
        if (v[i] === 1) moved.push(id);
        else skipped.push({ id, reason: v[i] === -1 ? 'the job no longer exists' : 'not in the failed registry any more' });
      });
      return [];
    });
    return { moved, skipped };
  },

  async places(ctx, ids) {
    const out: Record<string, JobPlace> = {};
    await inSlices(ids, 1000, ctx.signal, async (slice) => {
      const pipe = ctx.client.pipeline();
      for (const id of slice) pipe.hget(RQ_JOB_PREFIX + id, 'status');
      const v = values(await pipe.exec()) as Array<string | null>;
      slice.forEach((id, i) => {
        const s = v[i];
        out[id] =
          s === null ? 'gone' : s === 'queued' ? 'waiting' : s === 'started' ? 'active' : s === 'finished' ? 'done' : s === 'failed' ? 'failed' : s === 'scheduled' || s === 'deferred' ? 'delayed' : 'gone';
      });
      return [];
    });
    return out;
  },
};
