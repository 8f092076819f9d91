/**
 * The log view's pieces without a terminal: the model (filter, errors only,
 * context, its cache), the window (follow, paused by line id, wrapped lines),
 * scrolling over gap rows, and the rows a line becomes.
 */
import { describe, expect, test } from 'vitest';
import { logModel, logText } from '../../views/logs/model.js';
import { logWindow, scroll } from '../../views/logs/window.js';
import { itemRows, rowLayout, shortStream } from '../../views/logs/rows.js';
import { logBody } from '../../views/logs/screen.js';
import { initialViewState } from '../../views/state.js';
import { wrapLine, type Line } from '../../views/text.js';
import { arrive, lines, numbered, snapshot } from './logSupport.js';
import { T0 } from './fixtures.js';

const text = (l: Line) => l.map((s) => s.text).join('');
const opts = (over: Partial<{ filter: string; errorsOnly: boolean; context: boolean }> = {}) => ({ filter: '', errorsOnly: false, context: false, ...over });
const ones = () => 1;

describe('model', () => {
  test('is computed once per snapshot and options, and again when either changes', () => {
    const data = snapshot(numbered(50, { errorEvery: 5 }));
    const a = logModel(data, opts({ filter: 'timeout' }));
    expect(logModel(data, opts({ filter: 'timeout' }))).toBe(a);
    expect(logModel(data, opts({ filter: 'timeout', errorsOnly: true }))).not.toBe(a);
    expect(logModel(arrive(data, numbered(1, { from: 50 })), opts({ filter: 'timeout' }))).not.toBe(a);
    expect(a.matches).toBe(10);
  });

  test('an inverted filter hides a line when its text or its stream matches', () => {
    const data = snapshot(lines([{ message: 'GET /health 200' }, { message: 'ERROR boom', stream: 'worker/worker/abc' }, { message: 'POST /orders 201' }]));
    expect(logModel(data, opts({ filter: '!health' })).items.map((i) => (i.kind === 'line' ? i.ev.message : '')).join('|')).toBe('ERROR boom|POST /orders 201');
    expect(logModel(data, opts({ filter: '!worker' })).matches).toBe(2);
    expect(logModel(data, opts({ filter: 'worker' })).matches).toBe(1);
  });

  test('a bad regex keeps every line and says why in one line', () => {
    const m = logModel(snapshot(numbered(10)), opts({ filter: '/a(/' }));
    expect(m.filter).toBeUndefined();
    expect(m.items).toHaveLength(10);
    expect(m.filterError).toMatch(/^bad regex \/a\(\/: .*fix it, or drop the slashes/);
    expect(m.filterError).not.toContain('\n');
  });

  test('context: matched lines, three around each, and a gap row for what is left out', () => {
    const m = logModel(snapshot(numbered(40)), opts({ filter: '/line 00(10|30) /', context: true }));
    const kinds = m.items.map((i) => (i.kind === 'gap' ? `…${i.skipped}` : `${i.raw}${i.match ? '*' : ''}`));
    expect(kinds).toEqual(['7', '8', '9', '10*', '11', '12', '13', '…13', '27', '28', '29', '30*', '31', '32', '33']);
  });

  test('text is sanitised once per event', () => {
    const [ev] = lines([{ message: 'a\x1b[2Jb\tc\nd' }]);
    expect(logText(ev!)).toBe('ab  c ⏎ d');
    // The text is kept with the event, so a second call does not sanitise
    // again: it still answers the first text after the message changed.
    (ev as { message: string }).message = 'changed';
    expect(logText(ev!)).toBe('ab  c ⏎ d');
    expect(logText({ ...ev!, message: 'changed' })).toBe('changed');
  });
});

describe('window', () => {
  const model = logModel(snapshot(numbered(30)), opts());

  test('following ends at the newest line', () => {
    const w = logWindow(model, { paused: null }, 10, ones);
    expect([w.start, w.end, w.paused]).toEqual([20, 30, false]);
  });

  test('paused starts at its line by id, whatever arrives after', () => {
    const paused = scroll(model, { paused: null }, logWindow(model, { paused: null }, 10, ones), 'up', 10, ones)!;
    expect(paused.top).toBe(model.items[19]!.kind === 'line' ? model.items[19]!.ev.id : '');
    const later = logModel(arrive(model.data, numbered(500, { from: 30 })), opts());
    const w = logWindow(later, { paused }, 10, ones);
    expect([w.start, w.newLines, w.lost]).toEqual([19, 500, false]);
  });

  test('down stops at the follow window and stays paused; down while following does nothing', () => {
    const following = logWindow(model, { paused: null }, 10, ones);
    expect(scroll(model, { paused: null }, following, 'down', 10, ones)).toBeNull();
    const top = scroll(model, { paused: null }, following, 'top', 10, ones)!;
    let state: { paused: { top: string; total: number } | null } = { paused: top };
    for (let i = 0; i < 50; i++) state = { paused: scroll(model, state, logWindow(model, state, 10, ones), 'down', 10, ones) };
    expect(state.paused).not.toBeNull();
    expect(logWindow(model, state, 10, ones).start).toBe(20);
  });

  test('wrapped lines: the follow window cuts the oldest at the top; up shows it whole', () => {
    const heights = (i: number) => (i === 27 ? 4 : 1);
    const w = logWindow(model, { paused: null }, 5, heights);
    // 28 and 29 take two rows, 27's last three fill the rest
    expect([w.start, w.skipTop]).toEqual([27, 1]);
    const up = scroll(model, { paused: null }, w, 'up', 5, heights)!;
    expect(logWindow(model, { paused: up }, 5, heights)).toMatchObject({ start: 27, skipTop: 0 });
  });

  test('scrolling steps over a gap row in either direction', () => {
    const m = logModel(snapshot(numbered(40)), opts({ filter: '/line 00(10|30) /', context: true }));
    const gap = m.items.findIndex((i) => i.kind === 'gap');
    const at = (index: number) => ({ paused: { top: (m.items[index] as { ev: { id: string } }).ev.id, total: 40 } });
    const upFromAfter = scroll(m, at(gap + 1), logWindow(m, at(gap + 1), 3, ones), 'up', 3, ones)!;
    expect(upFromAfter.top).toBe((m.items[gap - 1] as { ev: { id: string } }).ev.id);
    const downFromBefore = scroll(m, at(gap - 1), logWindow(m, at(gap - 1), 3, ones), 'down', 3, ones)!;
    expect(downFromBefore.top).toBe((m.items[gap + 1] as { ev: { id: string } }).ev.id);
  });
});

describe('status rows', () => {
  const body = (over: Parameters<typeof snapshot>[1], height = 10, width = 120) => logBody(snapshot(numbered(30), over), { width, height, detail: true, now: T0, filter: '', view: initialViewState.logs }).map(text);

  test('how the tail reads, the error rate, what it dropped, what it warns about', () => {
    const [status, warning] = body({ mode: 'poll', sampled: true, dropped: 8_000, total: 10_030, warnings: ['Live Tail unavailable (AccessDenied); polling every 2 s instead'] }, 10, 160);
    expect(status).toMatch(/^following · polling · sampled: some lines were not delivered · errors 3\.0% [▁-█]{10} · 10,030 lines · 8,000 dropped from the buffer$/);
    expect(warning).toBe('⚠ Live Tail unavailable (AccessDenied); polling every 2 s instead');
  });

  test('a tail narrowed by a filter pattern counts errors per minute, not a share it cannot know', () => {
    const [status] = body({ filtered: true, errorsPerMinute: [0, 0, 4, 6, 2, 3, 5], linesPerMinute: [0, 0, 4, 6, 2, 3, 5] });
    expect(status).toContain('· 4.0 errors/min');
    expect(status).not.toContain('%');
  });
});

describe('rows', () => {
  test('with more than one log group, the source names the group too', () => {
    const data = snapshot(lines([{ message: 'a', group: '/ecs/api', stream: 'api/api/7f3c2a9b1d0e4f5a6b7c' }, { message: 'b', group: '/ecs/worker', stream: 'w/worker/0123456789abcdef' }]), { groups: ['/ecs/api', '/ecs/worker'] });
    const m = logModel(data, opts());
    const layout = rowLayout(m, 120, false);
    expect(m.items.map((i) => text(itemRows(m, i, layout)[0]!))).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d api api\/7f3c2a +a$/), expect.stringMatching(/^\d\d:\d\d:\d\d worker worker\/012345 +b$/)]);
    // a narrow box has no room for it
    expect(rowLayout(m, 80, false).source).toBe(0);
  });

  test('ECS stream names are shortened to container and task', () => {
    expect(shortStream('api/api/7f3c2a9b1d0e4f5a6b7c8d9e')).toBe('api/7f3c2a');
    expect(shortStream('short')).toBe('short');
    expect(shortStream('x'.repeat(30))).toBe(`…${'x'.repeat(19)}`);
  });

  test('a 256 KB line costs only what shows: cut when not wrapped, capped when wrapped', () => {
    const m = logModel(snapshot(lines([{ message: `ERROR ${'z'.repeat(256 * 1024)}`, severity: 'error' }])), opts());
    const item = m.items[0]!;
    const cut = itemRows(m, item, rowLayout(m, 80, false));
    expect(cut).toHaveLength(1);
    expect(text(cut[0]!).length).toBeLessThan(200);
    const wrapped = itemRows(m, item, rowLayout(m, 80, true));
    expect(wrapped.length).toBeLessThan(200);
    // continuation rows are indented under the message; without the indent the rows are the text
    expect(wrapped.map((r) => text(r).replace(/^ {9}/, '')).join('')).toContain(`… ${(256 * 1024 + 6 - 8_000).toLocaleString('en-US')} more characters (S saves the whole line)`);
  });

  test('wrapLine keeps styles and never splits a wide character', () => {
    const rows = wrapLine([{ text: 'abc', tone: 'crit' }, { text: '日本語', inverse: true }], 4);
    expect(rows.map(text)).toEqual(['abc', '日本', '語']);
    expect(rows[1]![0]).toMatchObject({ inverse: true });
  });

  test('the body is never taller than its box', () => {
    const data = snapshot(numbered(300, { errorEvery: 3 }));
    for (const height of [1, 2, 3, 5, 12, 40]) {
      for (const view of [initialViewState.logs, { ...initialViewState.logs, wrap: true, context: true, topErrors: true }]) {
        expect(logBody(data, { width: 70, height, detail: true, now: T0, filter: 'timeout', view }).length).toBeLessThanOrEqual(height);
      }
    }
  });
});
