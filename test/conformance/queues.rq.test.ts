// Conformance with RQ (Debian's python3-rq): a queue filled and worked by
// the real RQ in every registry state, one job held started by a real
// worker, and opsdeck's figures compared exactly with RQ's own API (len(q)
// and each registry's count, for every registry the installed RQ has) and
// with what `rq info` prints. Queue name, job ids and worker names carry a
// tag unique to the run; every key with it is deleted afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { deleteTagged, PYTHON, queueOf, REDIS_URL, signal, source, tag } from '../redis/helpers.js';
import { agree, exited, HERE, requirePeer, RQ_CLI, RQ_ENV, rqPeer, startPeer } from './queuesSupport.js';

const run = promisify(execFile);
const INSTALL = 'install Debian\'s python3-rq (`apt-get install python3-rq`; .ci/run does it)';

let name: string;
let raw: Redis;
let worker: ReturnType<typeof startPeer> | undefined;

beforeAll(async () => {
  await requirePeer('python3-rq', PYTHON, ['-c', 'import rq'], INSTALL);
  await requirePeer('the rq command', RQ_CLI, ['--help'], INSTALL);
  name = tag('conf-rq');
  raw = new Redis(REDIS_URL);
});

afterAll(async () => {
  if (worker) {
    // released, the held job ends and the burst worker runs what is left, then exits
    await raw.set(`${name}-release`, '1');
    await exited(worker.child, 30_000);
  }
  if (raw) {
    await deleteTagged(raw, name);
    await raw.srem('rq:workers', `rq:worker:${name}-burst`);
    raw.disconnect();
  }
});

/** `rq info --raw` for the queue: its count, and how many of its workers are busy. */
async function rqInfo(): Promise<{ queued: number; busyWorkers: number }> {
  const { stdout } = await run(RQ_CLI, ['info', '--raw', '--url', REDIS_URL, name], { env: { ...process.env, ...RQ_ENV }, timeout: 30_000 });
  const queueLine = stdout.split('\n').find((l) => l.startsWith(`queue ${name} `));
  if (!queueLine) throw new Error(`rq info printed no line for queue ${name}:\n${stdout}`);
  const busyWorkers = stdout.split('\n').filter((l) => l.startsWith('worker ') && / busy /.test(l)).length;
  return { queued: Number(queueLine.split(' ').pop()), busyWorkers };
}

describe('conformance: RQ', () => {
  it('every registry\'s figure equals RQ\'s own count, and the queue\'s equals `rq info`', async () => {
    // a job that holds its worker, so one job is started while the test looks
    await rqPeer('hold', REDIS_URL, name, name);
    worker = startPeer(PYTHON, [join(HERE, 'queuesRq.py'), 'worker', REDIS_URL, name, `${name}-w`], RQ_ENV);
    await expect.poll(async () => (await raw.zcard(`rq:wip:${name}`)) === 1, { timeout: 20_000, message: `the RQ worker to start the held job (${worker.output()})` }).toBeTruthy();
    // then finished, failed, queued, scheduled, deferred (behind the held job) and canceled
    await rqPeer('fill', REDIS_URL, name, name);

    const theirs = await rqPeer<Record<string, number>>('counts', REDIS_URL, name);
    const info = await rqInfo();
    const s = source([{ name: 'jobs', url: REDIS_URL, queues: [{ name, flavor: 'rq' }] }]);
    let ours;
    try {
      ours = queueOf(await s.read(signal()), name);
    } finally {
      await s.close();
    }

    agree(name, 'RQ (len(q) and the registries\' count)', ours.states, theirs);
    agree(name, '`rq info`', { queued: ours.states?.queued, busyWorkers: ours.states?.started }, info);
    agree(name, 'RQ sums', { waiting: ours.waiting, active: ours.active, delayed: ours.delayed, failed: ours.failed, completed: ours.completed }, {
      waiting: theirs.queued!,
      active: theirs.started!,
      delayed: theirs.scheduled!,
      failed: theirs.failed!,
      completed: theirs.finished!,
    });
    // every state was filled, so each comparison above compared something
    expect(theirs).toMatchObject({ queued: 3, started: 1, deferred: 2, scheduled: 2, finished: 1, failed: 2 });
    if ('canceled' in theirs) expect(theirs.canceled).toBe(1);
    expect(info).toEqual({ queued: 3, busyWorkers: 1 });
  }, 90_000);
});
