// Plain list / zset / stream queues with dead-letter keys, and a queue whose
// key does not fit its flavour. Keys carry a tag unique to the test.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { deleteTagged, queueOf, REDIS_URL, signal, source, tag } from './helpers.js';
import type { RedisQueueSource } from '../../src/sources/redis/index.js';

let t: string;
let raw: Redis;
let src: RedisQueueSource | undefined;

beforeEach(() => {
  t = tag('plain');
  raw = new Redis(REDIS_URL);
});

afterEach(async () => {
  await src?.close();
  src = undefined;
  await deleteTagged(raw, t);
  raw.disconnect();
});

describe('plain queues', () => {
  it('reads lists, sorted sets and streams, with dead-letter keys of any type', async () => {
    await raw.lpush(`${t}:mail`, 'a', 'b', 'c');
    await raw.rpush(`${t}:mail:dead`, 'x', 'y');
    await raw.zadd(`${t}:later`, 1, 'p', 2, 'q');
    await raw.zadd(`${t}:later:dead`, 1, 'z');
    // a stream with one consumer group: 5 entries, 2 delivered and not acked, 3 never delivered
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await raw.xadd(`${t}:events`, '*', 'n', String(i)))!);
    await raw.xgroup('CREATE', `${t}:events`, 'workers', '0');
    await raw.xreadgroup('GROUP', 'workers', 'w1', 'COUNT', 2, 'STREAMS', `${t}:events`, '>');
    const oldestUndelivered = Number(ids[2]!.split('-')[0]);

    src = source(
      [
        {
          name: 'jobs',
          url: REDIS_URL,
          queues: [
            { name: 'mail', flavor: 'list', key: `${t}:mail`, deadKey: `${t}:mail:dead` },
            { name: 'later', flavor: 'zset', key: `${t}:later`, deadKey: `${t}:later:dead` },
            { name: 'events', flavor: 'stream', key: `${t}:events` },
            { name: `${t}:missing`, flavor: 'list' },
          ],
        },
      ],
      { now: () => oldestUndelivered + 3_000 },
    );
    const snap = await src.read(signal());
    expect(queueOf(snap, 'mail')).toMatchObject({ flavor: 'list', waiting: 3, failed: 2, active: 0, oldestWaitingAgeMs: null });
    expect(queueOf(snap, 'later')).toMatchObject({ flavor: 'zset', waiting: 2, failed: 1 });
    expect(queueOf(snap, 'events')).toMatchObject({ flavor: 'stream', waiting: 3, active: 2, failed: 0, oldestWaitingAgeMs: 3_000 });
    // the key defaults to the queue's name; an absent key is an empty queue
    expect(queueOf(snap, `${t}:missing`)).toMatchObject({ waiting: 0, failed: 0 });
  });

  it('a key that does not fit its flavour leaves that queue out and names it, while Redis stays ok', async () => {
    await raw.hset(`${t}:oops`, 'not', 'a list');
    await raw.lpush(`${t}:fine`, 'a');
    src = source([
      {
        name: 'jobs',
        url: REDIS_URL,
        queues: [
          { name: 'oops', flavor: 'list', key: `${t}:oops` },
          { name: 'fine', flavor: 'list', key: `${t}:fine` },
        ],
      },
    ]);
    const snap = await src.read(signal());
    expect(snap.queues.map((q) => q.name)).toEqual(['fine']);
    expect(snap.redis[0]!.ok).toBe(true);
    expect(snap.redis[0]!.error).toMatch(/^queue oops \(list\): WRONGTYPE/);
  });

  it('a malformed url is one line on that Redis, and the others are still read', async () => {
    await raw.lpush(`${t}:fine`, 'a');
    src = source([
      { name: 'broken', url: 'http://127.0.0.1:6379', queues: [{ name: 'x', flavor: 'list' }] },
      { name: 'jobs', url: REDIS_URL, queues: [{ name: 'fine', flavor: 'list', key: `${t}:fine` }] },
    ]);
    const snap = await src.read(signal());
    expect(snap.redis[0]).toMatchObject({ name: 'broken', ok: false, error: 'Redis broken: url "http://127.0.0.1:6379" starts with http:// (expected redis:// or rediss://)' });
    expect(snap.redis[1]).toMatchObject({ name: 'jobs', ok: true });
    expect(snap.queues.map((q) => q.name)).toEqual(['fine']);
  });
});
