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

/**
 * A failed / dead job as read from the library's own layout, raw: its texts
 * come from outside and go through src/actions/queues/jobText.ts before
 * anyone sees them.
 */
export interface RawJob {
  id: string;
  name: string;
  /** Sidekiq: "retry" or "dead" */
  set?: string;
  failedAt: number | null;
  attempts: number | null;
  maxAttempts: number | null;
  reason: string;
  stack: string;
  payload: string;
  /** what the payload is in this library */
  payloadKind: string;
  times: Array<{ label: string; at: number }>;
}

export interface RawJobs {
  total: number;
  /** newest failure first */
  jobs: RawJob[];
}

export interface RemoveOutcome {
  removed: string[];
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
  /** the newest `limit` failed / dead jobs, newest failure first */
  jobs(ctx: ControlContext, limit: number): Promise<RawJobs>;
  /** one job of the failed / dead set; undefined when it is not there */
  job(ctx: ControlContext, id: string): Promise<RawJob | undefined>;
  /** deletes exactly `ids` from the failed / dead set (and the job's record, where the library keeps one) */
  remove(ctx: ControlContext, ids: readonly string[]): Promise<RemoveOutcome>;
  /** the library's own pause, where it has one */
  pause?: { paused(ctx: ControlContext): Promise<boolean>; set(ctx: ControlContext, paused: boolean): Promise<void> };
}

/** Epoch ms from a number or numeric string in ms, or in seconds when it is plainly seconds (before 1e11). */
export function epochMs(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
}

/** The named times that are known, in the order they happened. */
export function timesOf(entries: Array<[string, number | null]>): Array<{ label: string; at: number }> {
  return entries.filter((e): e is [string, number] => e[1] !== null).map(([label, at]) => ({ label, at })).sort((a, b) => a.at - b.at);
}

/** The last non-empty line: a Python traceback's exception, a message's end. */
export function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim() !== '').pop() ?? '';
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
