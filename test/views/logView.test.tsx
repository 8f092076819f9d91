/**
 * The log view as an on-call engineer drives it: following and pausing while
 * lines keep arriving, the filter (text, regex, inverted, a bad regex), errors
 * only, context, wrap, saving what is shown, and the top errors; always inside
 * the screen, and never letting a log line's escape sequences through.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import chalk from 'chalk';
import stringWidth from 'string-width';
import type { Harness, RenderOptions } from './render.js';
import { KEYS, plain, renderView } from './render.js';
import { arrive, lines, numbered, snapshot } from './logSupport.js';
import { formatLogLine } from '../../src/engine/logExport.js';
import type { LogsSnapshot } from '../../src/model/logs.js';

let h: Harness | undefined;
const dirs: string[] = [];
afterEach(() => {
  h?.unmount();
  h = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'opsdeck-logview-'));
  dirs.push(d);
  return d;
}

async function openLogs(data: LogsSnapshot, opts: RenderOptions & { dashboard?: boolean } = {}): Promise<Harness> {
  const initialState = opts.dashboard ? { focus: 'logs' as const } : { focus: 'logs' as const, detail: 'logs' as const };
  h = renderView({ noColor: true, ...opts, initialState: { ...initialState, ...opts.initialState }, data: { logs: data } });
  await h.waitFor((f) => f.includes('3 Logs') && f.includes(' lines'));
  return h;
}

function expectFits(frame: string, columns: number, rows: number): void {
  const rowsOut = plain(frame).split('\n');
  expect(rowsOut.length).toBeLessThanOrEqual(rows - 1);
  for (const r of rowsOut) expect(stringWidth(r), r).toBeLessThanOrEqual(columns);
}

const has = (n: number) => (f: string) => f.includes(`line ${String(n).padStart(4, '0')} `);

describe('follow and pause', () => {
  test('k pauses where it is; new lines are counted, not shown; G follows them all', async () => {
    const first = snapshot(numbered(100, { errorEvery: 10 }));
    const v = await openLogs(first);
    let frame = await v.waitFor((f) => has(99)(f) && f.includes('following'));
    expect(has(82)(frame)).toBe(false);
    v.press('k');
    frame = await v.waitFor((f) => f.includes('‖ paused · 0 new lines · G to follow'));
    // one line back: the oldest shown moves up one, the newest leaves the screen
    expect(has(82)(frame) && !has(99)(frame)).toBe(true);

    const second = arrive(first, numbered(10, { from: 100 }));
    v.update('logs', second);
    frame = await v.waitFor((f) => f.includes('‖ paused · 10 new lines · G to follow'));
    expect(has(82)(frame)).toBe(true);
    expect(has(100)(frame)).toBe(false);
    v.update('logs', arrive(second, numbered(122, { from: 110 })));
    frame = await v.waitFor((f) => f.includes('132 new lines'));
    expect(has(82)(frame)).toBe(true);
    expectFits(frame, 80, 24);

    v.press('G');
    frame = await v.waitFor((f) => f.includes('following') && has(231)(f));
    expect(frame).not.toContain('paused');
  });

  test('j never resumes following by itself; g goes to the oldest line; pgdn pages', async () => {
    const v = await openLogs(snapshot(numbered(100)));
    await v.waitFor(has(99));
    v.press('g');
    let frame = await v.waitFor((f) => f.includes('paused') && has(0)(f));
    expect(has(99)(frame)).toBe(false);
    v.press('\x1b[6~');
    frame = await v.waitFor((f) => !has(0)(f) && has(20)(f));
    // a page keeps one line of the last one
    expect(has(16)(frame)).toBe(true);
    for (let i = 0; i < 200; i++) v.press('j');
    frame = await v.waitFor((f) => has(99)(f));
    expect(frame).toContain('‖ paused');
    v.press(KEYS.up);
    await v.waitFor((f) => !has(99)(f) && has(82)(f));
  });

  test('the line it was paused on leaves the buffer: it says so and shows the oldest', async () => {
    const first = snapshot(numbered(100));
    const v = await openLogs(first);
    await v.waitFor(has(99));
    v.press('g');
    await v.waitFor((f) => f.includes('paused') && has(0)(f));
    // only the newest 100 are handed over: lines 0-29 are gone
    v.update('logs', arrive(first, numbered(30, { from: 100 }), 100));
    const frame = await v.waitFor((f) => f.includes('left the buffer'));
    expect(has(30)(frame)).toBe(true);
    expect(frame).toContain('30 new lines');
  });

  test('on the dashboard tile too: k pauses and G follows', async () => {
    const v = await openLogs(snapshot(numbered(100)), { dashboard: true, columns: 120, rows: 40 });
    await v.waitFor((f) => f.includes('╔═ 3 Logs') && has(99)(f));
    v.press('k');
    await v.waitFor((f) => f.includes('‖ paused') && !has(99)(f));
    v.press('G');
    await v.waitFor((f) => !f.includes('paused') && has(99)(f));
  });
});

describe('filter', () => {
  test('plain text, case-insensitive, with the count', async () => {
    const v = await openLogs(snapshot(numbered(100, { errorEvery: 10 })));
    v.press('/');
    v.type('TIMEOUTERROR');
    v.press(KEYS.enter);
    const frame = await v.waitFor((f) => f.includes('filter /TIMEOUTERROR: 10 of 100 lines'));
    expect(has(90)(frame) && has(0)(frame)).toBe(true);
    expect(has(91)(frame)).toBe(false);
  });

  test('f applies the saved filters in turn, then none; without any it says where they go', async () => {
    const savedFilters = [
      { name: 'errors', pattern: 'TIMEOUTERROR' },
      { name: 'tens', pattern: '/line 00[1-3]0 /' },
    ];
    const v = await openLogs(snapshot(numbered(100, { errorEvery: 10 }), { savedFilters }));
    v.press('f');
    let frame = await v.waitFor((f) => f.includes('filter /TIMEOUTERROR: 10 of 100 lines'));
    expect(frame).toContain('filter "errors": TIMEOUTERROR');
    v.press('f');
    frame = await v.waitFor((f) => f.includes('3 of 100 lines'));
    expect(has(10)(frame) && has(20)(frame) && has(30)(frame) && !has(40)(frame)).toBe(true);
    v.press('f');
    frame = await v.waitFor((f) => f.includes('saved filters done: no filter'));
    expect(frame).toContain('100 lines');
    expect(has(99)(frame)).toBe(true);
    v.unmount();
    const bare = await openLogs(snapshot(numbered(10)));
    bare.press('f');
    await bare.waitFor((f) => f.includes('no saved filter: add them under logs[].filters in the config'));
  });

  test('a /regex/, an inverted !text, and a bad regex as one line while every line stays', async () => {
    const v = await openLogs(snapshot(numbered(100, { errorEvery: 10 })));
    v.press('/');
    v.type('/line 00[1-3]0 /');
    let frame = await v.waitFor((f) => f.includes('3 of 100 lines'));
    expect(has(10)(frame) && has(20)(frame) && has(30)(frame)).toBe(true);
    expect(has(40)(frame)).toBe(false);
    v.press(KEYS.escape);
    await v.waitFor((f) => !f.includes('enter keep') && f.includes('100 lines') && !f.includes('filter /') && !f.includes('filter !'));
    v.press('/');
    v.type('!INFO');
    frame = await v.waitFor((f) => f.includes('filter !INFO: 10 of 100 lines'));
    expect(frame).not.toContain('INFO line');
    v.press(KEYS.escape);
    await v.waitFor((f) => !f.includes('enter keep') && !f.includes('filter !'));
    v.press('/');
    v.type('/line (/');
    frame = await v.waitFor((f) => f.includes('✗ bad regex /line (/'));
    expect(frame.split('\n').filter((l) => l.includes('bad regex'))).toHaveLength(1);
    expect(has(99)(frame)).toBe(true);
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('✗ bad regex'));
  });

  test('e keeps the error lines, with the filter or alone; e again shows every line', async () => {
    const v = await openLogs(snapshot(numbered(100, { errorEvery: 10 })));
    v.press('e');
    let frame = await v.waitFor((f) => f.includes('errors only: 10 of 100 lines'));
    expect(frame).not.toContain('INFO line');
    v.press('/');
    v.type('order 8005');
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('filter /order 8005: 1 of 100 lines · errors only'));
    expect(has(50)(frame)).toBe(true);
    v.press('/');
    await v.waitFor((f) => f.includes('enter keep'));
    // Esc in the filter line clears it
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('errors only: 10 of 100 lines'));
    v.press('e');
    await v.waitFor((f) => f.includes('INFO line') && !f.includes('errors only'));
  });

  test('e with no error line says so instead of a blank screen', async () => {
    const v = await openLogs(snapshot(numbered(20)));
    v.press('e');
    await v.waitFor((f) => f.includes('no error lines in the 20 lines held (e shows every line)'));
  });
});

describe('context and wrap', () => {
  test('C shows three lines around each match and … for the lines left out', async () => {
    const v = await openLogs(snapshot(numbered(100)));
    v.press('/');
    v.type('/line 00[24]0 /');
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('2 of 100 lines'));
    v.press('C');
    const frame = await v.waitFor((f) => f.includes('context ±3'));
    for (const n of [17, 20, 23, 37, 40, 43]) expect(has(n)(frame), `line ${n}`).toBe(true);
    for (const n of [16, 24, 30, 36, 44]) expect(has(n)(frame), `line ${n}`).toBe(false);
    expect(frame).toContain('… 13 lines');
    expectFits(frame, 80, 24);
  });

  test('w wraps a long line onto the next rows instead of cutting it', async () => {
    const long = `ERROR ${'x'.repeat(150)} TAIL-MARKER`;
    const v = await openLogs(snapshot(lines([{ message: 'INFO before' }, { message: long, severity: 'error' }, { message: 'INFO after' }])));
    let frame = await v.waitFor((f) => f.includes('INFO after'));
    expect(frame).not.toContain('TAIL-MARKER');
    v.press('w');
    frame = await v.waitFor((f) => f.includes('TAIL-MARKER'));
    expect(frame).toContain('wrap');
    expectFits(frame, 80, 24);
    v.press('w');
    await v.waitFor((f) => !f.includes('TAIL-MARKER'));
  });
});

describe('save', () => {
  test('S writes exactly the lines the view keeps and says where', async () => {
    const dir = tmp();
    const data = snapshot(numbered(100, { errorEvery: 10 }));
    const v = await openLogs(data, { logSaveDirs: [dir] });
    v.press('/');
    v.type('timeout');
    v.press(KEYS.enter);
    v.press('S');
    const frame = await v.waitFor((f) => f.includes('saved 10 lines to'));
    const files = readdirSync(dir);
    expect(files).toEqual(['opsdeck-logs-20250314T054109Z.log']);
    expect(frame).toContain(join(dir, files[0]!).slice(0, 40));
    const expected = data.lines.filter((l) => l.severity === 'error').map(formatLogLine);
    expect(readFileSync(join(dir, files[0]!), 'utf8')).toBe(expected.join('\n') + '\n');

    // with context: the same windows as on screen, and -- between them; a second file, not the first one replaced
    v.press('C', 'S');
    await v.waitFor((f) => f.includes('saved 67 lines to'));
    const second = readFileSync(join(dir, 'opsdeck-logs-20250314T054109Z-2.log'), 'utf8').split('\n');
    expect(second.filter((l) => l === '--')).toHaveLength(9);
    expect(second[0]).toBe(formatLogLine(data.lines[0]!));
  });

  test('a directory that does not take the file passes to the next; when none does, one red line', async () => {
    const notDir = join(tmp(), 'a-file');
    writeFileSync(notDir, '');
    const fallback = tmp();
    const v = await openLogs(snapshot(numbered(5)), { logSaveDirs: [notDir, fallback] });
    v.press('S');
    await v.waitFor((f) => f.includes(`saved 5 lines to ${fallback}`));
    expect(readdirSync(fallback)).toHaveLength(1);
    v.unmount();

    h = renderView({ noColor: true, columns: 200, rows: 30, data: { logs: snapshot(numbered(5)) }, initialState: { focus: 'logs', detail: 'logs' }, logSaveDirs: [notDir] });
    h.press('S');
    const frame = await h.waitFor((f) => f.includes('could not save the log lines'));
    expect(frame).toContain('ENOTDIR');
  });
});

describe('top errors', () => {
  const mixed = () =>
    snapshot(
      numbered(120, {
        text: (i) => (i % 10 === 0 ? `ERROR TimeoutError: upstream payments timed out after 5000ms (order ${80_000 + i})` : i % 15 === 1 ? `ERROR HTTP 502 from inventory-service GET /v2/stock/SKU-${10_000 + i}` : `INFO line ${i}`),
      }).map((l) => ({ ...l, severity: l.message.startsWith('ERROR') ? ('error' as const) : ('info' as const) })),
    );

  test('beside the lines at 160 columns: grouped by message shape, counted, newest first; t hides them', async () => {
    const v = await openLogs(mixed(), { columns: 200, rows: 50 });
    const frame = await v.waitFor((f) => f.includes('Top errors · 2 groups in 120 lines'));
    const rows = frame.split('\n');
    const timeout = rows.findIndex((r) => /│ +12 +\S+ +ERROR TimeoutError/.test(r));
    const http = rows.findIndex((r) => /│ +8 +\S+ +ERROR HTTP 502/.test(r));
    // line 110 (a timeout) is newer than line 106 (the last 502)
    expect(timeout).toBeGreaterThan(-1);
    expect(http).toBeGreaterThan(timeout);
    expectFits(frame, 200, 50);
    v.press('t');
    await v.waitFor((f) => !f.includes('Top errors'));
  });

  test('under the lines on a narrow screen, when t asks for them', async () => {
    const v = await openLogs(mixed());
    await v.waitFor((f) => f.includes('following'));
    expect(v.lastFrame()).not.toContain('Top errors');
    v.press('t');
    const frame = await v.waitFor((f) => f.includes('Top errors · 2 groups'));
    expect(frame).toMatch(/ 12 +\S+ +ERROR TimeoutError/);
    expectFits(frame, 80, 24);
  });
});

describe('performance shape', () => {
  test('2,000 lines with a regex filter, context and wrap: the frame never has more rows than the screen', async () => {
    const data = snapshot(numbered(2_000, { errorEvery: 7 }));
    const v = await openLogs(data, { columns: 120, rows: 40 });
    v.press('/');
    v.type('/line 1\\d\\d[05] /');
    v.press(KEYS.enter, 'C', 'w');
    const frame = await v.waitFor((f) => f.includes('200 of 2,000 lines') && f.includes('context ±3 · wrap'));
    expectFits(frame, 120, 40);
    expect(has(1995)(frame)).toBe(true);
  });
});

describe('terminal safety in the full-screen view', () => {
  let level: typeof chalk.level;
  beforeAll(() => {
    level = chalk.level;
    chalk.level = 3;
  });
  afterAll(() => {
    chalk.level = level;
  });

  const EVIL = ['\x1b[2J', '\x1b]0;pwned\x07', '\x07', '\x1b[10;10H', '\x9b31m'];
  const evilLines = () =>
    snapshot(
      lines([
        { message: `ERROR pay \x1b[2Jattention\x1b]0;pwned\x07 ring\x07 jump\x1b[10;10H here \x9b31mred ${'y'.repeat(120)} END`, severity: 'error', stream: 'api\x1b[31m/x\x9b2J' },
        { message: 'INFO calm \x1b]0;pwned\x07line', stream: 'api/\x07bell' },
        { message: 'ERROR pay \x1b[2Jattention again', severity: 'error' },
      ]),
    );
  const clean = (frame: string) => {
    for (const bad of [...EVIL, 'pwned']) expect(frame).not.toContain(bad);
    // only styling (SGR) sequences are left
    // eslint-disable-next-line no-control-regex
    expect(frame.replace(/\x1b\[[0-9;]*m/g, '')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  };

  test('in the lines, the top errors, wrapped, and with matches highlighted', async () => {
    const v = await openLogs(evilLines(), { noColor: false, columns: 200, rows: 40 });
    let frame = await v.waitFor((f) => f.includes('attention') && f.includes('Top errors'));
    clean(frame);
    v.press('/');
    v.type('attention');
    v.press(KEYS.enter, 'w');
    frame = await v.waitFor((f) => f.includes('END') && f.includes('2 of 3 lines'));
    clean(frame);
    // the match is drawn inverse
    expect(frame).toMatch(/\x1b\[7m[^\n]*attention/);
    v.press('C');
    clean(await v.waitFor((f) => f.includes('context ±3')));
  });
});
