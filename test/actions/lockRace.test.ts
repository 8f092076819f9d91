// Two real processes race for the same lock, round after round: exactly one may win each time.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { resourceKey } from '../../src/actions/lockResource.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { bundleForNode } from '../support/bundle.js';
import { LineChild } from '../support/lineChild.js';

const URL = process.env.OPSDECK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = 20;
let work = '';
let script = '';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'opsdeck-race-'));
  script = await bundleForNode('test/support/lockRace.ts', work);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Reply {
  round: number;
  won: boolean;
  pid?: number;
  holderPid?: number | null;
  message?: string;
}

/** Runs the rounds; `before` may prepare each round's key (e.g. plant a stale lock). */
async function race(args: string[], before: (key: string) => void | Promise<void> = () => {}): Promise<void> {
  const children = [new LineChild(script, args), new LineChild(script, args)];
  try {
    for (const c of children) expect(await c.next(), c.errors).toEqual({ ready: true });
    for (let round = 0; round < ROUNDS; round++) {
      const key = resourceKey({ kind: 'ecs-service', account: '111122223333', region: 'eu-west-1', cluster: 'race', service: `svc-${round}` });
      await before(key);
      const at = Date.now() + 15;
      for (const c of children) c.send({ round, key, ttl: 60_000, at });
      const replies = await Promise.all(children.map((c) => c.next<Reply>()));
      const winners = replies.filter((r) => r.won);
      expect(winners, JSON.stringify(replies)).toHaveLength(1);
      const loser = replies.find((r) => !r.won)!;
      // the loser names the process that actually won
      expect(loser.holderPid).toBe(winners[0]!.pid);
      expect(loser.message).toContain(`race/svc-${round} is locked: race of`);
    }
    for (const c of children) expect(await c.close()).toBe(0);
  } finally {
    for (const c of children) c.kill();
  }
}

describe('lock races between processes', () => {
  it('file lock: one winner per round on a free lock', async () => {
    await race(['file', join(work, 'free')]);
  });

  it('file lock: one winner per round when both take over the same expired lock', async () => {
    const dir = join(work, 'stale');
    const stale = new FileTargetLock(dir, { now: () => Date.now() - 3_600_000 });
    await race(['file', dir], async (key) => {
      await stale.acquire(key, 1_000, { action: 'stale', environment: 'race', target: key });
    });
  });

  it('Redis lock: one winner per round', async () => {
    const prefix = `opsdeck-test:${randomBytes(6).toString('hex')}:`;
    const raw = new Redis(URL);
    try {
      await race(['redis', URL, prefix]);
    } finally {
      const keys = await raw.keys(`${prefix}*`);
      if (keys.length) await raw.del(...keys);
      raw.disconnect();
    }
  });
});
