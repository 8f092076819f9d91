/**
 * Benchmark figure for bench/run.mjs: how long one refresh of `n` queues
 * takes against the real local Redis (one pipelined round trip). It fills a
 * mix of BullMQ, RQ, Sidekiq and list queues under a unique tag, reads them
 * `runs` times, prints and returns the figures, and deletes its keys. It
 * never asserts: the numbers are for people to compare across commits.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { RedisQueueSource } from '../../src/sources/redis/index.js';
import type { QueueConfig } from '../../src/sources/redis/layout.js';

export interface QueueBenchFigures {
  queues: number;
  runs: number;
  firstReadMs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

const FLAVORS = ['bullmq', 'rq', 'sidekiq', 'list'] as const;

async function fill(redis: Redis, t: string, n: number): Promise<QueueConfig[]> {
  const queues: QueueConfig[] = [];
  const pipe = redis.pipeline();
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const flavor = FLAVORS[i % FLAVORS.length]!;
    const name = `${t}-q${i}`;
    if (flavor === 'bullmq') {
      for (let j = 1; j <= 20; j++) {
        pipe.lpush(`${t}:${name}:wait`, String(j)).hset(`${t}:${name}:${j}`, 'timestamp', String(now - j * 1000), 'delay', '0');
      }
      pipe.zadd(`${t}:${name}:failed`, now, 'f1').set(`${t}:${name}:id`, '20');
      queues.push({ name, flavor, prefix: t });
    } else if (flavor === 'rq') {
      for (let j = 1; j <= 20; j++) pipe.rpush(`rq:queue:${name}`, `${name}-${j}`).hset(`rq:job:${name}-${j}`, 'enqueued_at', new Date(now - j * 1000).toISOString());
      pipe.zadd(`rq:failed:${name}`, now / 1000 + 3600, `${name}-x`);
      queues.push({ name, flavor });
    } else if (flavor === 'sidekiq') {
      for (let j = 1; j <= 20; j++) pipe.lpush(`${t}:queue:${name}`, JSON.stringify({ jid: `${j}`, queue: name, class: 'W', args: [], enqueued_at: now - j * 1000 }));
      pipe.zadd(`${t}:dead`, now / 1000, JSON.stringify({ jid: `d-${i}`, queue: name, class: 'W', args: [] }));
      queues.push({ name, flavor, prefix: t });
    } else {
      for (let j = 1; j <= 20; j++) pipe.lpush(`${t}:${name}`, `payload-${j}`);
      queues.push({ name, flavor, key: `${t}:${name}`, deadKey: `${t}:${name}:dead` });
    }
  }
  await pipe.exec();
  return queues;
}

async function clean(redis: Redis, t: string): Promise<void> {
  for (const pattern of [`*${t}*`]) {
    for (let cursor = '0'; ; ) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      if ((cursor = next) === '0') break;
    }
  }
}

export async function benchReadQueues(n = 200, opts: { runs?: number; url?: string; print?: boolean } = {}): Promise<QueueBenchFigures> {
  const runs = opts.runs ?? 30;
  const url = opts.url ?? process.env.OPSDECK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const t = `opsdeck-bench-${randomBytes(4).toString('hex')}`;
  const raw = new Redis(url);
  const source = new RedisQueueSource([{ name: 'bench', url, queues: await fill(raw, t, n) }]);
  try {
    const signal = () => AbortSignal.timeout(30_000);
    const timed = async () => {
      const t0 = performance.now();
      const snap = await source.read(signal());
      const ms = performance.now() - t0;
      if (!snap.redis[0]?.ok || snap.queues.length !== n) throw new Error(`bench read failed: ${snap.redis[0]?.error ?? `${snap.queues.length}/${n} queues`}`);
      return ms;
    };
    const firstReadMs = await timed();
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await timed());
    samples.sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 100) / 100;
    const figures: QueueBenchFigures = {
      queues: n,
      runs,
      firstReadMs: round(firstReadMs),
      medianMs: round(samples[Math.floor(samples.length / 2)]!),
      p95Ms: round(samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))]!),
      maxMs: round(samples[samples.length - 1]!),
    };
    if (opts.print !== false) console.log(JSON.stringify({ bench: 'queues.read', ...figures }));
    return figures;
  } finally {
    await source.close();
    await clean(raw, t);
    raw.disconnect();
  }
}
