import { describe, expect, test } from 'vitest';
import type { Line } from '../../views/text.js';
import type { PanelCtx } from '../../views/panels/types.js';
import { panelBody } from '../../views/panels/index.js';
import { serviceLevel } from '../../views/panels/ecsTable.js';
import { backupLevel, newestAutomated } from '../../views/panels/RdsPanel.js';
import { connectionTone } from '../../views/panels/PostgresPanel.js';
import { errorRateTone } from '../../views/logs/status.js';
import { probeLevel } from '../../views/panels/HealthPanel.js';
import { isCrashLooping } from '../../src/checks/crashLoop.js';
import { framePanel, statusOf, summaryLine, verdictSegs } from '../../views/PanelFrame.js';
import { NO_VERDICTS } from '../../src/model/verdicts.js';
import { allData, ecs, health, logs, postgres, queues, rds, T0 } from './fixtures.js';
import { judged } from './judged.js';

const verdicts = judged(allData, T0);
const ctx = (over: Partial<PanelCtx> = {}): PanelCtx => ({ width: 100, height: 20, now: T0, selected: 0, focused: true, detail: false, filter: '', verdicts, ...over });
const text = (l: Line) => l.map((s) => s.text).join('');
const rowWith = (lines: Line[], needle: string) => lines.find((l) => text(l).includes(needle));
const tones = (l: Line | undefined) => new Set((l ?? []).map((s) => s.tone));

describe('ECS', () => {
  const [api, worker, scheduler] = ecs.services;
  test("a row's level is the checks' verdict on the service: warn while a rollout is short, crit on a failed rollout or a crash loop", () => {
    const level = (services: typeof ecs.services, i = 0) => serviceLevel(services[i]!, judged({ ecs: { ...ecs, services } }, T0));
    expect(serviceLevel(api!, verdicts)).toBe('ok');
    // a rollout under way at its full count is not a problem to the checks, so not to the row either
    expect(serviceLevel(worker!, verdicts)).toBe('ok');
    expect(isCrashLooping(scheduler!)).toBe(true);
    expect(serviceLevel(scheduler!, verdicts)).toBe('crit');
    // stops count against the revision that made them: another revision's crashes are history
    expect(level([{ ...api!, stoppedTasks: scheduler!.stoppedTasks }])).not.toBe('crit');
    expect(level([{ ...api!, stoppedTasks: scheduler!.stoppedTasks.map((t) => ({ ...t, taskDefinition: api!.taskDefinition })) }])).toBe('crit');
    // one task short is a warning at first (ECS saw it whole 30 s ago), as the check grades it; critical once it lasts;
    // no verdict before the checks ran
    const wholeAt = (ms: number) => [{ id: 'steady', at: T0 - ms, message: '(service api) has reached a steady state.' }, ...api!.events];
    expect(level([{ ...api!, running: 2, events: wholeAt(30_000) }])).toBe('warn');
    expect(level([{ ...api!, running: 2, events: wholeAt(10 * 60_000), stoppedTasks: [] }])).toBe('crit');
    expect(serviceLevel(api!, NO_VERDICTS)).toBeUndefined();
  });

  test('the table tints unhealthy rows; its rows fit the width (the frame cuts the prose below)', () => {
    const short = { ...ecs, services: ecs.services.map((s) => (s.name === 'worker' ? { ...s, running: 1, pending: 1 } : s)) };
    const lines = panelBody('ecs', short, ctx({ width: 76, verdicts: judged({ ecs: short }, T0) }));
    expect(tones(rowWith(lines, 'scheduler'))).toContain('crit');
    expect(tones(rowWith(lines, 'worker'))).toContain('warn');
    expect(tones(rowWith(lines, 'worker'))).not.toContain('crit');
    for (const l of lines.slice(0, 4)) expect(text(l).length).toBeLessThanOrEqual(76);
    expect(text(rowWith(lines, '✗ scheduler:')!)).toContain('tasks keep stopping');
    expect(text(rowWith(lines, '⚠ worker:')!)).toContain('1 of 2 tasks not running');
  });
});

describe('RDS', () => {
  test("the backup line is the snapshot check's verdict, with the environment's threshold", () => {
    expect(newestAutomated(rds)?.id).toBe('rds:conflicto-prod-2025-03-14-03-10');
    expect(backupLevel(judged({ rds }, T0))).toBe('ok');
    expect(backupLevel(judged({ rds }, T0 + 24 * 3_600_000))).toBe('crit');
    expect(backupLevel(judged({ rds }, T0 + 24 * 3_600_000, { snapshotAgeHours: { warn: 40, crit: 60 } }))).toBe('ok');
    // no RDS in the environment: nothing judged, no mark (not "✗ none found")
    expect(backupLevel(judged({ rds: { instances: [], snapshots: [] } }, T0))).toBeUndefined();
    expect(text(panelBody('rds', { instances: [], snapshots: [] }, ctx({ verdicts: judged({ rds: { instances: [], snapshots: [] } }, T0) })).find((l) => text(l).includes('newest automated'))!)).not.toContain('✗');
  });

  test('snapshots are listed newest first with their age', () => {
    const lines = panelBody('rds', rds, ctx({ now: T0 + 24 * 3_600_000, verdicts: judged({ rds }, T0 + 24 * 3_600_000) }));
    const all = lines.map(text);
    expect(all.findIndex((l) => l.includes('2025-03-14'))).toBeLessThan(all.findIndex((l) => l.includes('2025-03-13')));
    expect(tones(rowWith(lines, 'newest automated snapshot'))).toContain('crit');
  });
});

describe("figures take the checks' tones, with the environment's thresholds", () => {
  test('postgres connections (74 of 100): a warning by default, fine where the environment allows 80 %', () => {
    expect(connectionTone(postgres.databases[0]!, verdicts)).toBe('warn');
    expect(connectionTone(postgres.databases[0]!, judged({ postgres }, T0, { dbConnectionsPercent: { warn: 80, crit: 95 } }))).toBeUndefined();
  });
  test('probe latency: slow by the configured threshold', () => {
    const slow = { ...health, probes: [{ ...health.probes[0]!, ok: true, problems: [], latencyMs: 2_300 }] };
    expect(probeLevel(slow.probes[0]!, judged({ health: slow }, T0))).toBe('warn');
    expect(probeLevel(slow.probes[0]!, judged({ health: slow }, T0, { responseTimeMs: { warn: 3_000, crit: 6_000 } }))).toBe('ok');
  });
  test('error rate: the logs check says how bad it is', () => {
    expect(errorRateTone(NO_VERDICTS)).toBeUndefined();
    expect(errorRateTone(judged({ logs }, T0))).toBe('warn');
    expect(errorRateTone(judged({ logs }, T0, { errorRatePercent: { warn: 50, crit: 90 } }))).toBeUndefined();
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

  test('queues: the redis line, then failed jobs as the dead-letter check grades them (7 is a warning, 100 critical)', () => {
    const lines = panelBody('queues', queues, ctx());
    expect(text(lines[0]!)).toMatch(/redis jobs +ping 1ms +mem 120M\/1.0G 12%/);
    const row = rowWith(lines, 'default')!;
    expect(row.find((s) => s.text.trim() === '7')?.tone).toBe('warn');
    expect(text(row)).toMatch(/^⚠ /);
    const many = { ...queues, queues: queues.queues.map((q) => ({ ...q, failed: 100 })) };
    const crit = rowWith(panelBody('queues', many, ctx({ verdicts: judged({ queues: many }, T0) })), 'default')!;
    expect(crit.find((s) => s.text.trim() === '100')?.tone).toBe('crit');
    expect(text(crit)).toMatch(/^✗ /);
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

  test('statuses read loading, stale with age, error; fresh data says nothing', () => {
    expect(statusOf({ status: 'loading', intervalMs: 1 }, T0)?.text).toBe('loading…');
    expect(statusOf(snap, T0)).toBeUndefined();
    expect(statusOf({ ...snap, status: 'stale' }, T0 + 39_000)?.text).toBe('stale 42s');
    expect(statusOf({ status: 'error', error: 'boom', intervalMs: 1 }, T0)?.text).toBe('error');
    // data kept through a failure: the title says how old it is
    expect(statusOf({ ...snap, status: 'error', error: 'boom' }, T0)?.text).toBe('stale 3s');
  });

  test("the title says the checks' worst verdict in a word, never ok beside a ✗; stale only when stale", () => {
    // the fixtures' scheduler crash-loops: critical findings of the ECS panel, and a warning
    const title = (over: { status?: 'ok' | 'stale' } = {}, v = verdicts) => text(framePanel({ id: 'ecs', snap: { ...snap, ...over }, width: 80, height: 6, now: T0, focused: true, detail: false, filter: '', selected: 0, verdicts: v })[0]!);
    expect(title()).toMatch(/1 ECS +✗ 2 critical +⚠ 1 ═/);
    expect(title()).not.toMatch(/\bok\b/);
    expect(title({ status: 'stale' })).toMatch(/✗ 2 critical +⚠ 1 +stale 3s/);
    expect(title({}, NO_VERDICTS)).toMatch(/^╔═ 1 ECS ═+╗$/);
    const fine = judged({ ecs: { ...ecs, services: [ecs.services[0]!] } }, T0);
    expect(title({}, fine)).toMatch(/1 ECS +✓ ok/);
    expect(verdictSegs('ecs', fine).map((s) => s.text.trim())).toEqual(['✓ ok']);
  });

  test('the title counts each problem severity, the worst first with its word', () => {
    const v = { ...NO_VERDICTS, counts: () => ({ ok: 3, warn: 2, crit: 0, unknown: 1 }) };
    expect(verdictSegs('queues', v).map((s) => s.text.trim())).toEqual(['? 1 unknown', '⚠ 2']);
    const warnOnly = { ...NO_VERDICTS, counts: () => ({ ok: 0, warn: 2, crit: 0, unknown: 0 }) };
    expect(verdictSegs('queues', warnOnly).map((s) => s.text.trim())).toEqual(['⚠ 2 warnings']);
    const summary = text(summaryLine({ id: 'queues', snap: { ...snap, data: queues } as never, width: 80, now: T0, focused: false, filter: '', verdicts: v }));
    expect(summary).toMatch(/^ 4 Queues +\? 1 unknown ⚠ 2 /);
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
