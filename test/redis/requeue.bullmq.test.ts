// Requeue on BullMQ through runAction: jobs failed by a real bullmq Worker,
// moved back with bullmq's own Job.retry, then consumed by the real Worker.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Queue, Worker, type Job } from 'bullmq';
import { deleteTagged, REDIS_URL, tag } from './helpers.js';
import { planIds, queueHarness, type QueueHarness } from './requeueSupport.js';

const connection = { host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379) };

let prefix: string;
let raw: Redis;
let queue: Queue;
let worker: Worker | undefined;
let h: QueueHarness;

beforeEach(() => {
  prefix = tag('rqb');
  raw = new Redis(REDIS_URL);
  queue = new Queue('emails', { connection, prefix });
  h = queueHarness([{ name: 'jobs', url: REDIS_URL, queues: [{ name: 'emails', flavor: 'bullmq', prefix }] }]);
});

afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await queue.close();
  await h.close();
  await deleteTagged(raw, prefix);
  raw.disconnect();
});

describe('requeue on BullMQ', () => {
  it('moves exactly the planned failed jobs back, and a real worker then completes them', async () => {
    // the downstream is broken: every job fails (one attempt)
    let broken = true;
    worker = new Worker('emails', async (job: Job) => {
      if (broken) throw new Error(`smtp 421 for ${job.data.to}`);
      return `sent to ${job.data.to}`;
    }, { connection, prefix });
    for (let i = 1; i <= 25; i++) await queue.add('send', { to: `user${i}@example.com` });
    await expect.poll(() => queue.getFailedCount(), { timeout: 10_000, message: '25 failures' }).toBe(25);

    const plan = await h.plan({ redis: 'jobs', queue: 'emails' });
    const ids = planIds(plan);
    expect(ids).toHaveLength(25);
    expect(plan).toMatchObject({ action: 'requeue', tier: 'destructive', phrase: 'emails', target: { kind: 'queue', name: 'emails', parent: 'jobs', display: 'test/jobs/emails' } });
    expect(plan.summary).toBe('test / redis jobs / queue emails (bullmq): requeue 25 failed jobs; failed 25 → 0');
    expect(plan.calls).toEqual([{ api: 'bullmq:Job.retry("failed")', params: { redis: 'jobs', queue: 'emails', jobs: 25, ids: ids.slice(0, 20), more: 5 } }]);
    // the first 20 are shown with their reason, the rest counted
    expect(plan.details.filter((d) => /^ {2}\S+ {2}send: smtp 421 for user\d+@example\.com$/.test(d))).toHaveLength(20);
    expect(plan.details).toContain('  … and 5 more (the plan keeps every id)');

    // a job that fails after the plan was shown must stay failed
    const late = await queue.add('send', { to: 'late@example.com' });
    await expect.poll(() => late.getState(), { message: 'the late job to fail' }).toBe('failed');

    broken = false;
    const res = await h.run(plan);
    expect(res).toMatchObject({ outcome: 'done' });
    expect(res.message).toMatch(/^test\/jobs\/emails: 25\/25 requeued \(/);
    expect(res.progress.at(-1)?.fraction).toBe(1);

    await expect.poll(() => queue.getCompletedCount(), { timeout: 10_000, message: 'the worker to complete the requeued jobs' }).toBe(25);
    for (const id of ids) expect(await queue.getJobState(id)).toBe('completed');
    expect(await late.getState()).toBe('failed');
    expect(await queue.getFailedCount()).toBe(1);

    const records = h.journal.read();
    // a progress record before each batch of 10, the call's outcome, then the verification's own verdict
    expect(records.map((r) => r.phase)).toEqual(['intent', 'progress', 'progress', 'progress', 'outcome', 'verify']);
    expect(records.slice(1, 4).map((r) => r.detail)).toEqual([
      `moved 0 of 25; moving 10 more (ids ${ids.slice(0, 10).join(', ')})`,
      `moved 10 of 25 (ids ${ids.slice(0, 10).join(', ')}); moving 10 more (ids ${ids.slice(10, 20).join(', ')})`,
      `moved 20 of 25 (ids ${ids.slice(0, 12).join(', ')} … and 8 more); moving 5 more (ids ${ids.slice(20).join(', ')})`,
    ]);
    expect(records[3]!.plan).toMatchObject({ progressOf: records[0]!.seq, moved: 20, of: 25, lastMoved: ids.slice(10, 20), next: ids.slice(20) });
    expect(records[4]).toMatchObject({ action: 'requeue', target: 'test/jobs/emails', outcome: 'ok', detail: 'requeued 25/25' });
    expect(records[5]).toMatchObject({ action: 'requeue', target: 'test/jobs/emails', outcome: 'ok' });
  });

  it('refuses when there is nothing failed, and when the typed name is wrong', async () => {
    const empty = await h.plan({ redis: 'jobs', queue: 'emails' });
    expect(empty.refusal).toBe('emails has no failed jobs; nothing to do');
    expect((await h.run(empty)).outcome).toBe('refused');

    await raw.zadd(`${prefix}:emails:failed`, Date.now(), '7');
    await raw.hset(`${prefix}:emails:7`, 'name', 'send', 'failedReason', 'boom', 'timestamp', String(Date.now()), 'data', '{}', 'opts', '{}');
    const plan = await h.plan({ redis: 'jobs', queue: 'emails' });
    const res = await h.run(plan, 'email');
    expect(res).toMatchObject({ outcome: 'refused', message: 'the confirmation "email" is not "emails": nothing was done' });
    expect(await raw.zscore(`${prefix}:emails:failed`, '7')).not.toBeNull();
  });
});
