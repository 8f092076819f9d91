// The job browser and the job actions on Sidekiq's documented layout (under
// a namespace unique to the test) and on a plain list with a dead-letter key.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { deleteTagged, REDIS_URL, tag } from './helpers.js';
import { jobsHarness, type JobsHarness } from './jobsSupport.js';
import { failToRetry, job, kill } from './sidekiqLayout.js';
import { requeueAction } from '../../src/actions/queues/requeue.js';
import { deleteJobsAction } from '../../src/actions/queues/deleteJobs.js';
import { pauseAction } from '../../src/actions/queues/pause.js';
import { jobDetail, jobList } from '../../src/actions/queues/jobText.js';
import { payloadId } from '../../src/sources/redis/control/plain.js';

const signal = () => AbortSignal.timeout(15_000);

let t: string;
let raw: Redis;
let h: JobsHarness | undefined;

beforeEach(() => {
  t = tag('jsk');
  raw = new Redis(REDIS_URL);
});

afterEach(async () => {
  await h?.close();
  h = undefined;
  await deleteTagged(raw, t);
  raw.disconnect();
});

describe('failed jobs on Sidekiq', () => {
  it('lists the retry and dead entries of the queue, newest failure first, with the compressed backtrace', async () => {
    const ns = `${t}:`;
    h = jobsHarness([{ name: 'jobs', url: REDIS_URL, queues: [{ name: 'default', flavor: 'sidekiq', prefix: t }, { name: 'mailers', flavor: 'sidekiq', prefix: t }] }]);
    const retrying = await failToRetry(raw, ns, job('default', { args: [7, 'token=abc123secret'] }));
    // Sidekiq 6+ keeps the backtrace as base64 of the zlib-deflated JSON array
    const backtrace = ["app/workers/hard_worker.rb:12:in `perform'", "sidekiq/processor.rb:202:in `execute_job'"];
    const dead = await kill(raw, ns, { ...job('default'), error_backtrace: deflateSync(JSON.stringify(backtrace)).toString('base64') } as never);
    await kill(raw, ns, job('mailers'));

    const list = jobList('jobs', 'default', 'sidekiq', await h.queues.jobs('jobs', 'default', 50, signal()));
    expect(list.total).toBe(2);
    // the dead one's latest failure (retried_at) is newer than the retrying one's failed_at
    expect(list.jobs.map((j) => [j.id, j.set, j.attempts])).toEqual([
      [dead.jid, 'dead', 26],
      [retrying.jid, 'retry', 1],
    ]);
    expect(list.jobs[0]!.reason).toBe('RuntimeError: boom');

    const d = jobDetail((await h.queues.job('jobs', 'default', dead.jid, signal()))!);
    expect(d.stack).toEqual(backtrace);
    const r = jobDetail((await h.queues.job('jobs', 'default', retrying.jid, signal()))!);
    expect(r.payloadKind).toBe('args');
    // a token in the args is masked
    expect(r.payload.join('\n')).toContain('"token=***"');
    expect(r.payload.join('\n')).not.toContain('abc123secret');
  });

  it('deletes one entry (SortedEntry#delete) and requeues another; Sidekiq has no pause here', async () => {
    const ns = `${t}:`;
    h = jobsHarness([{ name: 'jobs', url: REDIS_URL, queues: [{ name: 'default', flavor: 'sidekiq', prefix: t }] }]);
    const a = await kill(raw, ns, job('default'));
    const b = await failToRetry(raw, ns, job('default'));
    const del = await h.plan(deleteJobsAction, { redis: 'jobs', queue: 'default', ids: [a.jid] });
    expect(await h.run(deleteJobsAction, del)).toMatchObject({ outcome: 'done' });
    expect(await raw.zcard(`${ns}dead`)).toBe(0);
    const rq = await h.plan(requeueAction, { redis: 'jobs', queue: 'default', ids: [b.jid] });
    expect(await h.run(requeueAction, rq)).toMatchObject({ outcome: 'done' });
    expect(await raw.zcard(`${ns}retry`)).toBe(0);
    expect(JSON.parse((await raw.lindex(`${ns}queue:default`, 0))!).jid).toBe(b.jid);
    const pause = await h.plan(pauseAction, { redis: 'jobs', queue: 'default', mode: 'pause' });
    expect(pause.refusal).toMatch(/^pausing a queue is a Sidekiq Enterprise feature/);
  });
});

describe('failed jobs of a plain list', () => {
  it('lists the dead-letter entries newest first and deletes one entry of a payload', async () => {
    h = jobsHarness([{ name: 'jobs', url: REDIS_URL, queues: [{ name: 'work', flavor: 'list', key: `${t}:work`, deadKey: `${t}:dead` }] }]);
    await raw.rpush(`${t}:dead`, '{"n":1}', '{"n":2}', '{"n":2}');
    const list = await h.queues.jobs('jobs', 'work', 50, signal());
    expect(list.jobs.map((j) => j.payload)).toEqual(['{"n":2}', '{"n":2}', '{"n":1}']);
    const id = payloadId('{"n":2}');
    const plan = await h.plan(deleteJobsAction, { redis: 'jobs', queue: 'work', ids: [id] });
    expect(await h.run(deleteJobsAction, plan)).toMatchObject({ outcome: 'done' });
    expect(await raw.lrange(`${t}:dead`, 0, -1)).toEqual(['{"n":1}', '{"n":2}']);
  });
});
