// Queues, PostgreSQL and health probes at their thresholds' edges.
import { describe, it, expect } from 'vitest';
import { queue, database, probe, one, findings, healthy } from './support.js';

const queues = (...qs: ReturnType<typeof queue>[]) => ({ queues: { ...healthy().queues, queues: qs } });

describe('queues.oldest-job', () => {
  const waited = (seconds: number | null, over = {}) => one('queues.oldest-job', queues(queue({ oldestWaitingAgeMs: seconds === null ? null : seconds * 1000, ...over })));

  it('warns from 300 s of waiting, critical from 1800 s', () => {
    expect(waited(299)).toMatchObject({ severity: 'ok', subject: 'prod/jobs/emails', figure: '3 waiting, oldest 4 min 59 s' });
    expect(waited(300)).toMatchObject({ severity: 'warn', message: 'the oldest waiting job has waited 5 min, at 40 jobs/min: workers are not keeping up' });
    expect(waited(1800, { drainPerMinute: 0 })).toMatchObject({ severity: 'crit', message: 'the oldest waiting job has waited 30 min, and nothing is draining: workers are not keeping up' });
    expect(waited(null, { waiting: 0 })).toMatchObject({ severity: 'ok', message: 'no job waiting' });
  });

  it('per queue, by name or by REDIS/QUEUE', () => {
    expect(waited(900, {}).severity).toBe('warn');
    const slow = { thresholds: { subjects: { 'jobs/emails': { oldestJobAgeSeconds: { warn: 3600, crit: 7200 } } } } };
    expect(one('queues.oldest-job', queues(queue({ oldestWaitingAgeMs: 900_000 })), slow).severity).toBe('ok');
    expect(one('queues.oldest-job', queues(queue({ name: 'default', oldestWaitingAgeMs: 900_000 })), slow).severity).toBe('warn');
  });
});

describe('queues.dead-letter', () => {
  it('any failed job warns, a hundred is critical, with a requeue suggestion', () => {
    expect(one('queues.dead-letter', queues(queue({ failed: 0 }))).severity).toBe('ok');
    expect(one('queues.dead-letter', queues(queue({ failed: 1 })))).toMatchObject({ severity: 'warn', suggested: { action: 'requeue', target: 'emails' } });
    expect(one('queues.dead-letter', queues(queue({ failed: 100 }))).severity).toBe('crit');
  });

  it('a queue that always keeps some dead jobs gets its own threshold', () => {
    const opts = { thresholds: { subjects: { emails: { deadLetter: { warn: 50, crit: 500 } } } } };
    expect(one('queues.dead-letter', queues(queue({ failed: 20 })), opts)).toMatchObject({ severity: 'ok', message: 'a few failed jobs, below the threshold' });
  });
});

describe('postgres', () => {
  const conns = (total: number) => one('postgres.connections', { postgres: { databases: [database({ connections: { total, max: 100, byState: {} } })] } }).severity;
  const blockedFor = (ms: number) =>
    one('postgres.blocked', { postgres: { databases: [database({ blocked: [{ pid: 7, user: 'app', state: 'active', durationMs: ms, query: 'update', blockedBy: [4] }] })] } });

  it('connections warn at 70 % of max_connections, critical at 90 %', () => {
    expect([conns(69), conns(70), conns(89), conns(90)]).toEqual(['ok', 'warn', 'warn', 'crit']);
  });

  it('a query blocked for 30 s is critical; a briefer wait is not', () => {
    expect(blockedFor(29_999)).toMatchObject({ severity: 'ok', message: '1 briefly blocked' });
    expect(blockedFor(30_000)).toMatchObject({ severity: 'crit', message: 'pid 7 blocked by 4 for 30 s' });
  });

  it('a database that did not answer is unknown, the others still judged', () => {
    const fs = findings('postgres.connections', { postgres: { databases: [database()], errors: [{ name: 'reports', error: 'connect ECONNREFUSED 10.0.0.9:5432' }] } });
    expect(fs.map((f) => [f.subject, f.severity])).toEqual([['prod/reports', 'unknown'], ['prod/primary', 'ok']]);
  });
});

describe('health.probe', () => {
  const latency = (ms: number, opts = {}) => one('health.probe', { health: { probes: [probe({ latencyMs: ms })] } }, opts).severity;

  it('response time warns at 2 s, critical at 5 s; a failing probe is critical', () => {
    expect([latency(1_999), latency(2_000), latency(4_999), latency(5_000)]).toEqual(['ok', 'warn', 'warn', 'crit']);
    expect(one('health.probe', { health: { probes: [probe({ ok: false, status: 503, problems: ['status 503, expected 200'] })] } })).toMatchObject({ severity: 'crit', message: 'status 503, expected 200', figure: '503, 120 ms' });
  });

  it('per probe thresholds', () => {
    expect(latency(3_000, { thresholds: { subjects: { api: { responseTimeMs: { warn: 4_000, crit: 8_000 } } } } })).toBe('ok');
  });
});
