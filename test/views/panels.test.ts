import { describe, expect, test } from 'vitest';
import type { Line } from '../../views/text.js';
import type { PanelCtx } from '../../views/panels/types.js';
import { panelBody } from '../../views/panels/index.js';
import { isCrashLooping, serviceLevel } from '../../views/panels/ecsTable.js';
import { backupLevel, newestAutomated } from '../../views/panels/RdsPanel.js';
import { connectionTone } from '../../views/panels/PostgresPanel.js';
import { latencyTone } from '../../views/panels/HealthPanel.js';
import { errorRateTone } from '../../views/panels/LogsPanel.js';
import { framePanel, statusOf, summaryLine } from '../../views/PanelFrame.js';
import { ecs, health, logs, postgres, queues, rds, T0 } from './fixtures.js';

const ctx = (over: Partial<PanelCtx> = {}): PanelCtx => ({ width: 100, height: 20, now: T0, selected: 0, focused: true, detail: false, filter: '', ...over });
const text = (l: Line) => l.map((s) => s.text).join('');
const rowWith = (lines: Line[], needle: string) => lines.find((l) => text(l).includes(needle));
const tones = (l: Line | undefined) => new Set((l ?? []).map((s) => s.tone));

describe('ECS', () => {
  const [api, worker, scheduler] = ecs.services;
  test('a row is red below desired, on a failed rollout or when crash-looping; yellow while rolling out', () => {
    expect(serviceLevel(api!)).toBe('ok');
    expect(serviceLevel(worker!)).toBe('warn');
    expect(isCrashLooping(scheduler!)).toBe(true);
    expect(serviceLevel(scheduler!)).toBe('crit');
    // stops count against the revision that made them: another revision's crashes are history
    expect(serviceLevel({ ...api!, stoppedTasks: scheduler!.stoppedTasks })).toBe('ok');
    expect(serviceLevel({ ...api!, stoppedTasks: scheduler!.stoppedTasks.map((t) => ({ ...t, taskDefinition: api!.taskDefinition })) })).toBe('crit');
    expect(serviceLevel({ ...api!, running: 2 })).toBe('crit');
  });

  test('the table tints unhealthy rows; its rows fit the width (the frame cuts the prose below)', () => {
    const lines = panelBody('ecs', ecs, ctx({ width: 76 }));
    expect(tones(rowWith(lines, 'scheduler'))).toContain('crit');
    expect(tones(rowWith(lines, 'worker'))).toContain('warn');
    for (const l of lines.slice(0, 4)) expect(text(l).length).toBeLessThanOrEqual(76);
    expect(text(rowWith(lines, '✗ scheduler:')!)).toContain('crash-looping: 4 tasks exited non-zero');
  });
});

describe('RDS', () => {
  test('the newest automated snapshot is judged, and is red past 26 h', () => {
    expect(newestAutomated(rds)?.id).toBe('rds:conflicto-prod-2025-03-14-03-10');
    expect(backupLevel(newestAutomated(rds), T0)).toBe('ok');
    expect(backupLevel(newestAutomated(rds), T0 + 24 * 3_600_000)).toBe('crit');
    expect(backupLevel(undefined, T0)).toBe('crit');
    expect(backupLevel({ ...newestAutomated(rds)!, status: 'creating' }, T0)).toBe('warn');
  });

  test('snapshots are listed newest first with their age', () => {
    const lines = panelBody('rds', rds, ctx({ now: T0 + 24 * 3_600_000 }));
    const all = lines.map(text);
    expect(all.findIndex((l) => l.includes('2025-03-14'))).toBeLessThan(all.findIndex((l) => l.includes('2025-03-13')));
    expect(tones(rowWith(lines, 'newest automated snapshot'))).toContain('crit');
  });
});

describe('thresholds', () => {
  test('postgres connections: > 70 % warn, > 90 % crit', () => {
    expect(connectionTone(70, 100)).toBeUndefined();
    expect(connectionTone(71, 100)).toBe('warn');
    expect(connectionTone(91, 100)).toBe('crit');
  });
  test('probe latency: > 2 s warn, > 5 s crit', () => {
    expect(latencyTone(2_000)).toBeUndefined();
    expect(latencyTone(2_300)).toBe('warn');
    expect(latencyTone(5_001)).toBe('crit');
  });
  test('error rate: > 1 % warn, > 5 % crit', () => {
    expect(errorRateTone(null)).toBeUndefined();
    expect(errorRateTone(1.5)).toBe('warn');
    expect(errorRateTone(6)).toBe('crit');
  });
});

describe('bodies', () => {
  test('logs: newest lines at the bottom, errors red, warnings yellow', () => {
    const lines = panelBody('logs', logs, ctx({ height: 4 }));
    expect(lines).toHaveLength(4);
    expect(text(lines.at(-1)!)).toContain('GET /api/v1/orders/812');
    expect(tones(rowWith(lines, 'LockNotAvailable'))).toContain('crit');
    expect(tones(rowWith(lines, 'slow query'))).toContain('warn');
  });

  test('queues: the redis line, then failed jobs in red', () => {
    const lines = panelBody('queues', queues, ctx());
    expect(text(lines[0]!)).toMatch(/redis jobs +ping 1ms +mem 120M\/1.0G 12%/);
    const row = rowWith(lines, 'default')!;
    expect(row.find((s) => s.text.trim() === '7')?.tone).toBe('crit');
  });

  test('postgres: blocked queries first, with their blockers, in red', () => {
    const lines = panelBody('postgres', postgres, ctx());
    const blocked = rowWith(lines, 'blocked   41s')!;
    expect(text(blocked)).toContain('by 4188');
    expect(tones(blocked)).toContain('crit');
    expect(text(lines[0]!)).toContain('74/100 74%');
  });

  test('health: failing probes name their problem', () => {
    const lines = panelBody('health', health, ctx());
    expect(text(rowWith(lines, 'live')!)).toContain('expected status 200, got 503');
  });
});

describe('frame', () => {
  const snap = { status: 'ok' as const, data: ecs, updatedAt: T0 - 3_000, attemptedAt: T0 - 3_000, intervalMs: 5_000 };
  test('is exactly the size asked for', () => {
    const lines = framePanel({ id: 'ecs', snap, width: 50, height: 9, now: T0, focused: false, detail: false, filter: '', selected: 0 });
    expect(lines).toHaveLength(9);
    for (const l of lines) expect(text(l)).toHaveLength(50);
  });

  test('statuses read loading, ok, stale with age, error', () => {
    expect(statusOf({ status: 'loading', intervalMs: 1 }, T0).text).toBe('loading…');
    expect(statusOf(snap, T0).text).toBe('ok');
    expect(statusOf({ ...snap, status: 'stale' }, T0 + 39_000).text).toBe('stale 42s');
    expect(statusOf({ ...snap, status: 'error', error: 'boom' }, T0).text).toBe('error');
  });

  test('a failing panel keeps its data under the error line', () => {
    const failing = { ...snap, status: 'error' as const, error: 'ThrottlingException: Rate exceeded' };
    const lines = framePanel({ id: 'ecs', snap: failing, width: 100, height: 10, now: T0 + 60_000, focused: true, detail: false, filter: '', selected: 0 }).map(text);
    expect(lines[1]).toContain('✗ ThrottlingException: Rate exceeded · showing data from 1m ago');
    expect(lines.some((l) => l.includes('scheduler'))).toBe(true);
    const summary = text(summaryLine({ id: 'ecs', snap: failing, width: 120, now: T0, focused: false, filter: '' }));
    expect(summary).toContain('ThrottlingException');
  });
});
