/**
 * Sidekiq's documented Redis layout, written the way Sidekiq 8 writes it
 * (lib/sidekiq/client.rb atomic_push, job_retry.rb, launcher.rb), for tests
 * that need a layout no installed Sidekiq writes (8's ms timestamps, a
 * namespace, 7's `:work`); test/conformance drives Debian's real Sidekiq 6.
 * `ns` is a redis-namespace.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface SidekiqJob {
  class: string;
  args: unknown[];
  queue: string;
  jid: string;
  retry: boolean | number;
  created_at: number;
  enqueued_at?: number;
  retry_count?: number;
  error_message?: string;
  error_class?: string;
  failed_at?: number;
  retried_at?: number;
}

export const jid = () => randomBytes(12).toString('hex');

export function job(queue: string, over: Partial<SidekiqJob> = {}): SidekiqJob {
  const now = Date.now();
  return { retry: true, queue, class: 'HardWorker', args: [1, 'bob'], jid: jid(), created_at: now, ...over };
}

/** Client#push: SADD queues, LPUSH queue:<name> with enqueued_at in ms. */
export async function push(redis: Redis, ns: string, j: SidekiqJob, enqueuedAt = Date.now()): Promise<SidekiqJob> {
  const entry = { ...j, enqueued_at: enqueuedAt };
  await redis.sadd(`${ns}queues`, j.queue);
  await redis.lpush(`${ns}queue:${j.queue}`, JSON.stringify(entry));
  return entry;
}

/** JobRetry: a failed job waits in `retry`, scored by when it runs next (float seconds). */
export async function failToRetry(redis: Redis, ns: string, j: SidekiqJob, retryAt = Date.now() / 1000 + 60): Promise<SidekiqJob> {
  const failed = { ...j, error_message: 'boom', error_class: 'RuntimeError', failed_at: Date.now() - 1000, retry_count: 0 };
  await redis.zadd(`${ns}retry`, String(retryAt), JSON.stringify(failed));
  return failed;
}

/** DeadSet#kill: out of retries, scored by when it died. */
export async function kill(redis: Redis, ns: string, j: SidekiqJob, at = Date.now() / 1000): Promise<SidekiqJob> {
  const dead = { ...j, error_message: 'boom', error_class: 'RuntimeError', failed_at: Date.now() - 60_000, retried_at: Date.now() - 1000, retry_count: 25 };
  await redis.zadd(`${ns}dead`, String(at), JSON.stringify(dead));
  return dead;
}

export async function schedule(redis: Redis, ns: string, j: SidekiqJob, at = Date.now() / 1000 + 600): Promise<void> {
  await redis.zadd(`${ns}schedule`, String(at), JSON.stringify(j));
}

/**
 * A live process (its identity hash beats) working on `jobs`, one thread each,
 * in `<identity>:work` as Sidekiq 7 on writes it, or `<identity>:workers` as Sidekiq 6 did.
 */
export async function processWorking(redis: Redis, ns: string, identity: string, jobs: SidekiqJob[], alive = true, workKey: 'work' | 'workers' = 'work'): Promise<void> {
  await redis.sadd(`${ns}processes`, identity);
  if (alive) await redis.hset(`${ns}${identity}`, 'info', JSON.stringify({ hostname: 'test', pid: 1 }), 'busy', String(jobs.length), 'beat', String(Date.now() / 1000));
  if (jobs.length) {
    const fields = jobs.flatMap((j, i) => [`tid-${i}`, JSON.stringify({ queue: j.queue, payload: JSON.stringify(j), run_at: Math.floor(Date.now() / 1000) })]);
    await redis.hset(`${ns}${identity}:${workKey}`, ...fields);
  }
}
