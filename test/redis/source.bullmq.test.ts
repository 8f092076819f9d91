// BullMQ queues filled and worked by the real bullmq library; the figures are
// compared with bullmq's own Queue#getJobCounts. Every key sits under a
// prefix unique to the test and is deleted afterwards.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { Queue, Worker, type Job } from 'bullmq';
import { deleteTagged, queueOf, REDIS_URL, signal, source, tag } from './helpers.js';
import type { RedisQueueSource } from '../../src/sources/redis/index.js';

const connection = { host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379) };

let prefix: string;
let raw: Redis;
let queue: Queue;
const closers: Array<() => Promise<unknown>> = [];

beforeEach(() => {
  prefix = tag('bull');
  raw = new Redis(REDIS_URL);
  queue = new Queue('emails', { connection, prefix });
});

afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await queue.close();
  await deleteTagged(raw, prefix);
  raw.disconnect();
});

function worker(processor: (job: Job) => Promise<unknown>): Worker {
  const w = new Worker('emails', processor, { connection, prefix, concurrency: 4 });
  closers.push(() => w.close());
  return w;
}

function bullSource(now?: () => number): RedisQueueSource {
  const s = source([{ name: 'jobs', url: REDIS_URL, queues: [{ name: 'emails', flavor: 'bullmq', prefix }] }], now ? { now } : {});
  closers.push(() => s.close());
  return s;
}

describe('BullMQ queues', () => {
  it('reports waiting (wait + prioritized), active, delayed, failed and completed as bullmq counts them', async () => {
    // six jobs through a worker that fails the even ones (one attempt each)
    for (let n = 1; n <= 6; n++) await queue.add('send', { n });
    const w = worker(async (job) => {
      if ((job.data as { n: number }).n % 2 === 0) throw new Error(`smtp refused ${job.data.n}`);
      return 'sent';
    });
    await expect.poll(() => queue.getJobCounts('failed', 'completed'), { timeout: 10_000, message: 'the worker to finish six jobs' }).toEqual({ failed: 3, completed: 3 });
    await w.close();

    // then work that nobody takes: two plain, two prioritized, two delayed
    // distinct add times, so the head is told apart from the tail
    const t0 = Date.now();
    const first = await queue.add('send', { n: 7 }, { timestamp: t0 - 60_000 });
    await queue.add('send', { n: 8 }, { timestamp: t0 - 30_000 });
    await queue.add('send', { n: 9 }, { priority: 5, timestamp: t0 - 20_000 });
    await queue.add('send', { n: 10 }, { priority: 1, timestamp: t0 - 10_000 });
    await queue.add('send', { n: 11 }, { delay: 60_000 });
    await queue.add('send', { n: 12 }, { delay: 60_000 });

    const s = bullSource(() => first.timestamp + 5_000);
    const snap = await s.read(signal());
    const q = queueOf(snap, 'emails');
    const own = await queue.getJobCounts();
    expect(own).toMatchObject({ waiting: 2, prioritized: 2, active: 0, delayed: 2, failed: 3, completed: 3 });
    expect(q).toMatchObject({ redis: 'jobs', flavor: 'bullmq', waiting: own.waiting! + own.prioritized!, active: 0, delayed: 2, failed: 3, completed: 3 });
    // the head of wait is the first job added (workers RPOPLPUSH from the right)
    expect(q.oldestWaitingAgeMs).toBe(5_000);
    expect(snap.redis).toEqual([expect.objectContaining({ name: 'jobs', ok: true })]);
    const r = snap.redis[0]!;
    expect(r.pingMs).toBeGreaterThanOrEqual(0);
    expect(r.usedMemoryBytes).toBeGreaterThan(0);
    expect(r.clients).toBeGreaterThanOrEqual(1);
    expect(r.evictedKeys).toBeGreaterThanOrEqual(0);
    expect(r.error).toBeUndefined();
  });

  it('counts a job being worked on as active', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await queue.add('slow', { n: 1 });
    worker(() => held);
    const s = bullSource();
    const snap = await vi.waitFor(async () => {
      const x = await s.read(signal());
      expect(queueOf(x, 'emails').active, 'the job to become active').toBe(1);
      return x;
    }, { timeout: 5_000 });
    expect(queueOf(snap, 'emails')).toMatchObject({ waiting: 0, active: 1, failed: 0, oldestWaitingAgeMs: null });
    release();
    await expect.poll(async () => (await queue.getJobCounts('completed')).completed, { message: 'the job to complete' }).toBe(1);
  });

  it('drain comes from bullmq\'s id counter: jobs taken per minute, and time to empty', async () => {
    for (let n = 1; n <= 12; n++) await queue.add('send', { n });
    let t = Date.now();
    const s = bullSource(() => t);
    expect(queueOf(await s.read(signal()), 'emails')).toMatchObject({ waiting: 12, drainPerMinute: null, etaToEmptyMs: null });

    const w = worker(async () => 'sent');
    await expect.poll(async () => (await queue.getJobCounts('completed')).completed, { message: 'twelve jobs done' }).toBe(12);
    await w.close();
    // two more arrive meanwhile: the depth fell by 10, but drain counts every job taken
    await queue.add('send', { n: 13 });
    await queue.add('send', { n: 14 });

    t += 120_000;
    const q = queueOf(await s.read(signal()), 'emails');
    expect(q.waiting).toBe(2);
    expect(q.drainPerMinute).toBe(6);
    expect(q.etaToEmptyMs).toBe(20_000);
  });
});
