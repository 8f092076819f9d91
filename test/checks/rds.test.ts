import { describe, it, expect } from 'vitest';
import { NOW, HOUR, GIB, instance, snapshot, rds, database, one, findings } from './support.js';
import { statusSeverity } from '../../src/checks/rules/rds.js';

describe('rds.status', () => {
  it('available and backing-up serve; planned states warn; the rest is critical', () => {
    expect(statusSeverity('available')).toBe('ok');
    expect(statusSeverity('backing-up')).toBe('ok');
    expect(statusSeverity('storage-optimization')).toBe('ok');
    for (const s of ['modifying', 'rebooting', 'upgrading', 'maintenance', 'starting']) expect(statusSeverity(s), s).toBe('warn');
    for (const s of ['stopped', 'stopping', 'storage-full', 'failed', 'incompatible-parameters', 'deleting', 'something-new']) expect(statusSeverity(s), s).toBe('crit');
  });

  it('suggests a restore only where RDS does not recover on its own', () => {
    expect(one('rds.status', { rds: rds({ instances: [instance({ status: 'failed' })] }) })).toMatchObject({ severity: 'crit', message: 'instance is failed, not available', suggested: { action: 'restore', instance: 'prod-db', snapshot: snapshot().id, target: 'prod-db' } });
    expect(one('rds.status', { rds: rds({ instances: [instance({ status: 'storage-full' })] }) }).suggested).toBeUndefined();
    // the suggestion names the snapshot it restores: with none available there is nothing to run
    expect(one('rds.status', { rds: rds({ instances: [instance({ status: 'failed' })], snapshots: [snapshot({ status: 'creating' })] }) }).suggested).toBeUndefined();
  });

  it('does not judge restored drill copies', () => {
    const data = { rds: rds({ restored: [instance({ id: 'prod-db-drill-1', status: 'creating' })] }) };
    expect(findings('rds.status', data).map((f) => [f.subject, f.severity])).toEqual([['prod/prod-db', 'ok']]);
  });
});

describe('rds.snapshot-age', () => {
  const age = (hours: number, over = {}) => one('rds.snapshot-age', { rds: rds({ snapshots: [snapshot({ createdAt: NOW - hours * HOUR, ...over })] }) });

  it('is critical at 26 h and suggests a manual snapshot', () => {
    expect(age(25.9).severity).toBe('ok');
    expect(age(26)).toMatchObject({ severity: 'crit', suggested: { action: 'snapshot', target: 'prod-db' } });
  });

  it('a snapshot that is not available (nor being created) is critical', () => {
    expect(age(2, { status: 'failed' })).toMatchObject({ severity: 'crit', message: 'newest automated snapshot rds:prod-db-2026-11-22-03-10 is failed' });
    expect(one('rds.snapshot-age', { rds: rds({ snapshots: [] }) }).message).toBe('no available automated snapshot found');
  });

  it('per instance thresholds', () => {
    expect(one('rds.snapshot-age', { rds: rds({ snapshots: [snapshot({ createdAt: NOW - 30 * HOUR })] }) }, { thresholds: { subjects: { 'prod-db': { snapshotAgeHours: { warn: 36, crit: 48 } } } } }).severity).toBe('ok');
  });
});

describe('rds.storage', () => {
  const free = (percent: number) => one('rds.storage', { rds: rds({ instances: [instance({ freeStorageBytes: (percent / 100) * 100 * GIB })] }) });

  it('lower is worse: warns at 10 % free, critical at 5 %', () => {
    expect(free(10.5)).toMatchObject({ severity: 'ok', figure: '10.5 of 100 GiB free, 10.5%' });
    expect(free(10).severity).toBe('warn');
    expect(free(5.1).severity).toBe('warn');
    expect(free(5).severity).toBe('crit');
  });

  it('per instance: a big disk may run fuller', () => {
    const data = { rds: rds({ instances: [instance({ freeStorageBytes: 8 * GIB })] }) };
    expect(one('rds.storage', data, { thresholds: { subjects: { 'prod-db': { storageFreePercent: { warn: 5, crit: 2 } } } } }).severity).toBe('ok');
  });

  it('unknown when the metrics could not be read, nothing when there simply is no datapoint', () => {
    expect(findings('rds.storage', { rds: rds({ instances: [instance({ freeStorageBytes: undefined })] }) })).toEqual([]);
    expect(one('rds.storage', { rds: rds({ instances: [instance({ freeStorageBytes: undefined })], warnings: ['RDS metrics unavailable: AccessDenied'] }) })).toMatchObject({ severity: 'unknown', message: 'free storage unknown: RDS metrics unavailable: AccessDenied' });
  });
});

describe('rds.connections', () => {
  const hosts = { postgresHosts: { primary: 'prod-db.abc.eu-west-1.rds.amazonaws.com' } };
  const at = (n: number) => ({ rds: rds({ instances: [instance({ connections: n })] }), postgres: { databases: [database({ connections: { total: n, max: 200, byState: {} } })] } });

  it('grades against max_connections read by the PostgreSQL entry that reaches the instance', () => {
    expect(one('rds.connections', at(139), hosts)).toMatchObject({ severity: 'ok', figure: '139/200, 69.5%' });
    expect(one('rds.connections', at(140), hosts).severity).toBe('warn');
    expect(one('rds.connections', at(180), hosts).severity).toBe('crit');
  });

  it('is skipped where the max is not known', () => {
    expect(findings('rds.connections', at(180))).toEqual([]);
    expect(findings('rds.connections', at(180), { postgresHosts: { primary: 'db.internal' } })).toEqual([]);
    expect(findings('rds.connections', at(180), hosts, { postgres: 'postgres: ECONNREFUSED' })).toEqual([]);
  });
});

describe('rds.cpu', () => {
  it('grades the instance CPU at 70 / 90 %', () => {
    const cpu = (p: number) => one('rds.cpu', { rds: rds({ instances: [instance({ cpuPercent: p })] }) }).severity;
    expect([cpu(69.9), cpu(70), cpu(90)]).toEqual(['ok', 'warn', 'crit']);
  });
});
