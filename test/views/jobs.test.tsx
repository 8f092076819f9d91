/**
 * The failed-job browser from the keyboard: J on the Queues panel lists the
 * queue's failed jobs, Enter shows one, X deletes it through the executor,
 * P pauses the BullMQ queue; on the sandbox, and on a real Redis holding a
 * job whose payload and failure carry terminal escapes, which must not
 * reach the screen.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { KEYS } from './render.js';
import { actionViews, expectFits, flat, giveReason } from './actionView.js';
import { TuiJobs } from '../../src/dashboard/jobs.js';
import { createRedisQueueControl, type QueueControl } from '../../src/sources/redis/control.js';
import { deleteTagged, REDIS_URL, tag } from '../redis/helpers.js';

const { open } = actionViews();

describe('the job browser on the sandbox', () => {
  test('J lists, Enter shows a job with its secret masked, X deletes it, Esc goes back', async () => {
    const { v, a } = await open({ panel: '4', scenario: 'dlq-backlog', columns: 120, rows: 40 });
    v.press('J');
    let frame = await v.waitFor((f) => f.includes('FAILED JOBS emails') && f.includes('REASON'));
    expect(frame).toMatch(/bullmq · redis jobs · [\d,]+ failed/);
    expectFits(frame, 120, 40);
    const first = (await a.actions.jobs!.getState()).list!.jobs[0]!;
    expect(flat(frame)).toContain(`${first.id}`);
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes(`JOB ${first.id}`) && f.includes('payload (data)'));
    expect(frame).toContain('"pass": "***"');
    expect(frame).toContain('at SMTPConnection._formatError');
    expect(frame).toContain('attempts  5/5');
    v.press('X');
    frame = await v.waitFor((f) => f.includes(`Delete job ${first.id} of demo/emails`));
    await giveReason(v, 'poison message, never retryable');
    v.type('emails');
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('✓ done'));
    expect(flat(frame)).toContain('1/1 deleted, gone from the failed set');
    expect(a.journal.read().filter((r) => r.phase === 'outcome').map((r) => [r.action, r.outcome])).toEqual([['delete-jobs', 'ok']]);
    expect(a.journal.read().find((r) => r.phase === 'intent')?.detail).toContain('; reason: poison message, never retryable');
    v.press(KEYS.escape);
    frame = await v.waitFor((f) => f.includes('not in the failed set any more'));
    v.press(KEYS.escape);
    frame = await v.waitFor((f) => f.includes('FAILED JOBS emails') && !f.includes('reading'));
    expect(flat(frame)).not.toContain(`   ${first.id} `);
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('╔═ 4 Queues'));
  });

  test('P pauses the BullMQ queue (y/n); on the RQ queue one line says why not', async () => {
    const { v, a } = await open({ panel: '4', scenario: 'dlq-backlog' });
    v.press('P');
    await v.waitFor((f) => f.includes('Pause demo/emails') && f.includes('[y] yes'));
    v.press('y');
    await v.waitFor((f) => f.includes('✓ done'));
    expect(await a.sandbox.sources.queues.read(AbortSignal.timeout(5_000)).then((s) => s.queues.find((q) => q.name === 'emails')?.paused)).toBe(true);
    v.press(KEYS.escape, 'j', 'P');
    await v.waitFor((f) => f.includes('default: RQ has no queue pause; stop its workers instead'));
  });
});

describe('the job browser on a real Redis', () => {
  let raw: Redis | undefined;
  let control: QueueControl | undefined;
  let prefix = '';
  afterEach(async () => {
    await control?.close();
    if (raw) await deleteTagged(raw, prefix);
    raw?.disconnect();
  });

  test('a hostile payload and failure: no escape, bell or title sequence reaches the screen, the token is masked', async () => {
    prefix = tag('jview');
    raw = new Redis(REDIS_URL);
    const base = `${prefix}:emails:`;
    // as bullmq writes a failed job (job hash, failed zset scored by finishedOn)
    const now = Date.now();
    await raw.hset(`${base}7`, {
      name: 'send\x1b[2Jevil',
      data: JSON.stringify({ to: 'a@example.com', apiKey: 'sk_live_abcdef123456', html: '<b>\x1b]0;pwned\x07</b>\x1b[31mred\x1b[0m\u202ereversed' }),
      opts: '{"attempts":3}',
      timestamp: String(now - 5_000),
      processedOn: String(now - 2_000),
      finishedOn: String(now - 1_000),
      failedReason: 'Error: smtp://user:hunter2@mail.example refused\x1b[?1049l\x07',
      stacktrace: JSON.stringify(['Error: boom\n    at send (/app/x.js:1:1)\x1b[1A\x1b[2K']),
      atm: '3',
    });
    await raw.zadd(`${base}failed`, now - 1_000, '7');
    const { v, a } = await open({ panel: '4', scenario: 'dlq-backlog', columns: 120, rows: 40 });
    control = createRedisQueueControl([{ name: 'jobs', url: REDIS_URL, queues: [{ name: 'emails', flavor: 'bullmq', prefix }] }], { connectTimeoutMs: 1_000 });
    a.actions.jobs = new TuiJobs(control);
    v.press('J');
    let frame = await v.waitFor((f) => f.includes('FAILED JOBS emails') && f.includes('1 failed'));
    expect(frame).toContain('sendevil');
    expect(frame).toContain('Error: smtp://user:***@mail.example refused');
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('JOB 7') && f.includes('payload (data)'));
    for (const f of [frame, v.lastFrame()]) {
      // eslint-disable-next-line no-control-regex
      expect(f.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f\u202e]/);
      expect(f).not.toContain('pwned\x07');
      expect(f).not.toContain('sk_live_abcdef123456');
      expect(f).not.toContain('hunter2');
    }
    expect(frame).toContain('"apiKey": "***"');
    expect(frame).toContain('attempts  3/3');
    expect(frame).toContain('at send (/app/x.js:1:1)');
  });
});
