import { describe, expect, it } from 'vitest';
import { failOnQueueOutage } from '../../src/engine/outage.js';
import type { QueueStats, QueuesSnapshot, RedisHealth } from '../../src/model/queues.js';

const health = (name: string, ok: boolean): RedisHealth => ({ name, ok, pingMs: ok ? 1 : null, usedMemoryBytes: null, maxMemoryBytes: null, clients: null, evictedKeys: null, ...(ok ? {} : { error: `connection refused by ${name}:6379` }) });
const queue = (redis: string, name: string): QueueStats => ({ redis, name, flavor: 'list', waiting: 3, active: 0, delayed: 0, failed: 0, oldestWaitingAgeMs: null, drainPerMinute: null, etaToEmptyMs: null });
const snap = (redis: RedisHealth[], queues: QueueStats[]): QueuesSnapshot => ({ redis, queues });

describe('a queue refresh on the dashboard', () => {
  const lastGood = snap([health('jobs', true), health('cache', true)], [queue('jobs', 'mail')]);

  it('fails when a Redis that held queues is down, naming it, so the store keeps the figures', () => {
    expect(() => failOnQueueOutage(snap([health('jobs', false), health('cache', true)], []), lastGood)).toThrow('Redis jobs unreachable: connection refused by jobs:6379');
  });

  it('passes through a Redis that held no queues being down, and every read before the first good one', () => {
    const cacheDown = snap([health('jobs', true), health('cache', false)], [queue('jobs', 'mail')]);
    expect(failOnQueueOutage(cacheDown, lastGood)).toBe(cacheDown);
    const downFromStart = snap([health('jobs', false)], []);
    expect(failOnQueueOutage(downFromStart, undefined)).toBe(downFromStart);
  });
});
