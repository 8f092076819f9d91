// The Queues panel shows the figures the readers add: every state the
// queue's library counts (for the selected queue), and a paused queue as paused.
import { describe, expect, test } from 'vitest';
import type { Line } from '../../views/text.js';
import type { PanelCtx } from '../../views/panels/types.js';
import { panelBody } from '../../views/panels/index.js';
import { queuesPanel } from '../../views/panels/QueuesPanel.js';
import type { QueueStats, QueuesSnapshot } from '../../src/model/queues.js';
import { T0 } from './fixtures.js';
import { NO_VERDICTS } from '../../src/model/verdicts.js';

const ctx = (over: Partial<PanelCtx> = {}): PanelCtx => ({ width: 100, height: 12, now: T0, selected: 0, focused: true, detail: false, filter: '', verdicts: NO_VERDICTS, ...over });
const text = (l: Line) => l.map((s) => s.text).join('');

const base = { redis: 'jobs', active: 1, delayed: 2, failed: 0, oldestWaitingAgeMs: 60_000, drainPerMinute: null, etaToEmptyMs: null };
const reports: QueueStats = {
  ...base, name: 'reports', flavor: 'bullmq', waiting: 5, paused: true,
  states: { waiting: 5, prioritized: 0, paused: 0, active: 1, delayed: 2, 'waiting-children': 0, completed: 7, failed: 0 },
};
const mail: QueueStats = {
  ...base, name: 'mail', flavor: 'rq', waiting: 3,
  states: { queued: 3, started: 1, deferred: 4, scheduled: 2, finished: 9, failed: 0, canceled: 1 },
};
const data: QueuesSnapshot = {
  redis: [{ name: 'jobs', ok: true, pingMs: 0.4, usedMemoryBytes: 1e6, maxMemoryBytes: null, clients: 3, evictedKeys: 0 }],
  queues: [reports, mail],
};

describe('Queues panel: library states', () => {
  test('the selected queue\'s states, by the library\'s names, on the last line', () => {
    const first = panelBody('queues', data, ctx({ width: 160 })).map(text);
    expect(first.at(-1)).toContain('reports paused: waiting 5 · prioritized 0 · paused 0 · active 1 · delayed 2 · waiting-children 0 · completed 7 · failed 0');
    const second = panelBody('queues', data, ctx({ width: 160, selected: 1 })).map(text);
    expect(second.at(-1)).toContain('mail: queued 3 · started 1 · deferred 4 · scheduled 2 · finished 9 · failed 0 · canceled 1');
  });

  test('in a narrow panel the states wrap between states, every one of them shown', () => {
    const lines = panelBody('queues', data, ctx({ width: 48 })).map(text);
    const from = lines.findIndex((l) => l.includes('reports paused:'));
    const rows = lines.slice(from);
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) expect(r.length).toBeLessThanOrEqual(48);
    // a row breaks between states: the separator is not carried over
    expect(rows.join(' ').replace(/ ·/g, '').replace(/\s+/g, ' ')).toContain('reports paused: waiting 5 prioritized 0 paused 0 active 1 delayed 2 waiting-children 0 completed 7 failed 0');
  });

  test('a paused queue says so in its row and in the summary', () => {
    const rows = panelBody('queues', data, ctx()).map(text);
    expect(rows.find((r) => r.includes('reports'))).toContain('reports (paused)');
    expect(rows.find((r) => r.includes('mail') && !r.includes(':'))).not.toContain('paused');
    expect(text(queuesPanel.summary(data, T0, NO_VERDICTS))).toContain('reports paused 5');
  });

  test('with no room for a row besides, the states line gives way to the table', () => {
    const lines = panelBody('queues', data, ctx({ height: 3 })).map(text);
    expect(lines.some((l) => l.includes('queued 3') || l.includes('waiting 5 ·'))).toBe(false);
  });
});
