// Sidekiq by its documented layout (see sidekiqLayout.ts), under a
// redis-namespace unique to the test so the shared sets stay the test's own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { deleteTagged, queueOf, REDIS_URL, signal, source, tag } from './helpers.js';
import { failToRetry, job, kill, processWorking, push, schedule } from './sidekiqLayout.js';
import { sidekiqTime } from '../../src/sources/redis/read/sidekiq.js';
import type { RedisQueueSource, RedisQueueSourceOptions } from '../../src/sources/redis/index.js';

let prefix: string;
let ns: string;
let raw: Redis;
const open: RedisQueueSource[] = [];

beforeEach(() => {
  prefix = tag('sk');
  ns = `${prefix}:`;
  raw = new Redis(REDIS_URL);
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await deleteTagged(raw, prefix);
  raw.disconnect();
});

function sidekiqSource(opts: RedisQueueSourceOptions = {}): RedisQueueSource {
  const src = source(
    [
      {
        name: 'jobs',
        url: REDIS_URL,
        queues: [
          { name: 'default', flavor: 'sidekiq', prefix },
          { name: 'mailers', flavor: 'sidekiq', prefix },
        ],
      },
    ],
    opts,
  );
  open.push(src);
  return src;
}

describe('Sidekiq queues', () => {
  it('splits the shared retry, dead, schedule and work sets per queue', async () => {
    const t0 = Date.now() - 90_000;
    await push(raw, ns, job('default'), t0);
    await push(raw, ns, job('default'), t0 + 30_000);
    await push(raw, ns, job('default'), t0 + 60_000);
    await push(raw, ns, job('mailers'));
    for (let i = 0; i < 3; i++) await failToRetry(raw, ns, job('default'));
    await failToRetry(raw, ns, job('mailers'));
    for (let i = 0; i < 2; i++) await kill(raw, ns, job('mailers'));
    await schedule(raw, ns, job('default'));
    await processWorking(raw, ns, 'host-a:1:aaa', [job('default'), job('default'), job('mailers')]);
    // a process that stopped beating: its identity hash expired, its work is stale
    await processWorking(raw, ns, 'host-b:2:bbb', [job('default')], false);

    const snap = await sidekiqSource({ now: () => t0 + 100_000 }).read(signal());
    expect(queueOf(snap, 'default')).toMatchObject({ flavor: 'sidekiq', waiting: 3, active: 2, delayed: 1, failed: 3, oldestWaitingAgeMs: 100_000 });
    expect(queueOf(snap, 'mailers')).toMatchObject({ waiting: 1, active: 1, delayed: 0, failed: 3 });
    expect(snap.redis[0]).toMatchObject({ ok: true });
  });

  it('counts the busy threads of Sidekiq 6 processes (<identity>:workers) and of 7 on (<identity>:work) alike', async () => {
    await processWorking(raw, ns, 'host-6:1:aaa', [job('default'), job('mailers')], true, 'workers');
    await processWorking(raw, ns, 'host-7:2:bbb', [job('default')], true, 'work');
    // a Sidekiq 6 process that stopped beating: its busy threads are stale
    await processWorking(raw, ns, 'host-6:3:ccc', [job('default')], false, 'workers');

    const snap = await sidekiqSource().read(signal());
    expect(queueOf(snap, 'default')).toMatchObject({ active: 2, states: { enqueued: 0, busy: 2, scheduled: 0, retry: 0, dead: 0 } });
    expect(queueOf(snap, 'mailers')).toMatchObject({ active: 1, states: { busy: 1 } });
  });

  it('reads the float-seconds enqueued_at of Sidekiq before 8', async () => {
    const t = Date.now() - 42_000;
    await raw.lpush(`${ns}queue:default`, JSON.stringify({ ...job('default'), enqueued_at: t / 1000, created_at: t / 1000 }));
    const q = queueOf(await sidekiqSource({ now: () => t + 42_000 }).read(signal()), 'default');
    expect(q.oldestWaitingAgeMs).toBe(42_000);
    expect(sidekiqTime(1714542069.5)).toBe(1714542069500);
    expect(sidekiqTime(1714542069500)).toBe(1714542069500);
  });

  it('samples a set larger than the scan cap from its newest end and scales the split', async () => {
    // 40 retries, every fourth one a mailer; the newest 10 hold 3 mailers
    for (let i = 1; i <= 40; i++) await failToRetry(raw, ns, job(i % 4 === 0 ? 'mailers' : 'default'), i);
    const snap = await sidekiqSource({ sidekiqScanCap: 10 }).read(signal());
    expect(queueOf(snap, 'default').failed).toBe(28);
    expect(queueOf(snap, 'mailers').failed).toBe(12);
    const exact = await sidekiqSource({ sidekiqScanCap: 1000 }).read(signal());
    expect(queueOf(exact, 'default').failed).toBe(30);
    expect(queueOf(exact, 'mailers').failed).toBe(10);
  });
});
