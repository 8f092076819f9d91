/**
 * Shared by the Redis tests: the local Redis, a unique tag per test (every
 * key, queue name, job id and worker name carries it, so cleanup deletes
 * exactly what the test made), the real RQ through python3-rq, and a
 * source with a clock the test controls.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { RedisQueueSource, type RedisConfig, type RedisQueueSourceOptions } from '../../src/sources/redis/index.js';
import type { QueueStats, QueuesSnapshot } from '../../src/model/queues.js';

export const REDIS_URL = process.env.OPSDECK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Debian's python3-rq lives in the system interpreter, not in a pyenv one
export const PYTHON = process.env.OPSDECK_TEST_PYTHON ?? '/usr/bin/python3';
const RQ_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'rq');

export function tag(kind: string): string {
  return `opsdeck-t-${kind}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key containing `t` (and RQ's registration of a queue named with it). */
export async function deleteTagged(redis: Redis, t: string): Promise<number> {
  const keys: string[] = [];
  for (let cursor = '0'; ; ) {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `*${t}*`, 'COUNT', 1000);
    keys.push(...batch);
    if ((cursor = next) === '0') break;
  }
  if (keys.length) await redis.del(...keys);
  await redis.srem('rq:queues', `rq:queue:${t}`);
  await redis.srem('rq:workers', `rq:worker:${t}-w`);
  return keys.length;
}

const run = promisify(execFile);

/** Runs test/support/rq/rqhelper.py with the real RQ; returns its JSON answer. */
export async function rq<T = Record<string, unknown>>(cmd: 'enqueue' | 'work' | 'states' | 'counts' | 'requeue' | 'failed', url: string, queue: string, arg?: unknown): Promise<T> {
  const args = [join(RQ_DIR, 'rqhelper.py'), cmd, url, queue];
  if (arg !== undefined) args.push(typeof arg === 'string' ? arg : JSON.stringify(arg));
  const { stdout } = await run(PYTHON, args, { cwd: RQ_DIR, env: { ...process.env, PYTHONPATH: RQ_DIR, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 60_000 });
  const last = stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(last) as T;
}

export function signal(): AbortSignal {
  return AbortSignal.timeout(15_000);
}

export function source(configs: RedisConfig[], opts: RedisQueueSourceOptions = {}): RedisQueueSource {
  return new RedisQueueSource(configs, { connectTimeoutMs: 1_000, maxRetryDelayMs: 300, ...opts });
}

export function queueOf(snap: QueuesSnapshot, name: string): QueueStats {
  const q = snap.queues.find((x) => x.name === name);
  if (!q) throw new Error(`queue ${name} not in snapshot: ${JSON.stringify(snap)}`);
  return q;
}
