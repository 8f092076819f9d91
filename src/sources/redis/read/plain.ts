/**
 * Queues of your own on plain keys: a list (LLEN), a sorted set (ZCARD) or a
 * stream (consumer groups: lag waiting, pending in flight). `deadKey`, when
 * set, is a dead-letter key of any type. Nothing in a list or zset member
 * says when it was added, so their oldest age is unknown; a stream id is its
 * own timestamp.
 */
import { plainKey } from '../layout.js';
import { ANY_LEN, STREAM, runScript } from '../scripts.js';
import { perQueue, type ReadQueues, type Replies } from '../replies.js';

function streamIdTime(id: unknown): number | null {
  if (typeof id !== 'string') return null;
  const ms = Number(id.split('-')[0]);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

export const readPlain: ReadQueues = (pipe, queues) =>
  perQueue(pipe, queues, (q) => {
    const key = plainKey(q);
    if (q.flavor === 'list') pipe.llen(key);
    else if (q.flavor === 'zset') pipe.zcard(key);
    else runScript(pipe, STREAM, [key], []);
    if (q.deadKey) runScript(pipe, ANY_LEN, [q.deadKey], []);
    return (r: Replies) => {
      let waiting: number;
      let active = 0;
      let departed: number | undefined;
      let oldestSince: number | null = null;
      if (q.flavor === 'stream') {
        const s = r.next() as [number, number, number | null, string | null, number];
        waiting = Number(s[0]);
        active = Number(s[1]);
        if (s[2] !== null && s[2] !== undefined) departed = Number(s[2]);
        oldestSince = waiting > 0 ? streamIdTime(s[3]) : null;
      } else {
        waiting = r.int();
      }
      const failed = q.deadKey ? r.int() : 0;
      return { waiting, active, delayed: 0, failed, oldestSince, queued: waiting, ...(departed !== undefined ? { departed } : {}) };
    };
  });
