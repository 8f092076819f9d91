/**
 * Child process for the kill -9 tests: takes the lock on one key through the
 * executor's own lock (Redis, or a lock file), renews it every RENEW_EVERY_MS
 * as an action under way does, prints {"held": owner} and waits to be killed.
 * Usage: node lockHolder.mjs redis <url> <key> | node lockHolder.mjs file <dir> <key>
 */
import { Redis } from 'ioredis';
import { LEASE_MS, RENEW_EVERY_MS, type TargetLock } from '../../src/actions/lock.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { RedisTargetLock } from '../../src/actions/lockRedis.js';

const [flavour, where, key] = process.argv.slice(2);
const redis = flavour === 'redis' ? new Redis(where!) : null;
const lock: TargetLock = redis ? new RedisTargetLock(redis) : new FileTargetLock(where!);
const handle = await lock.acquire(key!, LEASE_MS, { action: 'scale', environment: 'blue', target: 'blue/api' });
setInterval(() => void handle.renew(LEASE_MS), RENEW_EVERY_MS);
console.log(JSON.stringify({ held: handle.owner }));
