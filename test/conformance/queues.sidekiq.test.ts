// Conformance with Sidekiq (Debian's ruby-sidekiq, 6.x here; 7 and later
// keep busy work under `<identity>:work`, 6 under `<identity>:workers`): jobs
// pushed with Sidekiq::Client, a real `sidekiq` process that sends one job to
// the retry set, one to the dead set and holds two busy, jobs scheduled and
// killed through Sidekiq's API; opsdeck's figures compared exactly with
// Sidekiq::Queue#size, Sidekiq::Workers, RetrySet, DeadSet, ScheduledSet and
// Sidekiq::Stats, called from Ruby.
//
// Sidekiq's retry, dead, schedule and process keys are global to a Redis
// database, so this test owns one database (13, or
// OPSDECK_CONFORMANCE_SIDEKIQ_DB) and empties it before and after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { queueOf, REDIS_URL, signal, source } from '../redis/helpers.js';
import { agree, exited, HERE, requirePeer, RUBY, SIDEKIQ_CLI, sidekiqPeer, startPeer } from './queuesSupport.js';

const INSTALL = 'install Debian\'s ruby-sidekiq (`apt-get install ruby-sidekiq`; .ci/run does it)';
const DB = Number(process.env.OPSDECK_CONFORMANCE_SIDEKIQ_DB ?? 13);
const url = (() => {
  const u = new URL(REDIS_URL);
  u.pathname = `/${DB}`;
  return u.toString();
})();
const QUEUES = ['work', 'mail', 'reports'];
const STATES = ['enqueued', 'busy', 'scheduled', 'retry', 'dead'] as const;
const RELEASE = 'opsdeck-conformance-release';

interface PeerCounts {
  version: string;
  queues: Record<string, Record<(typeof STATES)[number], number>>;
  totals: Record<string, number>;
}

let raw: Redis;
let proc: ReturnType<typeof startPeer> | undefined;

beforeAll(async () => {
  await requirePeer('ruby-sidekiq', RUBY, ['-e', 'require "sidekiq"; require "sidekiq/api"'], INSTALL);
  await requirePeer('the sidekiq command', SIDEKIQ_CLI, ['-V'], INSTALL);
  raw = new Redis(url);
  await raw.flushdb();
});

afterAll(async () => {
  if (proc) {
    await raw.set(RELEASE, '1');
    proc.child.kill('SIGTERM');
    await exited(proc.child, 15_000);
  }
  if (raw) {
    await raw.flushdb();
    raw.disconnect();
  }
});

/** Sidekiq::Workers#size counts the `busy` field the heartbeat writes, the WorkSet its per-thread hash. */
async function busyAsSidekiqSees(): Promise<number> {
  const c = await sidekiqPeer<PeerCounts>(url, 'counts', JSON.stringify(['work']));
  return c.totals.busy === c.queues.work!.busy ? c.totals.busy! : -1;
}

describe('conformance: Sidekiq', () => {
  it('every queue\'s enqueued, busy, scheduled, retry and dead equal Sidekiq\'s own API', async () => {
    const { version } = await sidekiqPeer<{ version: string }>(url, 'version');
    proc = startPeer(SIDEKIQ_CLI, ['-r', join(HERE, 'queuesSidekiq.rb'), '-q', 'work', '-c', '2', '-t', '2'], { REDIS_URL: url });

    // through the real process: one job to the retry set, one straight to the dead set
    await sidekiqPeer(url, 'push', JSON.stringify([{ queue: 'work', class: 'Boom' }, { queue: 'work', class: 'Doomed' }]));
    await expect.poll(async () => (await raw.zcard('retry')) === 1 && (await raw.zcard('dead')) === 1, { timeout: 30_000, message: `sidekiq to fail two jobs (${proc.output()})` }).toBeTruthy();
    // two jobs that hold both of its threads busy until released
    await sidekiqPeer(url, 'push', JSON.stringify([{ queue: 'work', class: 'Hold', args: [RELEASE], n: 2 }]));
    // the process publishes busy work on its heartbeat, every 5 s
    await expect.poll(async () => (await busyAsSidekiqSees()) === 2, { timeout: 30_000, interval: 500, message: `Sidekiq::Workers to report 2 busy (${proc.output()})` }).toBeTruthy();

    // what no process takes: enqueued in every queue, scheduled and dead in two
    await sidekiqPeer(url, 'push', JSON.stringify([{ queue: 'work', class: 'Noop' }, { queue: 'mail', class: 'Noop', n: 3 }, { queue: 'reports', class: 'Noop', n: 2 }]));
    await sidekiqPeer(url, 'schedule', JSON.stringify([{ queue: 'reports', class: 'Noop', in: 3600, n: 2 }, { queue: 'mail', class: 'Noop', in: 7200 }]));
    await sidekiqPeer(url, 'kill', JSON.stringify([{ queue: 'mail', class: 'Noop', n: 2 }]));

    const theirs = await sidekiqPeer<PeerCounts>(url, 'counts', JSON.stringify(QUEUES));
    const s = source([{ name: 'jobs', url, queues: QUEUES.map((name) => ({ name, flavor: 'sidekiq' as const })) }]);
    let snap;
    try {
      snap = await s.read(signal());
    } finally {
      await s.close();
    }

    const peer = `Sidekiq ${version}`;
    const sums: Record<string, number> = { enqueued: 0, busy: 0, scheduled: 0, retry: 0, dead: 0 };
    for (const name of QUEUES) {
      const ours = queueOf(snap, name);
      agree(name, peer, ours.states, theirs.queues[name]!);
      const t = theirs.queues[name]!;
      agree(name, `${peer} sums`, { waiting: ours.waiting, active: ours.active, delayed: ours.delayed, failed: ours.failed }, { waiting: t.enqueued, active: t.busy, delayed: t.scheduled, failed: t.retry + t.dead });
      for (const st of STATES) sums[st] = sums[st]! + (ours.states?.[st] ?? 0);
    }
    // every job here belongs to one of the three queues, so Sidekiq's totals are opsdeck's sums
    agree('all queues', `Sidekiq ${version} totals (Stats#enqueued, Workers#size, ScheduledSet#size, RetrySet#size, DeadSet#size)`, sums, {
      enqueued: theirs.totals.enqueued!, busy: theirs.totals.busy!, scheduled: theirs.totals.scheduled!, retry: theirs.totals.retry!, dead: theirs.totals.dead!,
    });
    agree('all queues', `Sidekiq ${version} Stats`, sums, {
      busy: theirs.totals.stats_busy!, scheduled: theirs.totals.stats_scheduled!, retry: theirs.totals.stats_retry!, dead: theirs.totals.stats_dead!,
    });

    // every state was filled, so each comparison above compared something
    expect(theirs.queues).toEqual({
      work: { enqueued: 1, busy: 2, scheduled: 0, retry: 1, dead: 1 },
      mail: { enqueued: 3, busy: 0, scheduled: 1, retry: 0, dead: 2 },
      reports: { enqueued: 2, busy: 0, scheduled: 2, retry: 0, dead: 0 },
    });
  }, 120_000);
});
