/**
 * QueueControl: the calls the requeue action makes. Reads here are fresh,
 * straight from Redis (not the panel's snapshot), and `requeue` moves exactly
 * the ids it is given, each with its library's own semantics:
 *
 *  - BullMQ: Job.fromId + job.retry('failed') through bullmq's own Queue;
 *  - RQ: what FailedJobRegistry.requeue does, as one Lua script per job;
 *  - Sidekiq: what "Retry now" does (SortedEntry#retry) for retry and dead entries;
 *  - plain list / zset: from the dead-letter key back to the queue key.
 *
 * The job browser's reads (`jobs`, `job`), the delete of chosen jobs and a
 * queue's pause live here too, each flavour doing what its library does
 * (see control/*.ts); only BullMQ has a pause.
 */
import { noPauseReason, type QueueFlavor } from '../../model/queues.js';
import { checkRedisUrl, RedisLink, type LinkOptions } from './connection.js';
import type { RedisConfig } from './index.js';
import type { QueueConfig } from './layout.js';
import { bullmqControl } from './control/bullmq.js';
import { rqControl } from './control/rq.js';
import { sidekiqControl } from './control/sidekiq.js';
import { plainControl } from './control/plain.js';
import type { FlavorControl } from './control/types.js';

export type { DeadJob, DeadJobs, JobPlace, RawJob, RawJobs, RemoveOutcome, RequeueOutcome } from './control/types.js';
import type { DeadJobs, JobPlace, RawJob, RawJobs, RemoveOutcome, RequeueOutcome } from './control/types.js';

export interface QueueControl {
  /** the queue's flavour, or undefined when the environment has no such queue */
  flavorOf(redis: string, queue: string): QueueFlavor | undefined;
  /** the queue's failed / dead jobs, oldest failure first: how many, the first `limit` ids, labels for the first `detail` */
  deadJobs(redis: string, queue: string, opts: { limit: number; detail: number }, signal: AbortSignal): Promise<DeadJobs>;
  /** those of `ids` still failed now (a repeated id counts once per entry) */
  stillDead(redis: string, queue: string, ids: readonly string[], signal: AbortSignal): Promise<string[]>;
  /** moves exactly `ids` back to the queue; nothing else is touched */
  requeue(redis: string, queue: string, ids: readonly string[], signal: AbortSignal): Promise<RequeueOutcome>;
  /** where each of `ids` is now */
  places(redis: string, queue: string, ids: readonly string[], signal: AbortSignal): Promise<Record<string, JobPlace>>;
  /** the newest `limit` failed / dead jobs, newest failure first, raw (src/actions/queues/jobText.ts makes them fit to show) */
  jobs(redis: string, queue: string, limit: number, signal: AbortSignal): Promise<RawJobs>;
  /** one failed / dead job; undefined when it is not in the failed / dead set */
  job(redis: string, queue: string, id: string, signal: AbortSignal): Promise<RawJob | undefined>;
  /** deletes exactly `ids` from the failed / dead set */
  remove(redis: string, queue: string, ids: readonly string[], signal: AbortSignal): Promise<RemoveOutcome>;
  /** whether the queue's library has a pause (BullMQ does; RQ and Sidekiq do not) */
  canPause(redis: string, queue: string): boolean;
  paused(redis: string, queue: string, signal: AbortSignal): Promise<boolean>;
  setPaused(redis: string, queue: string, paused: boolean, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

const FLAVORS: Record<QueueFlavor, FlavorControl | undefined> = {
  bullmq: bullmqControl,
  rq: rqControl,
  sidekiq: sidekiqControl,
  list: plainControl,
  zset: plainControl,
  stream: undefined,
};

class UnsupportedQueueError extends Error {
  override readonly name = 'UnsupportedQueueError';
}

interface RedisQueueControlOptions extends LinkOptions {
  now?: () => number;
}

export function createRedisQueueControl(configs: readonly RedisConfig[], opts: RedisQueueControlOptions = {}): QueueControl {
  const links = new Map<string, RedisLink>();
  const now = opts.now ?? Date.now;

  const find = (redis: string, queue: string): { cfg: RedisConfig; q: QueueConfig } => {
    const cfg = configs.find((c) => c.name === redis);
    if (!cfg) throw new Error(`no Redis named "${redis}" in this environment (known: ${configs.map((c) => c.name).join(', ') || 'none'})`);
    const q = cfg.queues.find((x) => x.name === queue);
    if (!q) throw new Error(`no queue "${queue}" under Redis ${redis} (known: ${cfg.queues.map((x) => x.name).join(', ') || 'none'})`);
    return { cfg, q };
  };

  const open = async (redis: string, queue: string, signal: AbortSignal) => {
    const { cfg, q } = find(redis, queue);
    const control = FLAVORS[q.flavor];
    if (!control) throw new UnsupportedQueueError(`requeue is not supported for ${q.flavor} queues: a stream keeps its entries, there is no dead set to move back from`);
    const bad = checkRedisUrl(cfg.url);
    if (bad) throw new Error(`Redis ${cfg.name}: ${bad}`);
    let link = links.get(cfg.name);
    if (!link) links.set(cfg.name, (link = new RedisLink(cfg.name, cfg.url, opts)));
    const client = await link.ready(signal);
    return { control, ctx: { client, url: cfg.url, q, now, signal, explain: (e: unknown) => link.explain(e) } };
  };

  return {
    flavorOf(redis, queue) {
      return configs.find((c) => c.name === redis)?.queues.find((x) => x.name === queue)?.flavor;
    },
    async deadJobs(redis, queue, o, signal) {
      const { control, ctx } = await open(redis, queue, signal);
      return control.deadJobs(ctx, o.limit, o.detail);
    },
    async stillDead(redis, queue, ids, signal) {
      const { control, ctx } = await open(redis, queue, signal);
      return control.stillDead(ctx, ids);
    },
    async requeue(redis, queue, ids, signal) {
      const { control, ctx } = await open(redis, queue, signal);
      return control.requeue(ctx, ids);
    },
    async places(redis, queue, ids, signal) {
      const { control, ctx } = await open(redis, queue, signal);
      return control.places(ctx, ids);
    },
    async jobs(redis, queue, limit, signal) {
      const { control, ctx } = await open(redis, queue, signal);
      return control.jobs(ctx, limit);
    },
    async job(redis, queue, id, signal) {
      const { control, ctx } = await open(redis, queue, signal);
      return control.job(ctx, id);
    },
    async remove(redis, queue, ids, signal) {
      const { control, ctx } = await open(redis, queue, signal);
      return control.remove(ctx, ids);
    },
    canPause(redis, queue) {
      const flavor = configs.find((c) => c.name === redis)?.queues.find((x) => x.name === queue)?.flavor;
      return flavor !== undefined && FLAVORS[flavor]?.pause !== undefined;
    },
    async paused(redis, queue, signal) {
      const { control, ctx } = await open(redis, queue, signal);
      if (!control.pause) throw new UnsupportedQueueError(noPauseReason(ctx.q.flavor) ?? 'no pause');
      return control.pause.paused(ctx);
    },
    async setPaused(redis, queue, paused, signal) {
      const { control, ctx } = await open(redis, queue, signal);
      if (!control.pause) throw new UnsupportedQueueError(noPauseReason(ctx.q.flavor) ?? 'no pause');
      await control.pause.set(ctx, paused);
    },
    async close() {
      await Promise.all([...links.values()].map((l) => l.close()));
      links.clear();
    },
  };
}
