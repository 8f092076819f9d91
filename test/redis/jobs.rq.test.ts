// The job browser and the job actions on RQ: jobs failed by a real RQ burst
// worker, listed as FailedJobRegistry lists them; requeue one and delete one,
// each checked through RQ itself; pause refused in one line.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { deleteTagged, REDIS_URL, rq, tag } from './helpers.js';
import { jobsHarness, type JobsHarness } from './jobsSupport.js';
import { requeueAction } from '../../src/actions/queues/requeue.js';
import { deleteJobsAction } from '../../src/actions/queues/deleteJobs.js';
import { pauseAction } from '../../src/actions/queues/pause.js';
import { jobDetail, jobList } from '../../src/actions/queues/jobText.js';
import { parseRqTime } from '../../src/sources/redis/read/rq.js';

const signal = () => AbortSignal.timeout(15_000);

let name: string;
let raw: Redis;
let h: JobsHarness;

beforeEach(() => {
  name = tag('jrq');
  raw = new Redis(REDIS_URL);
  h = jobsHarness([{ name: 'jobs', url: REDIS_URL, queues: [{ name, flavor: 'rq' }] }]);
});

afterEach(async () => {
  await h.close();
  await deleteTagged(raw, name);
  raw.disconnect();
});

interface Failed {
  ids: string[];
  jobs: Record<string, { description: string; exc_info: string; ended_at: string }>;
}

async function failThree(): Promise<Failed> {
  await rq('enqueue', REDIS_URL, name, [1, 2, 3].map((i) => ({ id: `${name}-${i}`, fn: 'fail', arg: i })));
  await rq('work', REDIS_URL, name, `${name}-w`);
  return rq<Failed>('failed', REDIS_URL, name);
}

describe('failed jobs on RQ', () => {
  it("lists FailedJobRegistry's jobs with RQ's own exception, and shows the traceback", async () => {
    const failed = await failThree();
    expect(failed.ids).toHaveLength(3);
    const list = jobList('jobs', name, 'rq', await h.queues.jobs('jobs', name, 50, signal()));
    expect(list.total).toBe(3);
    expect(new Set(list.jobs.map((j) => j.id))).toEqual(new Set(failed.ids));
    // newest failure first, by the ended_at RQ wrote
    const ended = list.jobs.map((j) => j.failedAt!);
    expect([...ended].sort((a, b) => b - a)).toEqual(ended);
    for (const row of list.jobs) {
      const j = failed.jobs[row.id]!;
      expect(row.reason).toBe(j.exc_info.trim().split('\n').at(-1));
      expect(row.reason).toMatch(/^RuntimeError: boom \d$/);
      expect(row.name).toBe('rqjobs.fail');
      expect(row.failedAt).toBe(parseRqTime(j.ended_at.replace(/(\.\d+)?$/, (m) => (m || '.000000')) + 'Z'));
    }
    const id = failed.ids[0]!;
    const detail = jobDetail((await h.queues.job('jobs', name, id, signal()))!);
    expect(detail.payload).toEqual([failed.jobs[id]!.description]);
    expect(detail.stack[0]).toBe('Traceback (most recent call last):');
    expect(detail.stack.at(-1)).toBe(detail.reason);
    expect(detail.attempts).toBeNull();
    expect(detail.times.map((t) => t.label)).toEqual(['created', 'enqueued', 'started', 'failed']);
  });

  it('requeues one (RQ: queued) and deletes one (RQ: no such job, out of the registry)', async () => {
    const failed = await failThree();
    const [a, b, c] = failed.ids as [string, string, string];
    const requeue = await h.plan(requeueAction, { redis: 'jobs', queue: name, ids: [a] });
    expect(await h.run(requeueAction, requeue)).toMatchObject({ outcome: 'done', message: `test/jobs/${name}: 1/1 requeued (1 waiting)` });
    const del = await h.plan(deleteJobsAction, { redis: 'jobs', queue: name, ids: [b] });
    expect(del.calls[0]!.api).toBe('rq:FailedJobRegistry.remove(delete_job=True)');
    expect(await h.run(deleteJobsAction, del)).toMatchObject({ outcome: 'done' });

    expect(await rq('states', REDIS_URL, name, [a, b, c])).toEqual({ [a]: 'queued', [b]: null, [c]: 'failed' });
    expect((await rq<Failed>('failed', REDIS_URL, name)).ids).toEqual([c]);
    expect(await rq('counts', REDIS_URL, name)).toMatchObject({ queued: 1, failed: 1 });
    // nothing of the deleted job is left behind
    expect(await raw.exists(`rq:job:${b}`, `rq:results:${b}`)).toBe(0);
  });

  it('says plainly that RQ has no pause', async () => {
    const plan = await h.plan(pauseAction, { redis: 'jobs', queue: name, mode: 'pause' });
    expect(plan.refusal).toBe('RQ has no queue pause; stop its workers instead');
    expect((await h.run(pauseAction, plan, 'y')).outcome).toBe('refused');
  });
});
