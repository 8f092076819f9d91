// Requeue on RQ through runAction: jobs failed by a real RQ burst worker,
// moved back as FailedJobRegistry.requeue does, then run by a burst worker.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { deleteTagged, REDIS_URL, rq, tag } from './helpers.js';
import { planIds, queueHarness, type QueueHarness } from './requeueSupport.js';
import { parseRqTime } from '../../src/sources/redis/read/rq.js';

let name: string;
let raw: Redis;
let h: QueueHarness;

beforeEach(() => {
  name = tag('rqr');
  raw = new Redis(REDIS_URL);
  h = queueHarness([{ name: 'jobs', url: REDIS_URL, queues: [{ name, flavor: 'rq' }] }]);
});

afterEach(async () => {
  await h.close();
  await deleteTagged(raw, name);
  raw.disconnect();
});

const jobs = (from: number, to: number, fn = 'flaky') => Array.from({ length: to - from + 1 }, (_, i) => ({ id: `${name}-${from + i}`, fn, arg: from + i }));

async function failAll(): Promise<void> {
  const prev = process.env.OPSDECK_RQ_FAIL;
  process.env.OPSDECK_RQ_FAIL = '1';
  try {
    await rq('work', REDIS_URL, name, `${name}-w`);
  } finally {
    if (prev === undefined) delete process.env.OPSDECK_RQ_FAIL;
    else process.env.OPSDECK_RQ_FAIL = prev;
  }
}

describe('requeue on RQ', () => {
  it('does what FailedJobRegistry.requeue does for the planned ids only; a burst worker then runs them', async () => {
    await rq('enqueue', REDIS_URL, name, jobs(1, 4));
    await failAll();
    expect(await rq('counts', REDIS_URL, name)).toMatchObject({ failed: 4, queued: 0 });

    const plan = await h.plan({ redis: 'jobs', queue: name });
    const ids = planIds(plan);
    expect(new Set(ids)).toEqual(new Set(jobs(1, 4).map((j) => j.id)));
    expect(plan.calls[0]!.api).toBe('rq:FailedJobRegistry.requeue');
    // labels come from the job's description and RQ's stored exception
    expect(plan.details.some((d) => d.includes(`rqjobs.flaky(1): RuntimeError: downstream unavailable 1`))).toBe(true);

    // one more failure after the plan
    await rq('enqueue', REDIS_URL, name, jobs(5, 5));
    await failAll();

    const before = Date.now();
    const res = await h.run(plan);
    expect(res).toMatchObject({ outcome: 'done', message: `test/jobs/${name}: 4/4 requeued (4 waiting)` });

    // RQ's own view: the planned four are queued again, in plan order, the late one still failed
    expect(await rq('states', REDIS_URL, name, [...ids, `${name}-5`])).toEqual({ ...Object.fromEntries(ids.map((id) => [id, 'queued'])), [`${name}-5`]: 'failed' });
    expect(await raw.lrange(`rq:queue:${name}`, 0, -1)).toEqual(ids);
    expect(await raw.sismember('rq:queues', `rq:queue:${name}`)).toBe(1);
    expect(await raw.zrange(`rq:failed:${name}`, 0, -1)).toEqual([`${name}-5`]);
    const job = await raw.hgetallBuffer(`rq:job:${ids[0]}`);
    expect(job.started_at!.toString()).toBe('');
    expect(job.ended_at!.toString()).toBe('');
    expect(inflateSync(job.exc_info!).toString()).toBe('');
    expect(parseRqTime(job.enqueued_at!.toString())).toBeGreaterThanOrEqual(before - 1);
    expect(job.origin!.toString()).toBe(name);

    await rq('work', REDIS_URL, name, `${name}-w`);
    expect(await rq('states', REDIS_URL, name, ids)).toEqual(Object.fromEntries(ids.map((id) => [id, 'finished'])));
    expect(await rq('counts', REDIS_URL, name)).toMatchObject({ failed: 1, queued: 0, finished: 4 });
  });

  it('leaves a job hash exactly as RQ\'s own requeue leaves its twin', async () => {
    await rq('enqueue', REDIS_URL, name, jobs(1, 2));
    await failAll();
    await rq('requeue', REDIS_URL, name, [`${name}-1`]);
    const plan = await h.plan({ redis: 'jobs', queue: name });
    expect(planIds(plan)).toEqual([`${name}-2`]);
    expect((await h.run(plan)).outcome).toBe('done');

    const theirs = await raw.hgetallBuffer(`rq:job:${name}-1`);
    const ours = await raw.hgetallBuffer(`rq:job:${name}-2`);
    // what differs between two jobs anyway: their payload, description and times
    const own = new Set(['data', 'description', 'created_at', 'enqueued_at', 'last_heartbeat']);
    const strip = (h: Record<string, Buffer>) => Object.fromEntries(Object.entries(h).filter(([k]) => !own.has(k)).map(([k, v]) => [k, v.toString('hex')]));
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    expect(strip(ours)).toEqual(strip(theirs));
    expect(await raw.lrange(`rq:queue:${name}`, 0, -1)).toEqual([`${name}-1`, `${name}-2`]);
    const [ttlTheirs, ttlOurs] = [await raw.ttl(`rq:job:${name}-1`), await raw.ttl(`rq:job:${name}-2`)];
    expect(Math.abs(ttlTheirs - ttlOurs)).toBeLessThanOrEqual(5);
  });

  it('aborts when a planned job left the failed registry before the run, and moves nothing', async () => {
    await rq('enqueue', REDIS_URL, name, jobs(1, 3));
    await failAll();
    const plan = await h.plan({ redis: 'jobs', queue: name });
    const ids = planIds(plan);
    // someone else deletes one of the planned jobs from the registry
    await raw.zrem(`rq:failed:${name}`, ids[1]!);
    const res = await h.run(plan);
    expect(res.outcome).toBe('aborted');
    expect(res.message).toBe(`test/jobs/${name} changed since the plan was shown (missing 0 → 1, missingIds [] → ["${ids[1]}"]); plan again`);
    expect(await raw.llen(`rq:queue:${name}`)).toBe(0);
    expect(await raw.zcard(`rq:failed:${name}`)).toBe(2);
    expect(h.journal.read().map((r) => [r.phase, r.outcome])).toEqual([['refusal', 'aborted']]);
  });
});
