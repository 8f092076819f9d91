/**
 * What the sources now give and the panels must show: RDS restored copies
 * (a drill in progress), events, latencies, warnings and snapshot progress;
 * PostgreSQL databases that did not answer; a Redis that answers but has a
 * problem; ECS warnings from the typed field.
 */
import { describe, expect, test } from 'vitest';
import type { Line } from '../../views/text.js';
import type { PanelCtx } from '../../views/panels/types.js';
import { panelBody, panelSummary } from '../../views/panels/index.js';
import { selectedRdsRow } from '../../views/panels/rdsTables.js';
import type { DbInstance, RdsSnapshot } from '../../src/model/rds.js';
import { DRILL_TAG, RESTORED_FROM_TAG } from '../../src/actions/rds/context.js';
import { allData, ecs, postgres, queues, rds, T0 } from './fixtures.js';
import { judged } from './judged.js';

const verdicts = judged(allData, T0);
const ctx = (over: Partial<PanelCtx> = {}): PanelCtx => ({ width: 120, height: 30, now: T0, selected: 0, focused: true, detail: false, filter: '', verdicts, ...over });
const text = (l: Line) => l.map((s) => s.text).join('');
const rowWith = (lines: Line[], needle: string) => lines.find((l) => text(l).includes(needle));
const tones = (l: Line | undefined) => new Set((l ?? []).map((s) => s.tone));
const M = 60_000;

const drill = (status: string, over: Partial<DbInstance> = {}): DbInstance => ({
  id: 'conflicto-prod-drill-202503140500',
  status,
  engine: 'postgres',
  engineVersion: '15.4',
  instanceClass: 'db.t4g.medium',
  multiAz: false,
  allocatedStorageGb: 100,
  pendingMaintenance: [],
  tags: { [DRILL_TAG]: 'true', [RESTORED_FROM_TAG]: 'rds:conflicto-prod-2025-03-14-03-10' },
  createdAt: T0 - 6 * M,
  ...over,
});

const withDrill = (status: string): RdsSnapshot => ({ ...rds, restored: [drill(status)] });

describe('RDS', () => {
  test('a restored copy is listed apart from the configured instances, with where it came from and its status', () => {
    for (const detail of [false, true]) {
      const lines = panelBody('rds', withDrill('creating'), ctx({ detail }));
      const all = lines.map(text);
      const header = all.findIndex((l) => l.includes('restored copy'));
      const row = rowWith(lines, 'conflicto-prod-drill-202503140500');
      expect(header, `detail ${detail}`).toBeGreaterThan(all.findIndex((l) => l.includes('conflicto-prod ')));
      expect(text(row!)).toMatch(/drill +creating +rds:conflicto-prod-2025-03-14-03-10 +6m/);
      expect(tones(row)).toContain('warn');
    }
    const available = rowWith(panelBody('rds', withDrill('available'), ctx()), 'drill-2025');
    expect(tones(available)).not.toContain('warn');
    expect(tones(rowWith(panelBody('rds', withDrill('incompatible-restore'), ctx()), 'drill-2025'))).toContain('crit');
  });

  test('a drill in progress shows even in the one-line summary; a finished one does not crowd it', () => {
    expect(text(panelSummary('rds', withDrill('backing-up'), T0, verdicts))).toContain('drill conflicto-prod-drill-202503140500 backing-up');
    expect(text(panelSummary('rds', withDrill('available'), T0, verdicts))).not.toContain('drill');
  });

  test('the selection runs over instances, restored copies, then snapshots', () => {
    const data = withDrill('creating');
    expect(selectedRdsRow(data, '', 0)).toMatchObject({ kind: 'instance', instance: { id: 'conflicto-prod' } });
    expect(selectedRdsRow(data, '', 1)).toMatchObject({ kind: 'restored', instance: { id: 'conflicto-prod-drill-202503140500' } });
    expect(selectedRdsRow(data, '', 2)).toMatchObject({ kind: 'snapshot', snapshot: { id: 'rds:conflicto-prod-2025-03-14-03-10' } });
    expect(selectedRdsRow(data, '', 99)).toMatchObject({ kind: 'snapshot', snapshot: { id: 'rds:conflicto-prod-2025-03-13-03-10' } });
  });

  test('full-screen: the selected instance\'s events, read and write latency, warnings, and a snapshot being made', () => {
    const data: RdsSnapshot = {
      ...rds,
      instances: [{ ...rds.instances[0]!, readLatencyMs: 0.84, writeLatencyMs: 12.5, events: [{ at: T0 - 3 * M, message: 'Backing up DB instance \x1b[2J', categories: ['backup'] }] }],
      snapshots: [{ ...rds.snapshots[0]!, id: 'pre-deploy-0043', type: 'manual', status: 'creating', progress: 42, createdAt: T0 - M }, ...rds.snapshots],
      warnings: ['metrics unavailable: AccessDenied cloudwatch:GetMetricData'],
    };
    const lines = panelBody('rds', data, ctx({ detail: true, width: 160, height: 40 }));
    const all = lines.map(text);
    expect(all.some((l) => /read +write/.test(l))).toBe(true);
    expect(text(rowWith(lines, 'conflicto-prod ')!)).toMatch(/0\.8ms +13ms/);
    expect(all).toContain('⚠ metrics unavailable: AccessDenied cloudwatch:GetMetricData');
    expect(text(rowWith(lines, 'pre-deploy-0043')!)).toMatch(/creating +▓▓░░ 42%/);
    expect(tones(rowWith(lines, 'pre-deploy-0043'))).toContain('warn');
    expect(all.some((l) => l.startsWith('Events of conflicto-prod'))).toBe(true);
    expect(text(rowWith(lines, 'Backing up DB instance')!)).toContain('(backup)');
    expect(lines.length).toBeLessThanOrEqual(40);
    // the warning shows on the tile too
    expect(panelBody('rds', data, ctx()).map(text)).toContain('⚠ metrics unavailable: AccessDenied cloudwatch:GetMetricData');
  });

  test('events of a snapshot row are its instance\'s; an instance without events says so', () => {
    const data: RdsSnapshot = { ...rds, instances: [{ ...rds.instances[0]!, events: [] }] };
    const all = panelBody('rds', data, ctx({ detail: true, selected: 2, height: 40 })).map(text);
    expect(all.some((l) => l.startsWith('Events of conflicto-prod') && l.includes('none in the last 24 h'))).toBe(true);
  });
});

describe('Postgres', () => {
  test('a database that did not answer is one line, above the ones that did, marked unknown as the checks judge it', () => {
    const data = { ...postgres, errors: [{ name: 'replica', error: 'connect ECONNREFUSED 10.0.3.7:5432\x1b]0;x\x07' }] };
    const v = judged({ postgres: data }, T0);
    const lines = panelBody('postgres', data, ctx({ verdicts: v }));
    expect(text(lines[0]!)).toBe('? replica  connect ECONNREFUSED 10.0.3.7:5432');
    expect(tones(lines[0])).toEqual(new Set(['unknown']));
    expect(rowWith(lines, 'primary')).toBeDefined();
    expect(text(panelSummary('postgres', data, T0, v))).toContain('? replica down');
    // none answered: only the errors
    const none = { databases: [], errors: data.errors };
    expect(panelBody('postgres', none, ctx({ verdicts: judged({ postgres: none }, T0) })).map(text)).toEqual(['? replica  connect ECONNREFUSED 10.0.3.7:5432']);
  });
});

describe('Queues', () => {
  test('a Redis that answers but could not read a queue shows why, in yellow', () => {
    const data = { ...queues, redis: [{ ...queues.redis[0]!, error: 'queue default: WRONGTYPE Operation against a key holding the wrong kind of value' }] };
    const lines = panelBody('queues', data, ctx({ verdicts: judged({ queues: data }, T0) }));
    // Redis answers, so the Redis check says ✓; the queue it could not read is the warning under it
    expect(text(lines[0]!)).toMatch(/^✓ redis jobs +ping 1ms/);
    expect(text(lines[1]!)).toContain('⚠ queue default: WRONGTYPE Operation');
    expect(tones(lines[1])).toContain('warn');
    expect(text(panelSummary('queues', data, T0, verdicts))).toMatch(/^redis 1ms ⚠/);
  });

  test('a Redis that does not answer is a red line', () => {
    const data = { ...queues, redis: [{ ...queues.redis[0]!, ok: false, pingMs: null, error: 'connect ECONNREFUSED 127.0.0.1:6379' }] };
    const line = panelBody('queues', data, ctx({ verdicts: judged({ queues: data }, T0) }))[0]!;
    expect(text(line)).toBe('✗ redis jobs connect ECONNREFUSED 127.0.0.1:6379');
    expect(tones(line)).toEqual(new Set(['crit']));
  });
});

describe('ECS', () => {
  test('warnings from the typed field, as one muted line', () => {
    const lines = panelBody('ecs', { ...ecs, warnings: ['stopped tasks unavailable: ThrottlingException', ''] }, ctx());
    const line = rowWith(lines, 'stopped tasks unavailable');
    expect(text(line!)).toBe('⚠ stopped tasks unavailable: ThrottlingException');
    expect(tones(line)).toEqual(new Set(['muted']));
  });
});
