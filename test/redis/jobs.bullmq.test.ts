// The job browser and the job actions on BullMQ: jobs failed by a real
// bullmq Worker, read back as bullmq's own API reads them; requeue one,
// delete one, pause and resume, each checked through bullmq.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Queue, Worker, type Job } from 'bullmq';
import { deleteTagged, REDIS_URL, tag } from './helpers.js';
import { jobsHarness, type JobsHarness } from './jobsSupport.js';
import { requeueAction } from '../../src/actions/queues/requeue.js';
import { deleteJobsAction } from '../../src/actions/queues/deleteJobs.js';
import { pauseAction } from '../../src/actions/queues/pause.js';
import { jobDetail, jobList } from '../../src/actions/queues/jobText.js';

const connection = { host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379) };
const signal = () => AbortSignal.timeout(15_000);

let prefix: string;
let raw: Redis;
let queue: Queue;
let worker: Worker | undefined;
let h: JobsHarness;

beforeEach(() => {
  prefix = tag('jbq');
  raw = new Redis(REDIS_URL);
  queue = new Queue('emails', { connection, prefix });
  h = jobsHarness([{ name: 'jobs', url: REDIS_URL, queues: [{ name: 'emails', flavor: 'bullmq', prefix }] }]);
});

afterEach(async () => {
  await worker?.close();
  worker = undefined;
  await queue.close();
  await h.close();
  await deleteTagged(raw, prefix);
  raw.disconnect();
});

/** Six jobs failed by a real worker, two attempts each; the worker is closed after. */
async function failSix(): Promise<void> {
  worker = new Worker('emails', async (job: Job) => {
    throw new Error(`smtp 421 for ${job.data.to}\nsecond line \x1b[31mred\x1b[0m`);
  }, { connection, prefix });
  for (let i = 1; i <= 6; i++) await queue.add('send', { to: `user${i}@example.com`, smtp: { password: `hunter${i}-secret` }, note: 'bell\x07 \x1b]0;owned\x07title' }, { attempts: 2 });
  await expect.poll(() => queue.getFailedCount(), { timeout: 15_000, message: 'six failures' }).toBe(6);
  await worker.close();
  worker = undefined;
}

describe('failed jobs on BullMQ', () => {
  it('lists what Queue#getFailed lists, newest first, and shows a job as Job.fromId reads it', async () => {
    await failSix();
    const list = jobList('jobs', 'emails', 'bullmq', await h.queues.jobs('jobs', 'emails', 50, signal()));
    const failed = await queue.getFailed();
    expect(list.total).toBe(6);
    expect(list.jobs.map((j) => j.id)).toEqual(failed.map((j) => j.id));
    for (const row of list.jobs) {
      const job = failed.find((j) => j.id === row.id)!;
      expect(row).toMatchObject({ name: 'send', attempts: job.attemptsMade, failedAt: job.finishedOn });
      // the reason's first line only, as bullmq stored it
      expect(row.reason).toBe(job.failedReason.split('\n')[0]);
    }

    const one = failed[0]!;
    const detail = jobDetail((await h.queues.job('jobs', 'emails', one.id!, signal()))!);
    expect(detail.attempts).toBe(2);
    expect(detail.maxAttempts).toBe(2);
    expect(detail.stack[0]).toBe(one.stacktrace!.at(-1)!.split('\n')[0]);
    expect(detail.times.map((t) => t.label)).toEqual(['created', 'started', 'failed']);
    expect(detail.times[0]!.at).toBe(one.timestamp);
    const text = [...detail.payload, ...detail.reasonLines, ...detail.stack].join('\n');
    expect(text).toContain(`"to": "${one.data.to}"`);
    // the password is masked, the escapes and the bell are gone
    expect(text).toContain('"password": "***"');
    expect(text).not.toContain('hunter');
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(await h.queues.job('jobs', 'emails', 'no-such-id', signal())).toBeUndefined();
  });

  it('requeues one chosen job (bullmq sees it waiting) and deletes another (bullmq no longer knows it)', async () => {
    await failSix();
    const [a, b, c] = (await queue.getFailed()).map((j) => j.id!);

    const requeue = await h.plan(requeueAction, { redis: 'jobs', queue: 'emails', ids: [a!] });
    expect(requeue).toMatchObject({ phrase: 'emails', summary: `test / redis jobs / queue emails (bullmq): requeue job ${a}; failed 6 → 5` });
    expect(requeue.calls[0]!.params).toMatchObject({ ids: [a], jobs: 1 });
    expect(await h.run(requeueAction, requeue)).toMatchObject({ outcome: 'done' });
    expect(await queue.getJobState(a!)).toBe('waiting');
    expect(await queue.getFailedCount()).toBe(5);

    const del = await h.plan(deleteJobsAction, { redis: 'jobs', queue: 'emails', ids: [b!, c!] });
    expect(del.details[0]).toBe('these 2 jobs are deleted with their payload; there is no undo:');
    expect(del.details.slice(1).map((d) => d.trim().split(/\s+/)[0])).toEqual([b, c]);
    const res = await h.run(deleteJobsAction, del);
    expect(res).toMatchObject({ outcome: 'done', message: 'test/jobs/emails: 2/2 deleted, gone from the failed set' });
    expect(await queue.getJob(b!)).toBeUndefined();
    expect(await queue.getJobState(c!)).toBe('unknown');
    expect(await queue.getFailedCount()).toBe(3);

    // a job no longer failed is named, and nothing runs
    const again = await h.plan(deleteJobsAction, { redis: 'jobs', queue: 'emails', ids: [b!] });
    expect(again.refusal).toBe(`job ${b} is not in the failed set of emails (requeued, deleted or never there); \`opsdeck queue jobs emails\` lists what is`);
    expect((await h.run(deleteJobsAction, again)).outcome).toBe('refused');
    expect(h.journal.read().filter((r) => r.phase !== 'intent' && r.phase !== 'progress').map((r) => [r.action, r.phase, r.outcome])).toEqual([
      ['requeue', 'outcome', 'ok'],
      ['requeue', 'verify', 'ok'],
      ['delete-jobs', 'outcome', 'ok'],
      ['delete-jobs', 'verify', 'ok'],
      ['delete-jobs', 'refusal', 'refused'],
    ]);
  });

  it('a chosen job that leaves the failed set between plan and run aborts the run', async () => {
    await failSix();
    const [a, b] = (await queue.getFailed()).map((j) => j.id!);
    const plan = await h.plan(deleteJobsAction, { redis: 'jobs', queue: 'emails', ids: [a!, b!] });
    await (await queue.getJob(a!))!.retry('failed');
    expect((await h.run(deleteJobsAction, plan)).outcome).toBe('aborted');
    expect(await queue.getJobState(b!)).toBe('failed');
  });

  it('pauses and resumes through bullmq: Queue#isPaused says so', async () => {
    const pause = await h.plan(pauseAction, { redis: 'jobs', queue: 'emails', mode: 'pause' });
    expect(pause).toMatchObject({ tier: 'reversible', phrase: 'y', changes: [{ field: 'paused', before: 'false', after: 'true' }] });
    expect(await h.run(pauseAction, pause, 'y')).toMatchObject({ outcome: 'done', message: 'test/jobs/emails: paused' });
    expect(await queue.isPaused()).toBe(true);
    // a job added now stays waiting: a worker takes nothing from a paused queue
    worker = new Worker('emails', async () => 'ok', { connection, prefix });
    const added = await queue.add('send', { to: 'x@example.com' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await added.getState()).toBe('waiting');

    expect((await h.plan(pauseAction, { redis: 'jobs', queue: 'emails', mode: 'pause' })).refusal).toBe('emails is already paused; nothing to do');
    const resume = await h.plan(pauseAction, { redis: 'jobs', queue: 'emails', mode: 'resume' });
    expect(await h.run(pauseAction, resume, 'y')).toMatchObject({ outcome: 'done', message: 'test/jobs/emails: not paused' });
    expect(await queue.isPaused()).toBe(false);
    await expect.poll(() => added.getState(), { timeout: 10_000 }).toBe('completed');
  });
});
