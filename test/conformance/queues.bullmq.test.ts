// Conformance with BullMQ: queues filled and worked by the real bullmq
// library, opsdeck's figures compared exactly with bullmq's own
// Queue#getJobCounts (every state it reports, `paused` included) and
// Queue#isPaused. Every key sits under a prefix unique to the run and is
// deleted afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { FlowProducer, Queue, Worker, type JobType } from 'bullmq';
import { deleteTagged, queueOf, REDIS_URL, signal, source, tag } from '../redis/helpers.js';
import { agree } from './queuesSupport.js';
import { evaluateChecks } from '../../src/checks/evaluate.js';
import { QUEUE_CHECKS } from '../../src/checks/rules/queues.js';
import type { QueueStats } from '../../src/model/queues.js';

const url = new URL(REDIS_URL);
const connection = { host: url.hostname, port: Number(url.port || 6379) };
// every state getJobCounts counts in this bullmq; `paused` (the list pausing filled before v5, still
// counted by its getCounts script) is no JobType any more in the typings
const STATES = ['waiting', 'prioritized', 'paused', 'active', 'delayed', 'waiting-children', 'completed', 'failed'] as unknown as JobType[];

let prefix: string;
let raw: Redis;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(() => {
  prefix = tag('conf-bull');
  raw = new Redis(REDIS_URL);
});

afterAll(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  await deleteTagged(raw, prefix);
  raw.disconnect();
});

function queue(name: string): Queue {
  const q = new Queue(name, { connection, prefix });
  closers.push(() => q.close());
  return q;
}

async function opsdeckRead(...names: string[]): Promise<QueueStats[]> {
  const s = source([{ name: 'jobs', url: REDIS_URL, queues: names.map((name) => ({ name, flavor: 'bullmq' as const, prefix })) }]);
  try {
    const snap = await s.read(signal());
    return names.map((n) => queueOf(snap, n));
  } finally {
    await s.close();
  }
}

/** bullmq's own answer, and opsdeck's, state by state. */
async function compare(q: Queue, ours: QueueStats): Promise<Record<string, number>> {
  const theirs = await q.getJobCounts(...STATES);
  agree(q.name, 'bullmq getJobCounts()', ours.states, theirs);
  agree(q.name, 'bullmq', { paused: ours.paused }, { paused: await q.isPaused() });
  // the summary figures are sums of the same states
  agree(q.name, 'bullmq getJobCounts() sums', { waiting: ours.waiting, active: ours.active, delayed: ours.delayed, failed: ours.failed, completed: ours.completed }, {
    waiting: theirs.waiting! + theirs.prioritized! + theirs.paused!,
    active: theirs.active!,
    delayed: theirs.delayed!,
    failed: theirs.failed!,
    completed: theirs.completed!,
  });
  return theirs;
}

describe('conformance: BullMQ', () => {
  it('every state of a running queue and of a paused one equals getJobCounts() and isPaused()', async () => {
    const orders = queue('orders');
    const reports = queue('reports');

    // through a worker: two completed, two failed (one attempt each)
    for (let n = 1; n <= 4; n++) await orders.add('work', { n });
    const first = new Worker('orders', async (job) => {
      if ((job.data as { n: number }).n % 2 === 0) throw new Error('refused');
    }, { connection, prefix, concurrency: 2 });
    await expect.poll(async () => {
      const c = await orders.getJobCounts('completed', 'failed');
      return c.completed === 2 && c.failed === 2;
    }, { timeout: 15_000, message: 'the first worker to finish four jobs' }).toBeTruthy();
    await first.close();

    // one job held active by a worker that takes no other
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await orders.add('hold', {});
    const holder = new Worker('orders', () => held, { connection, prefix, concurrency: 1 });
    closers.push(async () => {
      const closing = holder.close();
      release();
      await closing;
    });
    await expect.poll(async () => (await orders.getJobCounts('active')).active === 1, { timeout: 15_000, message: 'the held job to be active' }).toBeTruthy();

    // then what nobody takes: plain, prioritized, delayed, and a parent waiting for its children
    for (let n = 0; n < 3; n++) await orders.add('later', { n });
    for (let n = 0; n < 2; n++) await orders.add('urgent', { n }, { priority: 1 + n });
    for (let n = 0; n < 2; n++) await orders.add('soon', { n }, { delay: 3_600_000 });
    const flows = new FlowProducer({ connection, prefix });
    closers.push(() => flows.close());
    await flows.add({ name: 'bundle', queueName: 'orders', children: [{ name: 'part', queueName: 'orders' }, { name: 'part', queueName: 'orders' }] });

    // a paused queue: three jobs before the pause, two after, one delayed
    for (let n = 0; n < 3; n++) await reports.add('nightly', { n });
    await reports.pause();
    for (let n = 0; n < 2; n++) await reports.add('nightly', { n });
    await reports.add('weekly', {}, { delay: 3_600_000 });

    const [ordersStats, reportsStats] = await opsdeckRead('orders', 'reports');
    const o = await compare(orders, ordersStats!);
    const r = await compare(reports, reportsStats!);

    // the fill reached every state it meant to, so the comparisons above compared something
    expect(o).toMatchObject({ waiting: 5, prioritized: 2, active: 1, delayed: 2, 'waiting-children': 1, completed: 2, failed: 2 });
    expect(r).toMatchObject({ waiting: 5, delayed: 1 });
    expect(ordersStats!.paused).toBe(false);
    expect(reportsStats!.paused).toBe(true);

    // the paused queue holding waiting jobs is a finding, and is never "picked up"
    const findings = evaluateChecks({ queues: { redis: [], queues: [ordersStats!, reportsStats!] } }, {}, { env: 'conf', now: Date.now(), checks: QUEUE_CHECKS });
    const paused = findings.find((f) => f.checkId === 'queues.oldest-job' && f.subject === 'conf/jobs/reports');
    expect(paused).toMatchObject({ severity: 'warn', message: 'the queue is paused: 5 waiting jobs are not picked up until it is resumed' });
  }, 60_000);
});
