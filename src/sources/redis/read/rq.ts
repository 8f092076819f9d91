/**
 * RQ (rq/queue.py, registry.py, job.py): `rq:queue:<name>` holds job ids,
 * pushed on the right and taken with LPOP/BLPOP from the left, so the
 * longest-waiting id is at index 0; `rq:job:<id>` hashes carry
 * `enqueued_at` as "%Y-%m-%dT%H:%M:%S.%fZ" (UTC). Registries are sorted sets
 * scored by expiry time in seconds: RQ's own `count` first drops entries
 * scored 0..now (cleanup), so a live count is ZCARD minus ZCOUNT 0 now (a
 * score of -1 means "never expires" and stays). The scheduled, deferred and
 * canceled registries are never cleaned up that way: ZCARD. `states` holds
 * each of them by RQ's own status names. RQ keeps no
 * per-queue counter of jobs added or done, so drain comes from the depth.
 */
import { RQ_JOB_PREFIX, rqKeys } from '../layout.js';
import { HEAD, runScript } from '../scripts.js';
import { perQueue, type ReadQueues, type Replies } from '../replies.js';

/** RQ's utcformat, with or without the microseconds of older releases. */
export function parseRqTime(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?Z$/.exec(value);
  if (!m) return null;
  const t = Date.parse(`${m[1]}.${(m[2] ?? '0').padEnd(3, '0').slice(0, 3)}Z`);
  return Number.isFinite(t) ? t : null;
}

export const readRq: ReadQueues = (pipe, queues, now) => {
  const nowSec = (now / 1000).toFixed(3);
  const live = `(${nowSec}`;
  return perQueue(pipe, queues, (q) => {
    const k = rqKeys(q);
    pipe
      .llen(k.queue)
      .zcount(k.started, live, '+inf')
      .zcount(k.startedLegacy, live, '+inf')
      .zcard(k.failed)
      .zcount(k.failed, 0, nowSec)
      .zcard(k.scheduled)
      .zcount(k.finished, live, '+inf')
      .zcard(k.deferred)
      .zcard(k.canceled);
    runScript(pipe, HEAD, [k.queue], ['list', 0, RQ_JOB_PREFIX, 'enqueued_at']);
    return (r: Replies) => {
      const waiting = r.int();
      const active = r.int() + r.int();
      const failed = r.int() - r.int();
      const delayed = r.int();
      const completed = r.int();
      const deferred = r.int();
      const canceled = r.int();
      const head = r.next();
      return {
        waiting,
        active,
        delayed,
        failed,
        completed,
        states: { queued: waiting, started: active, deferred, scheduled: delayed, finished: completed, failed, canceled },
        oldestSince: waiting > 0 && Array.isArray(head) ? parseRqTime(head[1]) : null,
        // a deferred job joins the queue when what it depends on finishes
        queued: waiting + delayed + deferred,
      };
    };
  });
};
