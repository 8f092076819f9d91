// Time to read 200 queues from a real Redis (OPSDECK_TEST_REDIS_URL, default
// the local one): see queuesEntry.ts and test/redis/benchQueues.ts.
import { progress } from './pty.mjs';
import { runBundled } from './bundle.mjs';

export async function benchQueues({ queues = 200, runs = 30 } = {}) {
  progress(`queues: reading ${queues} queues from Redis, ${runs} runs`);
  return runBundled('bench/queuesEntry.ts', { args: ['--queues', String(queues), '--runs', String(runs)] });
}
