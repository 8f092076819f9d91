import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JobLedger, sandboxQueueControl } from '../../src/sources/sandbox/queueControl.js';
import { requeueAction } from '../../src/actions/queues/requeue.js';
import type { QueueActionContext } from '../../src/actions/queues/context.js';
import type { Sandbox } from '../../src/sources/sandbox/index.js';
import type { RunChild } from '../../src/actions/types.js';
import { MIN, sandboxAt, signal } from './helpers.js';

// requeue is one call, never a sequence of actions
const noChildren: RunChild = () => Promise.reject(new Error('requeue runs no steps'));

const ALL = { limit: 100_000, detail: 0 };
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The queue as the Queues panel shows it. */
async function panel(sb: Sandbox, name: string) {
  const q = (await sb.sources.queues.read(signal)).queues.find((x) => x.name === name);
  if (!q) throw new Error(`no queue ${name}`);
  return q;
}

describe('the sandbox dead set', () => {
  it('has real ids, oldest failure first, as many as the panel counts', async () => {
    const { sb, clock } = sandboxAt('dlq-backlog');
    const qc = sandboxQueueControl(sb);
    const emails = await qc.deadJobs('jobs', 'emails', { limit: 1000, detail: 20 }, signal);
    expect(emails.total).toBe((await panel(sb, 'emails')).failed);
    expect(emails.total).toBeGreaterThan(300);
    expect(emails.ids).toHaveLength(Math.min(1000, emails.total));
    expect(new Set(emails.ids).size).toBe(emails.ids.length);
    // BullMQ numbers jobs from a counter
    expect(emails.ids.every((id) => /^[1-9]\d*$/.test(id))).toBe(true);
    expect(emails.shown.map((j) => j.id)).toEqual(emails.ids.slice(0, 20));
    expect(emails.shown.every((j) => /^[a-z-]+: (SMTPError|Error): /.test(j.label))).toBe(true);

    const dflt = await qc.deadJobs('jobs', 'default', { limit: 1000, detail: 3 }, signal);
    expect(dflt.total).toBe((await panel(sb, 'default')).failed);
    expect(dflt.total).toBeGreaterThan(0);
    expect(dflt.ids.every((id) => UUID4.test(id))).toBe(true);
    expect(dflt.shown[0]!.label).toMatch(/^jobs\.\w+\(\d+\): \w/);

    // new failures join the end: what failed before stays in front, in the same order
    clock.advance(3 * MIN);
    const later = await qc.deadJobs('jobs', 'emails', ALL, signal);
    expect(later.total).toBe((await panel(sb, 'emails')).failed);
    expect(later.total).toBeGreaterThan(emails.total);
    expect(later.ids.slice(0, emails.ids.length)).toEqual(emails.ids);
  });

  it('ids stay unique, one per failed job, across long jumps of the clock', async () => {
    const { sb, clock } = sandboxAt('dlq-backlog', 7);
    const qc = sandboxQueueControl(sb);
    for (const gap of [1_000, 45 * MIN, 3 * 60 * MIN, 17_000]) {
      clock.advance(gap);
      for (const name of ['emails', 'default']) {
        const dead = await qc.deadJobs('jobs', name, ALL, signal);
        expect(dead.total).toBe((await panel(sb, name)).failed);
        expect(new Set(dead.ids).size).toBe(dead.total);
      }
    }
  });

  it('is deterministic from the seed', async () => {
    const read = async (seed: number) => {
      const { sb, clock } = sandboxAt('dlq-backlog', seed);
      clock.advance(90_000);
      const qc = sandboxQueueControl(sb);
      return [await qc.deadJobs('jobs', 'emails', { limit: 50, detail: 50 }, signal), await qc.deadJobs('jobs', 'default', { limit: 50, detail: 50 }, signal)];
    };
    expect(await read(3)).toEqual(await read(3));
    const [a, b] = [await read(3), await read(4)];
    expect(a[0]!.ids).not.toEqual(b[0]!.ids);
    expect(a[1]!.ids).not.toEqual(b[1]!.ids);
  });

  it('calm has nothing failed', async () => {
    const { sb } = sandboxAt('calm');
    const dead = await sandboxQueueControl(sb).deadJobs('jobs', 'emails', ALL, signal);
    expect(dead).toEqual({ total: 0, ids: [], shown: [] });
  });
});

describe('requeue by id', () => {
  it('moves exactly the given ids back to waiting and nothing else', async () => {
    const { sb } = sandboxAt('dlq-backlog');
    const qc = sandboxQueueControl(sb);
    const before = await qc.deadJobs('jobs', 'emails', ALL, signal);
    const stats = await panel(sb, 'emails');
    const chosen = [before.ids[3]!, before.ids[10]!, before.ids.at(-1)!];
    const out = await qc.requeue('jobs', 'emails', chosen, signal);
    expect(out).toEqual({ moved: chosen, skipped: [] });

    const after = await qc.deadJobs('jobs', 'emails', ALL, signal);
    expect(after.ids).toEqual(before.ids.filter((id) => !chosen.includes(id)));
    expect(await qc.stillDead('jobs', 'emails', before.ids.slice(0, 12), signal)).toEqual(before.ids.slice(0, 12).filter((id) => !chosen.includes(id)));
    const now = await panel(sb, 'emails');
    expect(now.failed).toBe(stats.failed - 3);
    expect(now.waiting).toBe(stats.waiting + 3);
    // at the back of a long line: waiting, not active
    expect(await qc.places('jobs', 'emails', chosen, signal)).toEqual(Object.fromEntries(chosen.map((id) => [id, 'waiting'])));

    const again = await qc.requeue('jobs', 'emails', [chosen[0]!, '1'], signal);
    expect(again.moved).toEqual([]);
    expect(again.skipped).toEqual([
      { id: chosen[0], reason: 'not in the failed set any more' },
      { id: '1', reason: 'the job no longer exists' },
    ]);
    expect(await qc.places('jobs', 'emails', ['1'], signal)).toEqual({ '1': 'gone' });
  });

  it('a requeued job runs later: it completes, or fails again under the same id', async () => {
    const { sb, clock } = sandboxAt('dlq-backlog');
    const qc = sandboxQueueControl(sb);
    const { ids } = await qc.deadJobs('jobs', 'emails', { limit: 200, detail: 0 }, signal);
    await qc.requeue('jobs', 'emails', ids, signal);
    const settled = async () => Object.values(await qc.places('jobs', 'emails', ids, signal)).every((p) => p === 'done' || p === 'failed');
    let minutes = 0;
    for (; minutes < 240 && !(await settled()); minutes++) clock.advance(MIN);
    expect(await settled()).toBe(true);
    const places = await qc.places('jobs', 'emails', ids, signal);
    const again = ids.filter((id) => places[id] === 'failed');
    // the SMTP provider still fails 60 % of sends
    expect(again.length).toBeGreaterThan(ids.length * 0.4);
    expect(again.length).toBeLessThan(ids.length * 0.8);
    const dead = await qc.deadJobs('jobs', 'emails', ALL, signal);
    expect(dead.total).toBe((await panel(sb, 'emails')).failed);
    // failed again: the same ids, behind the failures that were left in the set
    expect(dead.ids.filter((id) => again.includes(id)).sort()).toEqual([...again].sort());
    expect(ids.filter((id) => places[id] === 'done')).toEqual(ids.filter((id) => !again.includes(id)));
  });

  it('retry-all and the panel agree with the dead set', async () => {
    const { sb } = sandboxAt('dlq-backlog');
    const qc = sandboxQueueControl(sb);
    const total = (await qc.deadJobs('jobs', 'default', ALL, signal)).total;
    expect(await sb.requeueFailed('jobs', 'default')).toBe(total);
    expect((await qc.deadJobs('jobs', 'default', ALL, signal)).total).toBe(0);
  });

  it('knows the flavours of the demo config, and refuses a queue it does not have', async () => {
    const { sb } = sandboxAt('dlq-backlog');
    const qc = sandboxQueueControl(sb);
    expect(qc.flavorOf('jobs', 'emails')).toBe('bullmq');
    expect(qc.flavorOf('jobs', 'default')).toBe('rq');
    expect(qc.flavorOf('jobs', 'nope')).toBeUndefined();
    await expect(qc.deadJobs('jobs', 'nope', ALL, signal)).rejects.toThrow(/no queue jobs\/nope/);
  });
});

describe('the requeue action on the sandbox', () => {
  it('plans the oldest failures, moves exactly those, and verifies them back', async () => {
    const { sb, clock } = sandboxAt('dlq-backlog');
    const ctx: QueueActionContext = { env: sb.info, now: () => clock.now(), sleep: async () => undefined, queues: sandboxQueueControl(sb) };
    const plan = await requeueAction.plan(ctx, { redis: 'jobs', queue: 'default', limit: 5 }, signal);
    const planned = plan.params.ids;
    expect(planned).toEqual((await ctx.queues.deadJobs('jobs', 'default', { limit: 5, detail: 0 }, signal)).ids);
    expect(plan.phrase).toBe('default');
    // a failure after the plan is not moved
    clock.advance(10 * MIN);
    const failedBefore = (await panel(sb, 'default')).failed;
    expect(failedBefore).toBeGreaterThan(plan.params.total);
    expect(await requeueAction.fingerprint(ctx, plan, signal)).toBe(plan.fingerprint);
    const exec = await requeueAction.execute(ctx, plan, signal, noChildren);
    expect(exec.detail).toBe('requeued 5/5');
    const verify = await requeueAction.verify(ctx, plan, () => undefined, signal);
    expect(verify.ok).toBe(true);
    expect(verify.message).toMatch(/^demo\/jobs\/default: 5\/5 requeued \(\d+ (waiting|active)/);
    expect((await panel(sb, 'default')).failed).toBe(failedBefore - 5);
    // the plan is now stale: its jobs have left the failed set
    expect(await requeueAction.fingerprint(ctx, plan, signal)).not.toBe(plan.fingerprint);
  });
});

describe('the job ledger', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('arrive' as const), n: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('depart' as const), n: fc.integer({ min: 0, max: 60 }), share: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc.record({ kind: fc.constant('requeue' as const), pick: fc.array(fc.nat(), { maxLength: 12 }), bogus: fc.boolean() }),
  );

  it('keeps the counts the fluid model keeps, with every job once and requeued ids kept', () => {
    fc.assert(
      fc.property(fc.constantFrom('bullmq' as const, 'rq' as const), fc.integer({ min: 0, max: 30 }), fc.array(op, { maxLength: 40 }), (flavor, initial, ops) => {
        const ledger = new JobLedger(flavor, 11, initial, 5_000);
        let pool = 0;
        let failed = initial;
        let t = 1_000_000;
        const requeued = new Set<string>();
        ledger.dateInitial(t);
        for (const o of ops) {
          if (o.kind === 'arrive') {
            ledger.arrive(o.n);
            pool += o.n;
          } else if (o.kind === 'depart') {
            const done = Math.min(o.n, pool);
            const failing = Math.floor(done * o.share);
            ledger.depart(done, failing, t, (t += 1_000));
            pool -= done;
            failed += failing;
          } else {
            const { ids } = ledger.deadJobs(100_000, 0);
            const chosen = [...new Set(o.pick.filter((i) => i < ids.length).map((i) => ids[i]!))];
            const out = ledger.requeue(o.bogus ? [...chosen, 'no-such-job'] : chosen);
            expect(out.moved).toEqual(chosen);
            expect(out.skipped).toEqual(o.bogus ? [{ id: 'no-such-job', reason: 'the job no longer exists' }] : []);
            for (const id of chosen) requeued.add(id);
            pool += chosen.length;
            failed -= chosen.length;
          }
          const dead = ledger.deadJobs(100_000, 0);
          expect(dead.total).toBe(failed);
          expect(new Set(dead.ids).size).toBe(failed);
        }
        // once the whole line has been worked off, every requeued job is done or failed again under its id
        ledger.depart(pool, 0, t, t + 1_000);
        const places = ledger.places([...requeued], 0);
        const dead = new Set(ledger.deadJobs(100_000, 0).ids);
        for (const id of requeued) expect(places[id]).toBe(dead.has(id) ? 'failed' : 'done');
      }),
      { numRuns: 300 },
    );
  });
});
