/** What each flavour's control implements, and the shapes the QueueControl port returns. */
import type { Redis } from 'ioredis';
import type { QueueConfig } from '../layout.js';

export interface DeadJob {
  id: string;
  /** one sanitised line: the job's name or class and why it failed */
  label: string;
}

export interface DeadJobs {
  /** every failed / dead job of the queue now */
  total: number;
  /** the first `limit`, oldest failure first */
  ids: string[];
  /** labels for the first `detail` of them */
  shown: DeadJob[];
}

/**
 * Where a job is: waiting, active, delayed; done (finished, or no trace left
 * where the library keeps none of finished jobs); failed (again); gone (its
 * record was deleted).
 */
export type JobPlace = 'waiting' | 'active' | 'delayed' | 'done' | 'failed' | 'gone';

export interface RequeueOutcome {
  moved: string[];
  skipped: Array<{ id: string; reason: string }>;
}

export interface ControlContext {
  client: Redis;
  url: string;
  q: QueueConfig;
  now(): number;
  signal: AbortSignal;
  explain(err: unknown): string;
}

export interface FlavorControl {
  deadJobs(ctx: ControlContext, limit: number, detail: number): Promise<DeadJobs>;
  stillDead(ctx: ControlContext, ids: readonly string[]): Promise<string[]>;
  requeue(ctx: ControlContext, ids: readonly string[]): Promise<RequeueOutcome>;
  places(ctx: ControlContext, ids: readonly string[]): Promise<Record<string, JobPlace>>;
}

/** Runs `work` over `items` in slices, checking the signal between slices. */
export async function inSlices<T, R>(items: readonly T[], size: number, signal: AbortSignal, work: (slice: readonly T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    if (signal.aborted) throw signal.reason;
    out.push(...(await work(items.slice(i, i + size))));
  }
  return out;
}

/** Replies of a pipeline; a failed command throws. */
export function values(replies: Array<[Error | null, unknown]> | null): unknown[] {
  if (!replies) throw new Error('the Redis transaction was aborted');
  return replies.map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}
