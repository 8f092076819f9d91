/**
 * The dashboard's reading of a queue refresh. The source reports a Redis that
 * does not answer as a health line with no queues, which is right for `check`
 * (the Redis is down: a fact to judge). On screen, though, the queues it held
 * would vanish as if emptied; so when a Redis that had queues at the last good
 * read is down now, the refresh counts as failed, and the store keeps the last
 * good figures, marked with the outage and their age.
 */
import { redisOutageMessage, type QueuesSnapshot } from '../model/queues.js';

export function failOnQueueOutage(snap: QueuesSnapshot, lastGood: QueuesSnapshot | undefined): QueuesSnapshot {
  const held = new Set(lastGood?.queues.map((q) => q.redis));
  const down = snap.redis.filter((r) => !r.ok && held.has(r.name));
  if (down.length === 0) return snap;
  throw new Error(redisOutageMessage(down.map((r) => r.name), down[0]!.error ?? 'no answer'));
}
