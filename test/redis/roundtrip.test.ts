// One refresh = one pipelined round trip per Redis, however many queues:
// counted at the client's socket (writes) and at the server (MONITOR).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { deleteTagged, REDIS_URL, signal, source, tag } from './helpers.js';
import type { QueueConfig } from '../../src/sources/redis/layout.js';
import type { RedisQueueSource } from '../../src/sources/redis/index.js';

let t: string;
let raw: Redis;
let monitor: Redis | undefined;
let src: RedisQueueSource | undefined;

beforeEach(() => {
  t = tag('rt');
  raw = new Redis(REDIS_URL);
});

afterEach(async () => {
  monitor?.disconnect();
  await src?.close();
  await deleteTagged(raw, t);
  raw.disconnect();
});

function queues(): QueueConfig[] {
  const out: QueueConfig[] = [];
  for (let i = 0; i < 10; i++) {
    out.push({ name: `b${i}`, flavor: 'bullmq', prefix: t });
    out.push({ name: `${t}-r${i}`, flavor: 'rq' });
    out.push({ name: `s${i}`, flavor: 'sidekiq', prefix: t });
    out.push({ name: `l${i}`, flavor: 'list', key: `${t}:l${i}`, deadKey: `${t}:l${i}:dead` });
  }
  out.push({ name: 'events', flavor: 'stream', key: `${t}:events` });
  return out;
}

describe('a refresh', () => {
  it('sends every command for every queue in one write, answered in one pipeline', async () => {
    await raw.lpush(`${t}:b3:wait`, '1');
    await raw.hset(`${t}:b3:1`, 'timestamp', String(Date.now()));
    const qs = queues();
    src = source([{ name: 'jobs', url: REDIS_URL, queues: qs }]);
    // the first read connects (ready check, client name): leave those out of the count
    await src.read(signal());

    const client = src.linkOf('jobs')!.client;
    const writes: number[] = [];
    const stream = client.stream;
    const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
    (stream as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => {
      writes.push(Buffer.byteLength(chunk as string));
      return write(chunk, ...rest);
    };
    const pipelines = { n: 0 };
    const pipeline = client.pipeline.bind(client);
    (client as { pipeline: unknown }).pipeline = (...a: Parameters<typeof pipeline>) => {
      pipelines.n++;
      return pipeline(...a);
    };

    monitor = new Redis(REDIS_URL);
    const seen: string[] = [];
    const mon = await monitor.monitor();
    const from = `${client.stream.localAddress}:${client.stream.localPort}`;
    let marked = false;
    mon.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === from) seen.push(String(args[0]).toLowerCase());
      if (args[1] === `${t}-marker`) marked = true;
    });
    // MONITOR starts asynchronously: wait until it sees a marker of ours
    await expect.poll(async () => (await raw.echo(`${t}-marker`), marked), { message: 'MONITOR to start' }).toBe(true);

    const snap = await src.read(signal());
    expect(snap.queues).toHaveLength(qs.length);
    expect(writes).toHaveLength(1);
    expect(pipelines.n).toBe(1);

    // ping + 3 INFO; bullmq 12 + 2 heads; rq 9 + head; sidekiq 1 summary + 2 per queue; list 1 + dead; stream 1
    const expected = 4 + 10 * 14 + 10 * 10 + (1 + 10 * 2) + 10 * 2 + 1;
    await expect.poll(() => seen.length, { message: 'the commands to reach the server' }).toBeGreaterThanOrEqual(expected);
    expect(seen.length).toBe(expected);
    expect(seen[0]).toBe('ping');
    expect(seen.filter((c) => c === 'info')).toHaveLength(3);
    // the scripts run by SHA once the connection has them
    expect(seen.filter((c) => c === 'evalsha')).toHaveLength(10 * 2 + 10 + 1 + 10 + 1);
    expect(seen).not.toContain('eval');
  });
});
