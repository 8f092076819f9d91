// The figures the panels showed but nobody judged: long queries, idle
// transactions, replica lag, Redis memory and evictions, RDS maintenance.
import { describe, expect, it } from 'vitest';
import { database, instance, NOW, one, findings, rds, MIN } from './support.js';
import type { RedisHealth } from '../../src/model/queues.js';

const DAY = 86_400_000;
const session = (seconds: number, pid = 42) => ({ pid, user: 'metabase', state: 'active', durationMs: seconds * 1000, query: 'select 1' });
const redis = (over: Partial<RedisHealth>): RedisHealth => ({ name: 'jobs', ok: true, pingMs: 1, usedMemoryBytes: 50, maxMemoryBytes: 100, clients: 3, evictedKeys: 0, ...over });
const queues = (r: RedisHealth) => ({ queues: { redis: [r], queues: [] } });

describe('PostgreSQL', () => {
  it('grades the oldest long query at 60 s and 300 s', () => {
    const at = (s: number) => one('postgres.long-query', { postgres: { databases: [database({ longQueries: [session(5), session(s, 7)] })] } }).severity;
    expect([at(59), at(60), at(299), at(660)]).toEqual(['ok', 'warn', 'warn', 'crit']);
    expect(one('postgres.long-query', { postgres: { databases: [database({ longQueries: [session(660, 7)] })] } }).message).toBe('pid 7 (metabase) has run one query for 11 min');
  });
  it('grades idle in transaction at 60 s and 600 s, with a subject threshold', () => {
    const data = { postgres: { databases: [database({ idleInTransaction: [{ ...session(90), state: 'idle in transaction' }] })] } };
    expect(one('postgres.idle-in-transaction', data).severity).toBe('warn');
    expect(one('postgres.idle-in-transaction', data, { thresholds: { subjects: { [data.postgres.databases[0]!.name]: { idleInTransaction: { warn: 10, crit: 30 } } } } }).severity).toBe('crit');
  });
  it('judges replica lag only where there is a replica', () => {
    expect(one('postgres.replication-lag', { postgres: { databases: [database({ replicationLagMs: 12_000 })] } }).severity).toBe('warn');
    expect(one('postgres.replication-lag', { postgres: { databases: [database({ replicationLagMs: null })] } })).toMatchObject({ severity: 'ok', figure: 'no replica' });
  });
});

describe('Redis', () => {
  it('grades memory against maxmemory, and says nothing without one', () => {
    expect(one('queues.redis-memory', queues(redis({ usedMemoryBytes: 81 }))).severity).toBe('warn');
    expect(one('queues.redis-memory', queues(redis({ usedMemoryBytes: 96 }))).figure).toBe('96% of maxmemory');
    expect(findings('queues.redis-memory', queues(redis({ maxMemoryBytes: null })))).toEqual([]);
  });
  it('warns on any eviction between reads; the first read is not judged', () => {
    expect(one('queues.redis-evictions', queues(redis({ evictedKeys: 500 }))).severity).toBe('ok');
    expect(one('queues.redis-evictions', queues(redis({ evictedKeys: 503, evictedSincePrevious: 3 })))).toMatchObject({ severity: 'warn', figure: '3 evicted, 503 in all' });
  });
});

describe('RDS maintenance', () => {
  const due = (days: number) => one('rds.maintenance', { rds: rds({ instances: [instance({ maintenanceDue: [{ action: 'system-update', dueAt: NOW + days * DAY, kind: 'auto' }] })] }) });
  it('is a finding within 7 days, critical within 1', () => {
    expect([due(10).severity, due(7).severity, due(3).severity, due(0.5).severity, due(-1).severity]).toEqual(['ok', 'warn', 'warn', 'crit', 'crit']);
    expect(due(-1).message).toBe('system-update will be auto-applied at the next maintenance window');
  });
  it('takes maintenanceDays from the config', () => {
    const data = { rds: rds({ instances: [instance({ maintenanceDue: [{ action: 'db-upgrade', dueAt: NOW + 10 * DAY + MIN, kind: 'current' }] })] }) };
    expect(one('rds.maintenance', data, { thresholds: { maintenanceDays: { warn: 14, crit: 2 } } }).severity).toBe('warn');
  });
});
