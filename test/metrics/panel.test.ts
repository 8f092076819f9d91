import { describe, expect, test } from 'vitest';
import type { Line } from '../../views/text.js';
import type { PanelCtx } from '../../views/panels/types.js';
import { panelBody, panelSummary } from '../../views/panels/index.js';
import { metricLevel } from '../../views/panels/MetricsPanel.js';
import { computeLayout } from '../../views/layout.js';
import { metrics, T0 } from '../views/fixtures.js';
import { judged } from '../views/judged.js';

const verdicts = judged({ metrics }, T0);
const ctx = (over: Partial<PanelCtx> = {}): PanelCtx => ({ width: 100, height: 10, now: T0, selected: 0, focused: false, detail: false, filter: '', verdicts, ...over });
const text = (l: Line) => l.map((s) => s.text).join('');
const rowWith = (lines: Line[], needle: string) => lines.find((l) => text(l).includes(needle));
const tones = (l: Line | undefined) => new Set((l ?? []).map((s) => s.tone));

describe('the Metrics panel', () => {
  test("each row's mark is the checks' verdict on its series, with its figure, sparkline and rule", () => {
    const [rate, gauge, ratio] = metrics.rows;
    expect(metricLevel(rate!, verdicts)).toBe('crit');
    expect(metricLevel(gauge!, verdicts)).toBe('ok');
    expect(metricLevel(ratio!, verdicts)).toBe('ok');
    const lines = panelBody('metrics', metrics, ctx());
    expect(text(lines[0]!)).toMatch(/series\s+now\s+trend\s+rule\s+endpoint/);
    const hot = rowWith(lines, 'error_rate_total')!;
    expect(text(hot)).toMatch(/^✗ error_rate_total\s+7\.40\/s ▁▁▁▃▇█\s+5m 1\/5\s+app/);
    expect(tones(hot)).toContain('crit');
    expect(text(rowWith(lines, 'queue_depth')!)).toMatch(/^✓ queue_depth\{queue="emails"\}\s+42 /);
    expect(text(rowWith(lines, 'errors_total / requests_total')!)).toMatch(/0\.0040 .* 5m 0\.01\/0\.05/);
    for (const l of lines) expect(text(l).length).toBeLessThanOrEqual(100);
  });

  test('the mark follows the bounds the row carries, as the checks grade them: the view holds no threshold', () => {
    const relaxed = { ...metrics, rows: metrics.rows.map((r) => (r.series === 'error_rate_total' ? { ...r, warn: 10, crit: 20 } : r)) };
    expect(metricLevel(relaxed.rows[0]!, judged({ metrics: relaxed }, T0))).toBe('ok');
  });

  test('a failed scrape: the rows say why they have no figure, the endpoint\'s error once below them', () => {
    const failed = {
      endpoints: [{ name: 'app', url: 'https://conflicto.app/metrics', error: 'HTTP 401 (check metrics[].headers)' }],
      rows: metrics.rows.map((r) => ({ ...r, value: null, missing: 'HTTP 401 (check metrics[].headers)', history: [] })),
    };
    const v = judged({ metrics: failed }, T0);
    const lines = panelBody('metrics', failed, ctx({ verdicts: v }));
    expect(text(rowWith(lines, 'error_rate_total')!)).toMatch(/^\? error_rate_total\s+—\s+HTTP 401/);
    expect(text(lines.at(-1)!)).toBe('app: HTTP 401 (check metrics[].headers)');
  });

  test('the summary line folds every series to mark, name and figure (80x24 shows it on one line)', () => {
    expect(text(panelSummary('metrics', metrics, T0, verdicts))).toBe('✗ error_rate_total 7.40/s  ✓ queue_depth{queue="emails"} 42  ✓ errors_total / requests_total 0.0040  ');
    const layout = computeLayout({ width: 80, height: 24, focus: 'metrics', detail: null });
    expect(layout.kind).toBe('stack');
    if (layout.kind === 'stack') expect(layout.items.map((i) => i.kind)).toEqual(['summary', 'summary', 'summary', 'summary', 'summary', 'summary', 'expanded']);
  });

  test('a filter keeps the matching series', () => {
    const lines = panelBody('metrics', metrics, ctx({ filter: 'queue' }));
    expect(lines.slice(1).map(text).filter((t) => t.trim())).toHaveLength(1);
    expect(text(panelBody('metrics', metrics, ctx({ filter: 'nothing' }))[1]!)).toBe('no series matches /nothing');
  });
});
