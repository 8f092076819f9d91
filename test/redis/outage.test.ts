// A private redis-server killed mid-run: the Redis line turns into one error,
// the queues of that Redis disappear, and both come back when the server is
// started again on the same port, with no new source and no restart.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { RedisServer } from '../support/redisServer.js';
import { signal, source } from './helpers.js';
import type { QueuesSnapshot } from '../../src/model/queues.js';
import { queueHarness } from './requeueSupport.js';
import { Store } from '../../src/engine/store.js';
import { Watcher } from '../../src/engine/watcher.js';
import { failOnQueueOutage } from '../../src/engine/outage.js';
import { errorMessage } from '../../src/text/sanitize.js';
import { framePanel, summaryLine } from '../../views/PanelFrame.js';
import type { Line } from '../../views/text.js';

const plain = (l: Line) => l.map((x) => x.text).join('');

let server: RedisServer;

beforeAll(async () => {
  server = await RedisServer.start();
});

afterAll(async () => {
  await server.dispose();
});

async function fill(url: string, n: number): Promise<void> {
  const r = new Redis(url);
  await r.lpush('mail', ...Array.from({ length: n }, (_, i) => `job-${i}`));
  r.disconnect();
}

describe('a Redis that dies and returns', () => {
  it('shows the error while it is down and recovers when it is back on the same port', async () => {
    await fill(server.url, 3);
    const src = source([
      { name: 'jobs', url: server.url, queues: [{ name: 'mail', flavor: 'list' }] },
      { name: 'cache', url: 'redis://127.0.0.1:6379', queues: [] },
    ]);
    try {
      const before = await src.read(signal());
      expect(before.redis[0]).toMatchObject({ name: 'jobs', ok: true });
      expect(before.queues).toEqual([expect.objectContaining({ name: 'mail', waiting: 3 })]);

      await server.stop();
      const down = await vi.waitFor(async () => {
        const s = await src.read(signal());
        expect(s.redis[0]!.ok, 'the outage to show').toBe(false);
        return s;
      }, { timeout: 5_000 });
      expect(down.redis[0]).toMatchObject({ name: 'jobs', ok: false, pingMs: null, usedMemoryBytes: null });
      expect(down.redis[0]!.error).toMatch(new RegExp(`(connection refused by|connection to) 127\\.0\\.0\\.1:${server.port}`));
      expect(down.redis[0]!.error).not.toMatch(/\n/);
      expect(down.queues).toEqual([]);
      // the other Redis is unaffected
      expect(down.redis[1]).toMatchObject({ name: 'cache', ok: true });
      // while it stays down, reads keep failing, with the reason of the latest reconnect attempt
      await expect
        .poll(async () => (await src.read(signal())).redis[0]!.error, { message: 'the refused reconnect to show' })
        .toMatch(/^connection refused by 127\.0\.0\.1:\d+; is Redis running there\?$/);

      await server.start();
      await fill(server.url, 5);
      const back: QueuesSnapshot = await vi.waitFor(async () => {
        const s = await src.read(signal());
        expect(s.redis[0]!.ok, 'the Redis to come back').toBe(true);
        return s;
      }, { timeout: 15_000 });
      expect(back.redis[0]!.error).toBeUndefined();
      expect(back.queues).toEqual([expect.objectContaining({ name: 'mail', waiting: 5 })]);
    } finally {
      await src.close();
    }
  });

  it('the queue panel keeps its last good figures during the outage, marked with the error and their age', async () => {
    // a fresh server: the one killed before kept nothing (--save "")
    await server.stop();
    await server.start();
    await fill(server.url, 4);
    const src = source([{ name: 'jobs', url: server.url, queues: [{ name: 'mail', flavor: 'list' }] }]);
    const store = new Store({ intervals: { ecs: 1000, rds: 1000, logs: 1000, queues: 100, postgres: 1000, health: 1000, metrics: 1000 }, coalesceMs: 0 });
    const stop = new AbortController();
    // the wiring of Runtime.startNow's queue watcher
    const watcher = new Watcher<QueuesSnapshot>({
      name: 'queues',
      intervalMs: 100,
      maxBackoffMs: 200,
      poll: async (sig) => failOnQueueOutage(await src.read(sig), store.get('queues').data),
      signal: stop.signal,
      onData: (d) => store.succeed('queues', d),
      onError: (err) => store.fail('queues', errorMessage(err)),
    });
    try {
      watcher.start();
      await expect.poll(() => store.get('queues').status, { message: 'the first good read' }).toBe('ok');
      const good = store.get('queues');
      expect(good.data?.queues).toEqual([expect.objectContaining({ name: 'mail', waiting: 4 })]);

      await server.stop();
      const failed = await vi.waitFor(() => {
        const snap = store.get('queues');
        if (snap.status !== 'error') throw new Error('the panel to show the outage');
        return snap;
      }, { timeout: 10_000 });
      expect(failed.error).toMatch(new RegExp(`^Redis jobs unreachable: (connection refused by|connection to) 127\\.0\\.0\\.1:${server.port}`));
      // the figures from before the outage, and when they were read
      expect(failed.data).toEqual(good.data);
      expect(failed.updatedAt).toBe(good.updatedAt);
      expect(failed.attemptedAt).toBeGreaterThan(good.updatedAt!);
      // it stays failed while Redis is down: the next refreshes do not turn it into "no queues"
      const seen = failed.attemptedAt!;
      await expect.poll(() => store.get('queues').attemptedAt! > seen, { message: 'another refresh' }).toBe(true);
      expect(store.get('queues')).toMatchObject({ status: 'error', data: good.data });

      const now = good.updatedAt! + 42_000;
      const screen = framePanel({ id: 'queues', snap: failed, width: 120, height: 10, now, focused: false, detail: false, filter: '', selected: 0 }).map(plain);
      // the title says the figures are stale, and how old
      expect(screen[0]).toMatch(/ 4 Queues +stale 42s /);
      expect(screen[0]).not.toMatch(/ ok /);
      expect(screen[1]).toMatch(/Redis jobs unreachable: (connection refused by|connection to) 127\.0\.0\.1:\d+.* · showing data from 42s ago/);
      expect(screen.join('\n')).toMatch(/mail/);
      expect(screen.join('\n')).not.toMatch(/no queues/);
      expect(plain(summaryLine({ id: 'queues', snap: failed, width: 200, now, focused: false, filter: '' }))).toMatch(/stale 42s .*showing data from 42s ago/);

      await server.start();
      await fill(server.url, 2);
      await expect.poll(() => store.get('queues').status, { timeout: 15_000, message: 'the panel to recover' }).toBe('ok');
      expect(store.get('queues').error).toBeUndefined();
      expect(store.get('queues').data?.queues).toEqual([expect.objectContaining({ name: 'mail', waiting: 2 })]);
    } finally {
      stop.abort();
      await src.close();
      await server.start();
    }
  });

  it('a Redis that hangs fails the read after the command timeout, then answers again', async () => {
    const src = source([{ name: 'jobs', url: server.url, queues: [{ name: 'mail', flavor: 'list' }] }], { commandTimeoutMs: 300 });
    try {
      expect((await src.read(signal())).redis[0]!.ok).toBe(true);
      server.pause();
      const hung = await src.read(signal());
      expect(hung.redis[0]).toMatchObject({ ok: false, error: `127.0.0.1:${server.port} did not answer in time` });
      server.resume();
      await expect.poll(async () => (await src.read(signal())).redis[0]!.ok, { timeout: 10_000, message: 'answers after SIGCONT' }).toBe(true);
    } finally {
      server.resume();
      await src.close();
    }
  });

  it('a Redis that is down from the start errors at once, then appears when it starts', async () => {
    await server.stop();
    const src = source([{ name: 'jobs', url: server.url, queues: [{ name: 'mail', flavor: 'list' }] }]);
    try {
      const first = await src.read(signal());
      expect(first.redis[0]).toMatchObject({ ok: false, error: `connection refused by 127.0.0.1:${server.port}; is Redis running there?` });
      await server.start();
      await expect.poll(async () => (await src.read(signal())).redis[0]!.ok, { timeout: 15_000, message: 'the first connection' }).toBe(true);
    } finally {
      await src.close();
    }
  });

  it('a requeue planned while Redis is down fails with one line and touches nothing', async () => {
    await server.stop();
    const h = queueHarness([{ name: 'jobs', url: server.url, queues: [{ name: 'mail', flavor: 'list', deadKey: 'mail:dead' }] }]);
    try {
      await expect(h.plan({ redis: 'jobs', queue: 'mail' })).rejects.toThrow(`connection refused by 127.0.0.1:${server.port}; is Redis running there?`);
      expect(h.journal.read()).toEqual([]);
    } finally {
      await h.close();
      await server.start();
    }
  });
});
