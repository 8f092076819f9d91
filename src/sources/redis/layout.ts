/**
 * Where each queue library keeps its data in Redis. Names come from the
 * libraries themselves:
 *  - BullMQ (node_modules/bullmq, queue-keys.js and the Lua scripts): `<prefix>:<queue>:<state>`
 *    with the job hash at `<prefix>:<queue>:<id>`;
 *  - RQ 1.x (rq/queue.py, job.py, registry.py): `rq:queue:<name>` list of ids,
 *    `rq:job:<id>` hashes, registries `rq:wip|failed|deferred|scheduled|finished|canceled:<name>`;
 *  - Sidekiq (lib/sidekiq/api.rb, client.rb): `queue:<name>` lists of job JSON,
 *    global `retry`, `dead` and `schedule` sorted sets, `processes`, and each
 *    process's busy threads in `<identity>:work` (Sidekiq 7 on) or `<identity>:workers` (6).
 *    `prefix`, when set, is the redis-namespace of the app (`<ns>:queue:<name>`).
 */
import type { z } from 'zod';
import type { queueSchema } from '../../config/schema.js';

export type QueueConfig = z.infer<typeof queueSchema>;

export function bullmqKeys(q: QueueConfig) {
  const base = `${q.prefix ?? 'bull'}:${q.name}:`;
  return {
    /** jobs live at base + id */
    base,
    wait: base + 'wait',
    paused: base + 'paused',
    prioritized: base + 'prioritized',
    active: base + 'active',
    delayed: base + 'delayed',
    failed: base + 'failed',
    completed: base + 'completed',
    waitingChildren: base + 'waiting-children',
    meta: base + 'meta',
    id: base + 'id',
    metricsCompleted: base + 'metrics:completed',
    metricsFailed: base + 'metrics:failed',
  };
}

export const RQ_JOB_PREFIX = 'rq:job:';
export const RQ_QUEUES_SET = 'rq:queues';

export function rqKeys(q: QueueConfig) {
  return {
    queue: `rq:queue:${q.name}`,
    started: `rq:wip:${q.name}`,
    // Some tools and very old RQ releases name the started registry this way; reading it costs nothing.
    startedLegacy: `rq:started:${q.name}`,
    failed: `rq:failed:${q.name}`,
    deferred: `rq:deferred:${q.name}`,
    scheduled: `rq:scheduled:${q.name}`,
    finished: `rq:finished:${q.name}`,
    canceled: `rq:canceled:${q.name}`,
  };
}

export function sidekiqNamespace(q: QueueConfig): string {
  return q.prefix ? `${q.prefix}:` : '';
}

export function sidekiqKeys(ns: string) {
  return {
    queues: `${ns}queues`,
    queue: (name: string) => `${ns}queue:${name}`,
    retry: `${ns}retry`,
    dead: `${ns}dead`,
    schedule: `${ns}schedule`,
    processes: `${ns}processes`,
  };
}

/** The key of a plain list, zset or stream queue: `key`, else the queue's name. */
export function plainKey(q: QueueConfig): string {
  return q.key ?? q.name;
}
