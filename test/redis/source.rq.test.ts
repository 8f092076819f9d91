// RQ queues filled and worked by the real RQ (Debian's python3-rq, through
// test/support/rq/rqhelper.py); the figures are compared with what RQ's own
// API counts. Queue names, job ids and the worker name carry a unique tag,
// and every key with that tag is deleted afterwards.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { deleteTagged, queueOf, REDIS_URL, rq, signal, source, tag } from './helpers.js';
import { parseRqTime } from '../../src/sources/redis/read/rq.js';
import type { RedisQueueSource } from '../../src/sources/redis/index.js';

let name: string;
let raw: Redis;
let src: RedisQueueSource | undefined;

beforeEach(() => {
  name = tag('rq');
  raw = new Redis(REDIS_URL);
});

afterEach(async () => {
  await src?.close();
  src = undefined;
  await deleteTagged(raw, name);
  raw.disconnect();
});

function rqSource(now?: () => number): RedisQueueSource {
  src = source([{ name: 'jobs', url: REDIS_URL, queues: [{ name, flavor: 'rq' }] }], now ? { now } : {});
  return src;
}

describe('RQ queues', () => {
  it('reads RQ\'s layout: queued ids, failed / scheduled / finished registries, enqueued_at of the head', async () => {
    await rq('enqueue', REDIS_URL, name, [
      { id: `${name}-1`, fn: 'fail', arg: 1 },
      { id: `${name}-2`, fn: 'ok', arg: 2 },
      { id: `${name}-3`, fn: 'fail', arg: 3 },
    ]);
    await rq('work', REDIS_URL, name, `${name}-w`);
    await rq('enqueue', REDIS_URL, name, [
      { id: `${name}-4`, fn: 'ok' },
      { id: `${name}-5`, fn: 'ok' },
      { id: `${name}-6`, fn: 'ok', in: 600 },
    ]);

    const own = await rq<Record<string, number>>('counts', REDIS_URL, name);
    expect(own).toEqual({ queued: 2, started: 0, failed: 2, scheduled: 1, finished: 1 });

    const headEnqueuedAt = parseRqTime(await raw.hget(`rq:job:${name}-4`, 'enqueued_at'))!;
    expect(headEnqueuedAt).toBeGreaterThan(0);
    const q = queueOf(await rqSource(() => headEnqueuedAt + 7_000).read(signal()), name);
    expect(q).toMatchObject({ flavor: 'rq', waiting: own.queued, active: own.started, failed: own.failed, delayed: own.scheduled, completed: own.finished });
    expect(q.oldestWaitingAgeMs).toBe(7_000);
  });

  it('leaves expired registry entries out, as RQ\'s own count does', async () => {
    const now = Date.now();
    // a failed job whose failure_ttl ran out (RQ scores by expiry) and one that never expires (-1)
    await raw.zadd(`rq:failed:${name}`, String(now / 1000 - 10), `${name}-old`, '-1', `${name}-forever`, String(now / 1000 + 3600), `${name}-fresh`);
    // a started entry whose worker died long ago, and a live one
    await raw.zadd(`rq:wip:${name}`, String(now / 1000 - 5), `${name}-dead`, String(now / 1000 + 300), `${name}-live`);
    const q = queueOf(await rqSource(() => now).read(signal()), name);
    expect(q).toMatchObject({ failed: 2, active: 1, waiting: 0, oldestWaitingAgeMs: null });
  });

  it('parses RQ\'s timestamps with and without microseconds', () => {
    expect(parseRqTime('2024-05-01T05:41:09.123456Z')).toBe(Date.UTC(2024, 4, 1, 5, 41, 9, 123));
    expect(parseRqTime('2024-05-01T05:41:09Z')).toBe(Date.UTC(2024, 4, 1, 5, 41, 9));
    expect(parseRqTime('')).toBeNull();
    expect(parseRqTime('yesterday')).toBeNull();
  });
});
