// `opsdeck requeue` through the built binary (npm run build first): on the
// demo's simulated queues, and on the local Redis with jobs failed by a real
// bullmq Worker.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import { opsdeck } from './run.js';
import { deleteTagged, REDIS_URL, tag } from '../redis/helpers.js';

let root: string;
let state: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'opsdeck-state-'));
  state = join(root, 'state');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));
const run = (args: string[]) => opsdeck(args, { env: { OPSDECK_STATE_DIR: state } });
/** The real journal, or with `demo` the sandbox's, which --demo keeps in <state>-demo. */
const journal = (demo = false): Array<Record<string, unknown>> => {
  try {
    return readFileSync(join(demo ? `${state}-demo` : state, 'audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};

describe('opsdeck requeue on the demo', () => {
  const demo = ['--demo', '--scenario', 'dlq-backlog'];

  it('--dry-run --json lists the failed jobs with the first 20 ids and changes nothing', () => {
    const r = run(['requeue', 'emails', ...demo, '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ action: 'requeue', tier: 'destructive', phrase: 'emails', target: { kind: 'queue', name: 'emails', parent: 'jobs', display: 'demo/jobs/emails' } });
    const { jobs, ids, more } = plan.calls[0].params;
    expect(plan.calls[0].api).toBe('bullmq:Job.retry("failed")');
    expect(jobs).toBeGreaterThan(300);
    expect(ids).toHaveLength(20);
    expect(more).toBe(jobs - 20);
    expect(plan.summary).toBe(`demo / redis jobs / queue emails (bullmq): requeue ${jobs} failed jobs; failed ${jobs} → 0`);
    // each shown id with its job name and why it failed
    const shown = plan.details.filter((d: string) => /^ {2}\d+ {2}[a-z-]+: /.test(d)).map((d: string) => d.trim().split(/\s+/)[0]);
    expect(shown).toEqual(ids);
    expect(plan.details).toContain(`  … and ${jobs - 20} more (the plan keeps every id)`);
    expect(journal(true)).toEqual([]);
  });

  it('--limit caps the plan; text output shows the phrase to type', () => {
    const r = run(['requeue', 'default', ...demo, '--limit', '3', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Requeue 3 failed jobs of demo\/default {3}\[destructive\]$/m);
    expect(r.stdout).toMatch(/3 failed jobs of \d+; only these are moved/);
    expect(r.stdout).toContain('  confirm  type default');
  });

  it('a wrong phrase: exit 1, nothing moved, the refusal journaled', () => {
    const r = run(['requeue', 'emails', ...demo, '--confirm', 'Emails']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: the confirmation "Emails" is not "emails"');
    expect(journal(true).map((l) => [l.phase, l.outcome])).toEqual([['refusal', 'refused']]);
  });

  it('--confirm emails requeues them: exit 0, intent and outcome journaled', () => {
    const r = run(['requeue', 'emails', ...demo, '--confirm', 'emails', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    const jobs = result.plan.calls[0].params.jobs as number;
    expect(result).toMatchObject({ outcome: 'done', verified: true });
    expect(result.message).toMatch(new RegExp(`^demo/jobs/emails: ${jobs}/${jobs} requeued \\(`));
    // a progress record before each batch (a tenth of the jobs, at least 10) between intent and outcome
    const records = journal(true).filter((l) => l.phase !== 'progress');
    expect(records.map((l) => [l.phase, l.outcome])).toEqual([['intent', null], ['outcome', 'ok'], ['verify', 'ok']]);
    expect(journal(true).filter((l) => l.phase === 'progress')).toHaveLength(Math.ceil(jobs / Math.max(10, Math.ceil(jobs / 10))));
    expect(records[1]).toMatchObject({ action: 'requeue', target: 'demo/jobs/emails', detail: `requeued ${jobs}/${jobs}` });
    expect(run(['audit', '--verify', '--demo']).code).toBe(0);
  });

  it('calm has nothing to requeue: refused, exit 1', () => {
    const r = run(['requeue', 'emails', '--demo', '--confirm', 'emails']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('emails has no failed jobs; nothing to do');
  });

  it('bad input is one line, exit 64', () => {
    const q = run(['requeue', 'mails', '--demo', '--dry-run']);
    expect(q.code).toBe(64);
    expect(q.stderr).toBe('opsdeck: queue "mails" is not in this environment\'s config (known: jobs/emails, jobs/default)\n');
    const r = run(['requeue', 'emails', '--demo', '--redis', 'cache', '--dry-run']);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe('opsdeck: Redis "cache" is not in this environment\'s config (known: jobs)\n');
    const l = run(['requeue', 'emails', '--demo', '--limit', '0', '--dry-run']);
    expect(l.code).toBe(64);
    expect(l.stderr).toBe('opsdeck: --limit must be a whole number from 1 to 10000, got "0"\n');
  });
});

describe('opsdeck requeue on the local Redis', () => {
  const connection = { host: new URL(REDIS_URL).hostname, port: Number(new URL(REDIS_URL).port || 6379) };
  let t: string;
  let dir: string;
  let config: string;
  let raw: Redis;
  let queue: Queue;

  beforeAll(() => {
    raw = new Redis(REDIS_URL);
  });
  afterAll(() => raw.disconnect());

  beforeEach(() => {
    // the queue's name and prefix carry the tag, and so does every key opsdeck writes (lock included)
    t = tag('clirq');
    dir = mkdtempSync(join(tmpdir(), 'opsdeck-requeue-cli-'));
    config = join(dir, 'opsdeck.yaml');
    const redis = `    redis:\n      - name: local\n        url: ${REDIS_URL}\n        queues:\n          - { name: ${t}, flavor: bullmq, prefix: ${t} }\n`;
    writeFileSync(config, `environments:\n  staging:\n${redis}  prod:\n    protected: true\n${redis}`);
    queue = new Queue(t, { connection, prefix: t });
  });

  afterEach(async () => {
    await queue.close();
    await deleteTagged(raw, t);
    rmSync(dir, { recursive: true, force: true });
  });

  /** `n` jobs failed by a real worker (one attempt each), which is then stopped so nothing takes them again. */
  async function failJobs(n: number): Promise<string[]> {
    const worker = new Worker(t, async (job) => {
      throw new Error(`SMTPError: 451 4.7.1 try again later (${job.data.to})`);
    }, { connection, prefix: t });
    try {
      const added = await queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'send', data: { to: `user${i}@example.com` } })));
      await expect.poll(() => queue.getFailedCount(), { timeout: 10_000, message: `${n} failures` }).toBe(n);
      return added.map((j) => j.id!);
    } finally {
      await worker.close();
    }
  }

  it('moves the failed jobs back to wait, exactly those, exit 0', async () => {
    const ids = await failJobs(23);
    const dry = opsdeck(['requeue', t, '--config', config, '--env', 'staging', '--dry-run', '--json'], { env: { OPSDECK_STATE_DIR: state } });
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan.phrase).toBe(t);
    expect(plan.calls[0].params).toMatchObject({ redis: 'local', queue: t, jobs: 23, more: 3 });
    // the first 20 by failure time; failures in the same millisecond may come in any order
    expect(new Set(plan.calls[0].params.ids).size).toBe(20);
    expect(ids).toEqual(expect.arrayContaining(plan.calls[0].params.ids));
    expect(await queue.getFailedCount()).toBe(23);

    const r = opsdeck(['requeue', t, '--config', config, '--env', 'staging', '--confirm', t], { env: { OPSDECK_STATE_DIR: state } });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toBe(`done: staging/local/${t}: 23/23 requeued (23 waiting)\n`);
    expect(await queue.getFailedCount()).toBe(0);
    expect(await queue.getWaitingCount()).toBe(23);
    for (const id of ids) expect(await queue.getJobState(id)).toBe('waiting');
    expect(journal().map((l) => [l.phase, l.outcome, l.target])).toEqual([
      ['intent', null, `staging/local/${t}`],
      // 23 jobs in batches of 10: one progress record before each
      ['progress', null, `staging/local/${t}`],
      ['progress', null, `staging/local/${t}`],
      ['progress', null, `staging/local/${t}`],
      ['outcome', 'ok', `staging/local/${t}`],
      ['verify', 'ok', `staging/local/${t}`],
    ]);
  });

  it('a queue name in two Redis entries needs --redis', async () => {
    await failJobs(1);
    const two = join(dir, 'two.yaml');
    const entry = (name: string) => `      - name: ${name}\n        url: ${REDIS_URL}\n        queues:\n          - { name: ${t}, flavor: bullmq, prefix: ${t} }\n`;
    writeFileSync(two, `environments:\n  staging:\n    redis:\n${entry('a')}${entry('b')}`);
    const r = opsdeck(['requeue', t, '--config', two, '--dry-run'], { env: { OPSDECK_STATE_DIR: state } });
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(`opsdeck: queue "${t}" is in Redis a and b; pass --redis\n`);
    const b = opsdeck(['requeue', t, '--config', two, '--redis', 'b', '--dry-run', '--json'], { env: { OPSDECK_STATE_DIR: state } });
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ target: { parent: 'b', display: `staging/b/${t}` }, calls: [{ params: { jobs: 1 } }] });
  });

  it('a protected environment asks for env/queue, and stays read-only without --write', async () => {
    await failJobs(2);
    const dry = opsdeck(['requeue', t, '--config', config, '--env', 'prod', '--dry-run'], { env: { OPSDECK_STATE_DIR: state } });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`  confirm  type prod/${t}`);
    const r = opsdeck(['requeue', t, '--config', config, '--env', 'prod', '--confirm', `prod/${t}`], { env: { OPSDECK_STATE_DIR: state } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/read-only/);
    expect(await queue.getFailedCount()).toBe(2);
  });
});
