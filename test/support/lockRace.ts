/**
 * Child process for the lock race tests. Each stdin line is
 * {"round", "key", "ttl", "at"}: wait for the shared start time, try the lock,
 * report {"round", "won", "pid"} or {"round", "won": false, "holderPid", "message"}.
 * Winners keep their locks until stdin closes.
 * Usage: node lockRace.mjs file <locks dir> | node lockRace.mjs redis <url> <key prefix>
 */
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { LockHeldError, type LockHandle, type TargetLock } from '../../src/actions/lock.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { RedisTargetLock } from '../../src/actions/lockRedis.js';

const [flavour, where, prefix] = process.argv.slice(2);
const redis = flavour === 'redis' ? new Redis(where!, { keyPrefix: prefix }) : null;
const lock: TargetLock = redis ? new RedisTargetLock(redis) : new FileTargetLock(where!);
const held: LockHandle[] = [];

if (redis) await redis.ping();
console.log(JSON.stringify({ ready: true }));
for await (const line of createInterface({ input: process.stdin })) {
  const { round, key, ttl, at } = JSON.parse(line) as { round: number; key: string; ttl: number; at: number };
  while (Date.now() < at) {
    // spin to the shared start time: both processes call acquire within microseconds
  }
  try {
    held.push(await lock.acquire(key, ttl, { action: 'race', environment: 'race', target: key }));
    console.log(JSON.stringify({ round, won: true, pid: process.pid }));
  } catch (err) {
    if (!(err instanceof LockHeldError)) throw err;
    console.log(JSON.stringify({ round, won: false, holderPid: err.holder?.pid ?? null, message: err.message }));
  }
}
for (const h of held) await h.release();
redis?.disconnect();
