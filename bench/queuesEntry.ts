/**
 * Runs test/redis/benchQueues.ts (fills mixed queues under a unique prefix in
 * the real Redis, reads them with the real source, deletes its keys) and
 * prints its figures as one JSON line. Bundled and run by bench/queues.mjs.
 */
import { parseArgs } from 'node:util';
import { benchReadQueues } from '../test/redis/benchQueues.js';

const { values } = parseArgs({ options: { queues: { type: 'string', default: '200' }, runs: { type: 'string', default: '30' }, url: { type: 'string' } } });
const n = Number(values.queues);
const runs = Number(values.runs);
if (!Number.isInteger(n) || n <= 0 || !Number.isInteger(runs) || runs <= 0) {
  console.error('queuesEntry: --queues and --runs must be positive integers');
  process.exit(2);
}
const url = values.url ?? process.env.OPSDECK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
try {
  const figures = await benchReadQueues(n, { runs, url, print: false });
  console.log(JSON.stringify({ redis: url.replace(/\/\/[^@/]*@/, '//'), ...figures }));
} catch (err) {
  console.error(`queues bench against ${url}: ${err instanceof Error ? err.message : String(err)} (is Redis running there? set OPSDECK_TEST_REDIS_URL)`);
  process.exit(1);
}
