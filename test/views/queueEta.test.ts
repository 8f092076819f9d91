// The queue panel's eta keeps apart what one dash used to mean: an empty
// queue, a queue that does not go down at its drain rate, and a rate not
// known yet. The figure is the data layer's; the view only names it.
import { describe, expect, test } from 'vitest';
import type { Line } from '../../views/text.js';
import type { PanelCtx } from '../../views/panels/types.js';
import { panelBody } from '../../views/panels/index.js';
import { etaText } from '../../views/panels/QueuesPanel.js';
import type { QueueStats } from '../../src/model/queues.js';
import { NO_VERDICTS } from '../../src/model/verdicts.js';
import { T0 } from './fixtures.js';

const ctx: PanelCtx = { width: 100, height: 10, now: T0, selected: 0, focused: false, detail: false, filter: '', verdicts: NO_VERDICTS };
const text = (l: Line) => l.map((s) => s.text).join('');
const queue = (name: string, waiting: number, drainPerMinute: number | null, etaToEmptyMs: number | null): QueueStats => ({
  redis: 'jobs', name, flavor: 'bullmq', waiting, active: 0, delayed: 0, failed: 0, oldestWaitingAgeMs: null, drainPerMinute, etaToEmptyMs,
});

describe('the eta column', () => {
  test('says empty, a time, never, or ? from the data layer\'s figures', () => {
    expect(etaText(queue('a', 0, 4, 0))).toBe('empty');
    expect(etaText(queue('b', 30, 10, 180_000))).toBe('3m');
    expect(etaText(queue('c', 300, 2, null))).toBe('never');
    expect(etaText(queue('d', 3, null, null))).toBe('?');
  });

  test('each in its row of the panel', () => {
    const rows = panelBody('queues', { redis: [], queues: [queue('idle', 0, 4, 0), queue('stuck', 300, 0, null), queue('fresh', 3, null, null)] }, ctx).map(text);
    expect(rows.find((r) => r.includes('idle'))).toMatch(/empty$/);
    expect(rows.find((r) => r.includes('stuck'))).toMatch(/never$/);
    expect(rows.find((r) => r.includes('fresh'))).toMatch(/\?$/);
  });
});
