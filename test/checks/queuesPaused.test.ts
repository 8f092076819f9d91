// A paused queue (BullMQ's Queue#isPaused) at the oldest-job check: its jobs
// wait because it is paused, so any waiting job is a finding, never "picked up".
import { describe, it, expect } from 'vitest';
import { queue, one, healthy } from './support.js';

const queues = (...qs: ReturnType<typeof queue>[]) => ({ queues: { ...healthy().queues, queues: qs } });
const paused = (over = {}) => one('queues.oldest-job', queues(queue({ paused: true, ...over })));

describe('queues.oldest-job on a paused queue', () => {
  it('warns as soon as a paused queue holds a waiting job, however young', () => {
    expect(paused({ waiting: 3, oldestWaitingAgeMs: 4_000 })).toMatchObject({
      severity: 'warn', subject: 'prod/jobs/emails', message: 'the queue is paused: 3 waiting jobs are not picked up until it is resumed', figure: 'paused, 3 waiting, oldest 4 s',
    });
    expect(paused({ waiting: 1, oldestWaitingAgeMs: null })).toMatchObject({ severity: 'warn', message: 'the queue is paused: 1 waiting job is not picked up until it is resumed', figure: 'paused, 1 waiting' });
  });

  it('is critical once the oldest has waited past the age threshold\'s crit, with the queue\'s own thresholds', () => {
    expect(paused({ waiting: 2, oldestWaitingAgeMs: 1_800_000 }).severity).toBe('crit');
    expect(paused({ waiting: 2, oldestWaitingAgeMs: 1_799_000 }).severity).toBe('warn');
    const slow = { thresholds: { subjects: { 'jobs/emails': { oldestJobAgeSeconds: { warn: 3600, crit: 7200 } } } } };
    expect(one('queues.oldest-job', queues(queue({ paused: true, oldestWaitingAgeMs: 1_800_000 })), slow).severity).toBe('warn');
  });

  it('is ok when nothing waits in it, and a running queue is judged by its age as before', () => {
    expect(paused({ waiting: 0, oldestWaitingAgeMs: null })).toMatchObject({ severity: 'ok', message: 'paused, with no job waiting' });
    expect(one('queues.oldest-job', queues(queue({ paused: false })))).toMatchObject({ severity: 'ok', message: 'jobs are picked up' });
  });
});
