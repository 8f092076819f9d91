// The sandbox's twin of the job browser and the job actions: the failed
// jobs with their details, delete of chosen ids, and a BullMQ pause that
// stops the workers taking jobs until it is resumed.
import { describe, expect, it } from 'vitest';
import { sandboxQueueControl } from '../../src/sources/sandbox/queueControl.js';
import { jobDetail } from '../../src/actions/queues/jobText.js';
import { MIN, sandboxAt, signal } from './helpers.js';

describe('the sandbox failed jobs', () => {
  it('lists the same failed set as the requeue reads, newest first, each with a detail shaped as its library writes it', async () => {
    const { sb } = sandboxAt('dlq-backlog');
    const qc = sandboxQueueControl(sb);
    const all = await qc.deadJobs('jobs', 'emails', { limit: 100_000, detail: 0 }, signal);
    const list = await qc.jobs('jobs', 'emails', 50, signal);
    expect(list.total).toBe(all.total);
    expect(list.jobs.map((j) => j.id)).toEqual(all.ids.slice(-50).reverse());
    const times = list.jobs.map((j) => j.failedAt!);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const d = jobDetail(list.jobs[0]!);
    expect(d.payload.join('\n')).toContain('"pass": "***"');
    expect(d.stack.length).toBeGreaterThan(2);
    expect(d.attempts).toBe(5);
    const rq = await qc.jobs('jobs', 'default', 5, signal);
    expect(rq.jobs[0]!.stack).toMatch(/^Traceback \(most recent call last\):/);
    expect(rq.jobs[0]!.stack.split('\n').at(-1)).toBe(rq.jobs[0]!.reason);
  });

  it('deletes exactly the chosen ids: gone, the rest stay', async () => {
    const { sb } = sandboxAt('dlq-backlog');
    const qc = sandboxQueueControl(sb);
    const { jobs, total } = await qc.jobs('jobs', 'emails', 3, signal);
    const [a, b, c] = jobs.map((j) => j.id) as [string, string, string];
    expect(await qc.remove('jobs', 'emails', [a, b, 'nope'], signal)).toEqual({ removed: [a, b], skipped: [{ id: 'nope', reason: 'not in the failed set any more' }] });
    expect(await qc.places('jobs', 'emails', [a, b, c], signal)).toEqual({ [a]: 'gone', [b]: 'gone', [c]: 'failed' });
    expect(await qc.job('jobs', 'emails', a, signal)).toBeUndefined();
    expect((await qc.jobs('jobs', 'emails', 1, signal)).total).toBe(total - 2);
  });

  it('a paused BullMQ queue takes no job until resumed; the RQ one has no pause', async () => {
    const { sb, clock } = sandboxAt('calm');
    const qc = sandboxQueueControl(sb);
    expect(qc.canPause('jobs', 'emails')).toBe(true);
    expect(qc.canPause('jobs', 'default')).toBe(false);
    await qc.setPaused('jobs', 'emails', true, signal);
    expect(await qc.paused('jobs', 'emails', signal)).toBe(true);
    clock.advance(2 * MIN);
    let q = (await sb.sources.queues.read(signal)).queues.find((x) => x.name === 'emails')!;
    expect(q).toMatchObject({ paused: true, active: 0 });
    const waiting = q.waiting;
    clock.advance(2 * MIN);
    q = (await sb.sources.queues.read(signal)).queues.find((x) => x.name === 'emails')!;
    // arrivals keep coming, nothing leaves
    expect(q.waiting).toBeGreaterThanOrEqual(waiting);
    await qc.setPaused('jobs', 'emails', false, signal);
    clock.advance(2 * MIN);
    q = (await sb.sources.queues.read(signal)).queues.find((x) => x.name === 'emails')!;
    expect(q.paused).toBe(false);
    expect(q.active).toBeGreaterThan(0);
    await expect(qc.setPaused('jobs', 'default', true, signal)).rejects.toThrow('has no pause');
  });
});
