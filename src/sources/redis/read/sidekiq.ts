/**
 * Sidekiq (lib/sidekiq/api.rb, client.rb, launcher.rb): the client LPUSHes
 * job JSON onto `queue:<name>` and processors BRPOP from the right, so the
 * longest-waiting job is at index -1 (Sidekiq::Queue#latency reads the same
 * one). Its `enqueued_at` is epoch milliseconds since Sidekiq 8 and float
 * seconds before. `retry`, `dead` and `schedule` are sorted sets shared by
 * every queue; in-flight jobs are the `<identity>:work` hashes (Sidekiq 7
 * on; `<identity>:workers` in 6) of the live `processes`. Failed here is
 * retry + dead: both are jobs that failed, and both are what "Retry now"
 * acts on. `states` holds each on its own, per queue: enqueued
 * (Queue#size), busy (the WorkSet entries of the queue), scheduled, retry
 * and dead (the entries of ScheduledSet, RetrySet, DeadSet naming the queue). Sidekiq keeps no per-queue counters of
 * jobs added or done, so drain comes from the depth.
 */
import type { QueueConfig } from '../layout.js';
import { sidekiqKeys, sidekiqNamespace } from '../layout.js';
import { SIDEKIQ_SUMMARY, runScript } from '../scripts.js';
import { Replies, type Figures, type ReadQueues, type Reply } from '../replies.js';

/** Sidekiq's timestamps: integer ms (8.x) or float seconds (older). */
export function sidekiqTime(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  return value < 1e11 ? Math.round(value * 1000) : value;
}

function sidekiqEnqueuedAt(json: unknown): number | null {
  if (typeof json !== 'string') return null;
  try {
    const job = JSON.parse(json) as { enqueued_at?: unknown; created_at?: unknown };
    return sidekiqTime(job.enqueued_at ?? job.created_at);
  } catch {
    return null;
  }
}

const DEFAULT_SIDEKIQ_SCAN_CAP = 20_000;

export function makeReadSidekiq(scanCap = DEFAULT_SIDEKIQ_SCAN_CAP): ReadQueues {
  return (pipe, queues) => {
    // one summary per namespace: the sets it scans are shared by the namespace's queues
    const byNs = new Map<string, QueueConfig[]>();
    for (const q of queues) byNs.set(sidekiqNamespace(q), [...(byNs.get(sidekiqNamespace(q)) ?? []), q]);
    const base = pipe.length;
    const groups = [...byNs].map(([ns, qs]) => {
      const k = sidekiqKeys(ns);
      const from = pipe.length - base;
      runScript(pipe, SIDEKIQ_SUMMARY, [k.retry, k.dead, k.schedule, k.processes], [ns, scanCap, ...qs.map((q) => q.name)]);
      for (const q of qs) pipe.llen(k.queue(q.name)).lindex(k.queue(q.name), -1);
      return { qs, from, to: pipe.length - base };
    });
    return (replies: Reply[]) => {
      const out = new Map<QueueConfig, Figures | Error>();
      for (const g of groups) {
        const r = new Replies(replies.slice(g.from, g.to));
        let summary: number[][];
        try {
          summary = r.next() as number[][];
        } catch (err) {
          for (const q of g.qs) out.set(q, err as Error);
          continue;
        }
        g.qs.forEach((q, i) => {
          try {
            const waiting = r.int();
            const head = r.next();
            const [retry, dead, schedule, busy] = summary.map((col) => Number(col[i] ?? 0)) as [number, number, number, number];
            out.set(q, {
              waiting,
              active: busy,
              delayed: schedule,
              failed: retry + dead,
              states: { enqueued: waiting, busy, scheduled: schedule, retry, dead },
              oldestSince: waiting > 0 ? sidekiqEnqueuedAt(head) : null,
              queued: waiting + schedule,
            });
          } catch (err) {
            out.set(q, err as Error);
          }
        });
      }
      return queues.map((q) => out.get(q) ?? new Error('not read'));
    };
  };
}
