// Redis memory against maxmemory, and evictions, on a private redis-server
// (its own port, a small maxmemory, allkeys-lru): the environment opened from
// a config as `check` and the dashboard open it, judged twice (evictions count
// from the previous read). The config's thresholds sit below the defaults
// (80 / 95 %, 1 / 1000 keys), so the severities say which judged; the figures
// are what INFO says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisServer } from '../support/redisServer.js';
import { openEnvironment, type OpenedEnvironment } from '../../src/cli/environment.js';
import { runChecks } from '../../src/checks/run.js';
import { checkSettings } from '../../src/checks/evaluate.js';

let server: RedisServer;
let raw: Redis;
let tmp: string;
let opened: OpenedEnvironment;

async function info(): Promise<{ used: number; max: number; evicted: number }> {
  const text = await raw.info('all');
  const field = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(text)?.[1]);
  return { used: field('used_memory'), max: field('maxmemory'), evicted: field('evicted_keys') };
}

async function judge() {
  const report = await runChecks({ sources: opened.sources, env: opened.info.name, ...checkSettings(opened.config), now: Date.now() });
  const one = (id: string) => report.findings.find((f) => f.checkId === id && f.subject === 'cache/cache');
  return { memory: one('queues.redis-memory'), evictions: one('queues.redis-evictions') };
}

/** "41.3% of maxmemory" → 41.3 */
const percent = (figure: string | undefined) => Number(/^([\d.]+)% of maxmemory$/.exec(figure ?? '')?.[1]);
/**
 * The share INFO gives just after the check read it, within a point: the
 * clients' buffers (this INFO's reply among them) move used_memory by a few KB.
 */
const expectShare = (figure: string | undefined, at: { used: number; max: number }) => expect(Math.abs(percent(figure) - (100 * at.used) / at.max)).toBeLessThanOrEqual(1);

beforeAll(async () => {
  server = await RedisServer.start();
  raw = new Redis(server.url);
  // room for about as much again as the empty server holds: it starts near 40 %
  const empty = await info();
  await raw.config('SET', 'maxmemory', String(Math.round(empty.used * 2.5)));
  await raw.config('SET', 'maxmemory-policy', 'allkeys-lru');
  tmp = mkdtempSync(join(tmpdir(), 'opsdeck-redismem-'));
  writeFileSync(
    join(tmp, 'opsdeck.yaml'),
    [
      'environments:',
      '  cache:',
      `    redis: [{ name: cache, url: "${server.url}" }]`,
      '    thresholds:',
      '      redisMemory: { warn: 30, crit: 60 }',
      '      evictions: { warn: 1, crit: 5 }',
      '',
    ].join('\n'),
  );
  opened = await openEnvironment({ config: join(tmp, 'opsdeck.yaml') }, process.env, { oneShot: true });
}, 30_000);

afterAll(async () => {
  await opened?.sources.close();
  raw?.disconnect();
  await server?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Redis memory and evictions on a real server', () => {
  it('judges used_memory against maxmemory, then the keys evicted since the previous read, by the config thresholds', async () => {
    // first read: about 40 % full (the defaults would say ok), nothing to compare evictions with
    const first = await judge();
    const atFirst = await info();
    expect(first.memory?.severity).toBe('warn');
    expectShare(first.memory?.figure, atFirst);
    expect(first.evictions).toMatchObject({ severity: 'ok', figure: `${atFirst.evicted} evicted since Redis started` });
    expect(atFirst.evicted).toBe(0);

    // fill until Redis evicts: a few batches of 10 KB values past maxmemory
    const value = 'x'.repeat(10_000);
    for (let i = 0; (await info()).evicted < 10; i++) {
      const batch = raw.pipeline();
      for (let j = 0; j < 10; j++) batch.set(`fill:${i}:${j}`, value);
      await batch.exec();
    }

    const second = await judge();
    const atSecond = await info();
    expect(atSecond.evicted).toBeGreaterThanOrEqual(10);
    // evicted between the reads: every key Redis dropped since the first (which saw none)
    expect(second.evictions?.figure).toBe(`${atSecond.evicted} evicted, ${atSecond.evicted} in all`);
    // 5 is the config's crit; the default (1000) would only warn at this count
    expect(atSecond.evicted).toBeLessThan(1000);
    expect(second.evictions?.severity).toBe('crit');
    expect(second.evictions?.message).toContain(`${atSecond.evicted} keys evicted since the previous read`);
    expectShare(second.memory?.figure, atSecond);
    expect(second.memory?.severity).toBe('crit');
  }, 60_000);
});
