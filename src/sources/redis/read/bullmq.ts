/**
 * BullMQ, by its own definitions (Queue#getJobCounts and the getCounts Lua
 * script): waiting = wait + prioritized (+ the pre-v5 paused list), active,
 * delayed, failed, completed; `states` holds each of getJobCounts' states
 * on its own. Since v5 a paused queue keeps its jobs in wait and says so
 * with a `paused` field of its meta hash (Queue#isPaused reads that field);
 * before, pausing moved wait to the paused list, still counted here. Workers take jobs with RPOPLPUSH wait → active,
 * so the head of wait, the job that has waited longest, is its right end
 * (index -1); a prioritized job's turn comes from the lowest score. A job
 * hash's `timestamp` is when it was added and `delay` how long it was held,
 * so it has been ready since timestamp + delay.
 *
 * Drain: `<queue>:id` is INCRed by every add (addStandardJob and friends),
 * so arrivals are known; when workers run with `metrics`, the
 * metrics:completed/failed `count` fields count departures directly.
 */
import { bullmqKeys } from '../layout.js';
import { HEAD, runScript } from '../scripts.js';
import { earliest, perQueue, type ReadQueues, type Replies } from '../replies.js';

function readySince(head: unknown): number | null {
  if (!Array.isArray(head)) return null;
  const ts = Number(head[1]);
  if (head[1] === null || !Number.isFinite(ts)) return null;
  const delay = Number(head[2]);
  return ts + (Number.isFinite(delay) && delay > 0 ? delay : 0);
}

export const readBullmq: ReadQueues = (pipe, queues) =>
  perQueue(pipe, queues, (q) => {
    const k = bullmqKeys(q);
    pipe
      .llen(k.wait)
      .zcard(k.prioritized)
      .llen(k.paused)
      .llen(k.active)
      .zcard(k.delayed)
      .zcard(k.failed)
      .zcard(k.completed)
      .zcard(k.waitingChildren)
      .hexists(k.meta, 'paused')
      .get(k.id)
      .hget(k.metricsCompleted, 'count')
      .hget(k.metricsFailed, 'count');
    runScript(pipe, HEAD, [k.wait], ['bull-list', -1, k.base, 'timestamp', 'delay']);
    runScript(pipe, HEAD, [k.prioritized], ['zset', 0, k.base, 'timestamp', 'delay']);
    return (r: Replies) => {
      const [wait, prioritized, paused, active, delayed, failed, completed, children] = [r.int(), r.int(), r.int(), r.int(), r.int(), r.int(), r.int(), r.int()];
      const isPaused = r.int() === 1;
      const added = r.optInt();
      const [doneCount, failCount] = [r.optInt(), r.optInt()];
      const oldestSince = earliest(readySince(r.next()), readySince(r.next()));
      const waiting = wait + prioritized + paused;
      return {
        waiting,
        active,
        delayed,
        failed,
        completed,
        paused: isPaused,
        states: { waiting: wait, prioritized, paused, active, delayed, 'waiting-children': children, completed, failed },
        oldestSince: waiting > 0 ? oldestSince : null,
        queued: waiting + delayed + children,
        ...(added !== null ? { arrived: added } : {}),
        ...(doneCount !== null || failCount !== null ? { departed: (doneCount ?? 0) + (failCount ?? 0) } : {}),
      };
    };
  });
