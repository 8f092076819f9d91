/**
 * What a flavour reader hands back, and the plumbing that lets each reader
 * queue its commands on the shared pipeline and later take exactly its own
 * replies. A command that failed (WRONGTYPE: the config names the wrong
 * flavour) fails only the queue it belongs to.
 */
import type { ChainableCommander } from 'ioredis';
import type { QueueStates } from '../../model/queues.js';
import type { QueueConfig } from './layout.js';

/** One queue's figures as read; the source adds drain and ages. */
export interface Figures {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed?: number;
  /** the library holds the queue paused; undefined where the library has no pause */
  paused?: boolean;
  /** every state the library's own API counts, by the library's names */
  states?: QueueStates;
  /** epoch ms since which the oldest waiting job has been ready; null when none or unknown */
  oldestSince: number | null;
  /** jobs not yet picked up, wherever they wait (what an arrivals counter feeds) */
  queued: number;
  /** monotonic count of jobs ever added, when the library keeps one */
  arrived?: number;
  /** monotonic count of jobs taken or finished, when the library keeps one */
  departed?: number;
}

export type Reply = [Error | null, unknown];

export class Replies {
  private i = 0;
  constructor(private readonly replies: Reply[]) {}

  next(): unknown {
    const r = this.replies[this.i++];
    if (!r) throw new Error('fewer replies than commands');
    if (r[0]) throw r[0];
    return r[1];
  }

  int(): number {
    const v = Number(this.next());
    if (!Number.isFinite(v)) throw new Error('expected a number from Redis');
    return v;
  }

  /** a number, or null for a missing key / field */
  optInt(): number | null {
    const v = this.next();
    if (v === null || v === undefined) return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
}

export type ReadQueues = (pipe: ChainableCommander, queues: QueueConfig[], now: number) => (replies: Reply[]) => Array<Figures | Error>;

/**
 * For readers that read each queue on its own: records which replies belong
 * to which queue, and turns a failing queue into an Error for that queue only.
 */
export function perQueue(pipe: ChainableCommander, queues: QueueConfig[], build: (q: QueueConfig) => (r: Replies) => Figures): (replies: Reply[]) => Array<Figures | Error> {
  const base = pipe.length;
  const parts = queues.map((q) => {
    const from = pipe.length;
    const parse = build(q);
    return { from: from - base, to: pipe.length - base, parse };
  });
  return (replies) =>
    parts.map((p) => {
      try {
        return p.parse(new Replies(replies.slice(p.from, p.to)));
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    });
}

/** The smaller of the known times; null when none is known. */
export function earliest(...ts: Array<number | null>): number | null {
  const known = ts.filter((t): t is number => t !== null && Number.isFinite(t));
  return known.length ? Math.min(...known) : null;
}
