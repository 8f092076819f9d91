// Requeue on Sidekiq (its documented layout, under a namespace unique to the
// test) and on plain list / zset queues with a dead-letter key.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { deleteTagged, REDIS_URL, tag } from './helpers.js';
import { planIds, queueHarness, type QueueHarness } from './requeueSupport.js';
import { failToRetry, job, kill, type SidekiqJob } from './sidekiqLayout.js';
import { payloadId } from '../../src/sources/redis/control/plain.js';
import { retriedPayload } from '../../src/sources/redis/control/sidekiq.js';

let t: string;
let raw: Redis;
let h: QueueHarness | undefined;

beforeEach(() => {
  t = tag('rqs');
  raw = new Redis(REDIS_URL);
});

afterEach(async () => {
  await h?.close();
  h = undefined;
  await deleteTagged(raw, t);
  raw.disconnect();
});

describe('requeue on Sidekiq', () => {
  it('does "Retry now" for the planned retry and dead entries of the queue only', async () => {
    const ns = `${t}:`;
    h = queueHarness([{ name: 'jobs', url: REDIS_URL, queues: [{ name: 'default', flavor: 'sidekiq', prefix: t }, { name: 'mailers', flavor: 'sidekiq', prefix: t }] }]);
    const retrying: SidekiqJob[] = [];
    for (let i = 0; i < 3; i++) retrying.push(await failToRetry(raw, ns, job('default', { args: [i] }), Date.now() / 1000 + 60 + i));
    const dead = [await kill(raw, ns, job('default'), Date.now() / 1000 - 100), await kill(raw, ns, job('default'), Date.now() / 1000 - 50)];
    const mailer = await kill(raw, ns, job('mailers'));

    const plan = await h.plan({ redis: 'jobs', queue: 'default' });
    // dead first (oldest death first), then retries (next retry first)
    expect(planIds(plan)).toEqual([...dead, ...retrying].map((j) => j.jid));
    expect(plan.details[1]).toBe(`  ${dead[0]!.jid}  HardWorker (dead): RuntimeError boom`);
    expect(plan.details[3]).toBe(`  ${retrying[0]!.jid}  HardWorker (retry 0): RuntimeError boom`);

    const late = await kill(raw, ns, job('default'));
    const before = Date.now();
    const res = await h.run(plan);
    expect(res).toMatchObject({ outcome: 'done', message: 'test/jobs/default: 5/5 requeued (5 waiting)' });

    const pushed = (await raw.lrange(`${ns}queue:default`, 0, -1)).map((s) => JSON.parse(s) as SidekiqJob);
    expect(pushed.map((j) => j.jid).sort()).toEqual([...dead, ...retrying].map((j) => j.jid).sort());
    for (const p of pushed) {
      const orig = [...dead, ...retrying].find((j) => j.jid === p.jid)!;
      // manual retries do not count against the retry limit; enqueued now, in Sidekiq 8's ms
      expect(p.retry_count).toBe(orig.retry_count! - 1);
      expect(p.enqueued_at).toBeGreaterThanOrEqual(before);
      expect(p).toMatchObject({ class: orig.class, args: orig.args, queue: 'default', created_at: orig.created_at, error_message: 'boom' });
    }
    expect(await raw.sismember(`${ns}queues`, 'default')).toBe(1);
    expect((await raw.zrange(`${ns}dead`, 0, -1)).map((m) => (JSON.parse(m) as SidekiqJob).jid).sort()).toEqual([mailer.jid, late.jid].sort());
    expect(await raw.zcard(`${ns}retry`)).toBe(0);
  });

  it('keeps the float-seconds format of a pre-8 job when it rewrites enqueued_at', () => {
    const old = JSON.parse(retriedPayload({ jid: 'a', queue: 'q', created_at: 1714542069.25, retry_count: 3 }, 1714542100000)) as SidekiqJob;
    expect(old).toMatchObject({ enqueued_at: 1714542100, retry_count: 2 });
    const neu = JSON.parse(retriedPayload({ jid: 'b', queue: 'q', created_at: 1714542069250 }, 1714542100000)) as SidekiqJob;
    expect(neu.enqueued_at).toBe(1714542100000);
    expect(neu.retry_count).toBeUndefined();
  });
});

describe('requeue on plain queues', () => {
  it('moves the planned dead-letter entries (duplicates included) back onto the list', async () => {
    const key = `${t}:mail`;
    const deadKey = `${t}:mail:dead`;
    h = queueHarness([{ name: 'jobs', url: REDIS_URL, queues: [{ name: 'mail', flavor: 'list', key, deadKey }] }]);
    await raw.rpush(deadKey, '{"to":"a"}', '{"to":"b"}', '{"to":"a"}');
    await raw.lpush(key, '{"to":"queued"}');
    const plan = await h.plan({ redis: 'jobs', queue: 'mail' });
    expect(planIds(plan)).toEqual([payloadId('{"to":"a"}'), payloadId('{"to":"b"}'), payloadId('{"to":"a"}')]);

    await raw.rpush(deadKey, '{"to":"late"}');
    const res = await h.run(plan);
    expect(res).toMatchObject({ outcome: 'done' });
    expect(await raw.lrange(deadKey, 0, -1)).toEqual(['{"to":"late"}']);
    expect((await raw.lrange(key, 0, -1)).sort()).toEqual(['{"to":"a"}', '{"to":"a"}', '{"to":"b"}', '{"to":"queued"}']);
  });

  it('aborts when one of two identical planned entries is gone, and moves from a zset dead key into a zset queue', async () => {
    const deadKey = `${t}:later:dead`;
    h = queueHarness([{ name: 'jobs', url: REDIS_URL, queues: [{ name: 'later', flavor: 'zset', key: `${t}:later`, deadKey }, { name: 'l2', flavor: 'list', key: `${t}:l2`, deadKey: `${t}:l2:dead` }] }]);
    await raw.rpush(`${t}:l2:dead`, 'same', 'same');
    const dup = await h.plan({ redis: 'jobs', queue: 'l2' });
    await raw.lrem(`${t}:l2:dead`, 1, 'same');
    expect((await h.run(dup)).outcome).toBe('aborted');
    expect(await raw.llen(`${t}:l2`)).toBe(0);

    await raw.zadd(deadKey, 5, 'x', 7, 'y');
    const plan = await h.plan({ redis: 'jobs', queue: 'later' });
    expect(plan.calls[0]!.api).toBe('redis:ZREM+ZADD (deadKey → key)');
    expect((await h.run(plan)).outcome).toBe('done');
    expect(await raw.zrange(`${t}:later`, 0, -1, 'WITHSCORES')).toEqual(['x', '5', 'y', '7']);
    expect(await raw.exists(deadKey)).toBe(0);
  });

  it('refuses a stream queue: there is no dead set to move back from', async () => {
    h = queueHarness([{ name: 'jobs', url: REDIS_URL, queues: [{ name: 'events', flavor: 'stream', key: `${t}:events` }] }]);
    const plan = await h.plan({ redis: 'jobs', queue: 'events' });
    expect(plan.refusal).toMatch(/^requeue is not supported for stream queues/);
    expect((await h.run(plan)).outcome).toBe('refused');
  });
});
