// `opsdeck queue jobs|job|requeue|delete|pause|resume` through the built
// binary, on the local Redis with jobs failed by a real bullmq Worker, and
// the one-line refusals (a flavour without a pause, a delete without --job).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { opsdeck } from './run.js';
import { deleteTagged, REDIS_URL, tag } from '../redis/helpers.js';

describe('opsdeck queue on the local Redis', () => {
  const connection = { host: new URL(REDIS_URL).hostname, port: Number(new URL(REDIS_URL).port || 6379) };
  let t: string;
  let dir: string;
  let config: string;
  let raw: Redis;
  let queue: Queue;
  const run = (...args: string[]) => opsdeck([...args, '--config', config], { env: { OPSDECK_STATE_DIR: join(dir, 'state') } });

  beforeAll(() => {
    raw = new Redis(REDIS_URL);
  });
  afterAll(() => raw.disconnect());

  beforeEach(async () => {
    t = tag('cliqj');
    dir = mkdtempSync(join(tmpdir(), 'opsdeck-queue-cli-'));
    config = join(dir, 'opsdeck.yaml');
    writeFileSync(config, `environments:\n  staging:\n    redis:\n      - name: local\n        url: ${REDIS_URL}\n        queues:\n          - { name: ${t}, flavor: bullmq, prefix: ${t} }\n          - { name: ${t}-rq, flavor: rq }\n`);
    queue = new Queue(t, { connection, prefix: t });
    const worker = new Worker(t, async (job) => {
      throw new Error(`SMTPError: 451 for ${job.data.to}\x1b[2J`);
    }, { connection, prefix: t });
    await queue.addBulk([1, 2, 3].map((i) => ({ name: 'send', data: { to: `u${i}@example.com`, token: `tok-${i}-secret` } })));
    await expect.poll(() => queue.getFailedCount(), { timeout: 10_000 }).toBe(3);
    await worker.close();
  });

  afterEach(async () => {
    await queue.close();
    await deleteTagged(raw, t);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists, shows, deletes one and requeues one, as bullmq then sees them', async () => {
    const list = run('queue', 'jobs', t, '--json');
    expect(list.code, list.stderr).toBe(0);
    const parsed = JSON.parse(list.stdout) as { total: number; jobs: Array<{ id: string; reason: string }> };
    expect(parsed.total).toBe(3);
    expect(parsed.jobs.map((j) => j.id)).toEqual((await queue.getFailed()).map((j) => j.id));
    const [a, b] = parsed.jobs.map((j) => j.id) as [string, string];

    const shown = run('queue', 'job', t, a);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`job ${a} of ${t} (bullmq, Redis local)`);
    expect(shown.stdout).toMatch(/SMTPError: 451 for u\d@example\.com/);
    expect(shown.stdout).toContain('"token": "***"');
    expect(shown.stdout).not.toContain('\x1b');

    const dry = run('queue', 'delete', t, '--job', a, '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ action: 'delete-jobs', phrase: t, calls: [{ api: 'bullmq:Job.remove', params: { ids: [a] } }] });
    const del = run('queue', 'delete', t, '--job', a, '--confirm', t);
    expect(del.code, del.stderr).toBe(0);
    expect(await queue.getJob(a)).toBeUndefined();
    const rq = run('queue', 'requeue', t, '--job', b, '--confirm', t);
    expect(rq.code, rq.stderr).toBe(0);
    expect(await queue.getJobState(b)).toBe('waiting');
    expect(await queue.getFailedCount()).toBe(1);

    const missing = run('queue', 'job', t, a);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`opsdeck: job ${a} is not in the failed set of ${t}; \`opsdeck queue jobs ${t}\` lists what is\n`);
  });

  it('pauses and resumes with y; an RQ queue and a delete without --job get one line and exit 64', async () => {
    const p = run('queue', 'pause', t, '--confirm', 'y');
    expect(p.code, p.stderr).toBe(0);
    expect(await queue.isPaused()).toBe(true);
    const r = run('queue', 'resume', t, '--confirm', 'y');
    expect(r.code, r.stderr).toBe(0);
    expect(await queue.isPaused()).toBe(false);

    const no = run('queue', 'pause', `${t}-rq`, '--dry-run');
    expect(no.code).toBe(64);
    expect(no.stderr).toBe(`opsdeck: ${t}-rq (rq): RQ has no queue pause; stop its workers instead\n`);
    const noJob = run('queue', 'delete', t, '--confirm', t);
    expect(noJob.code).toBe(64);
    expect(noJob.stderr).toBe('opsdeck: name the jobs with --job ID (repeat it, or give several ids after it); `opsdeck queue jobs QUEUE` lists them\n');
    const state = run('queue', 'jobs', t, '--state', 'waiting');
    expect(state.code).toBe(64);
  });
});
