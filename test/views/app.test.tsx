import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import chalk from 'chalk';
import stringWidth from 'string-width';
import { KEY_BINDINGS } from '../../src/keys/registry.js';
import { PANEL_TITLES, PANEL_IDS } from '../../src/model/panels.js';
import type { Harness, RenderOptions } from './render.js';
import { KEYS, mask, plain, renderView } from './render.js';
import { ecs, demoEnv } from './fixtures.js';

let h: Harness | undefined;
function open(opts: RenderOptions = {}): Harness {
  h = renderView(opts);
  return h;
}
afterEach(() => {
  h?.unmount();
  h = undefined;
});

const hasAllTitles = (f: string) => PANEL_IDS.every((id, i) => f.includes(`${i + 1} ${PANEL_TITLES[id]}`));

function expectFits(frame: string, columns: number, rows: number): void {
  const lines = plain(frame).split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(columns);
}

describe('layout', () => {
  test.each([
    [80, 24],
    [200, 60],
    [120, 40],
    [60, 12],
  ])('all six panels at %ix%i, never taller or wider than the terminal', async (columns, rows) => {
    const v = open({ columns, rows, noColor: true });
    const frame = await v.waitFor(hasAllTitles);
    expectFits(frame, columns, rows);
  });

  test.each([
    [40, 8],
    [20, 4],
  ])('a tiny %ix%i terminal still gets a frame that fits', async (columns, rows) => {
    const v = open({ columns, rows, noColor: true });
    const frame = await v.waitFor((f) => f.includes('ECS'));
    expectFits(frame, Math.max(20, columns), rows);
  });

  test('80x24 collapses to summaries with the focused panel expanded', async () => {
    const v = open({ noColor: true, checks: true });
    const frame = await v.waitFor((f) => f.includes('╔═ 1 ECS') && f.includes('✗ scheduler'));
    expect(frame).toMatch(/ 2 RDS +✓ ok +conflicto-prod available/);
    // why the row is marked, in the checks' words
    expect(frame).toContain('✗ scheduler: 1 of 2 tasks not running');
    // 7 failed jobs are a warning to the dead-letter check (critical from 100)
    expect(frame).toMatch(/4 Queues +⚠ 2 warnings +redis 1ms +emails 12 default 340 ⚠/);
    expect(frame).toMatch(/ live( |$)/m);
  });

  test('200x60 draws every panel framed, with real tables', async () => {
    const v = open({ columns: 200, rows: 60, noColor: true });
    const frame = await v.waitFor((f) => f.includes('╭─ 6 Health'));
    for (const t of ['╭─ 2 RDS', '╭─ 3 Logs', '╭─ 4 Queues', '╭─ 5 Postgres']) expect(frame).toContain(t);
    expect(frame).toMatch(/rollout +rev +scaling +cpu/);
    expect(frame).toContain('blocked   41s pid 4230 by 4188');
  });

  test('re-lays out on resize', async () => {
    const v = open({ noColor: true });
    await v.waitFor((f) => f.includes(' 6 Health '));
    v.resize(200, 60);
    const frame = await v.waitFor((f) => f.includes('╭─ 6 Health'));
    expectFits(frame, 200, 60);
  });
});

describe('keys', () => {
  test('tab, shift+tab and digits move the focus', async () => {
    const v = open({ noColor: true });
    await v.waitFor((f) => f.includes('╔═ 1 ECS'));
    v.press(KEYS.tab);
    await v.waitFor((f) => f.includes('╔═ 2 RDS'));
    v.press('5');
    await v.waitFor((f) => f.includes('╔═ 5 Postgres'));
    v.press(KEYS.shiftTab);
    await v.waitFor((f) => f.includes('╔═ 4 Queues'));
  });

  test('enter opens the panel full-screen with the selected service, esc returns', async () => {
    const v = open({ columns: 120, rows: 40, noColor: true });
    await v.waitFor((f) => f.includes('╔═ 1 ECS'));
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('Deployments') && !f.includes('2 RDS'));
    v.press('j', KEYS.down);
    const frame = await v.waitFor((f) => f.includes('Stopped tasks') && f.includes('conflicto-scheduler:17  (family'));
    expect(frame).toContain('EssentialContainerExited');
    expect(frame).toContain('scheduler:137');
    expect(frame).toContain('deployment failed: tasks failed to start');
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('2 RDS') && !f.includes('Deployments'));
  });

  test('? shows help generated from the key table; esc and ? close it', async () => {
    // tall enough for the whole help without scrolling
    const v = open({ noColor: true, columns: 120, rows: 100 });
    await v.waitFor((f) => f.includes('1 ECS'));
    v.press('?');
    const help = await v.waitFor((f) => f.includes(' Keys '));
    // the fixture environment is read-only: what changes things is not offered, nor the keys of a confirmation box it never opens
    for (const b of KEY_BINDINGS.filter((b) => b.command !== 'quit' && !b.dangerous && !b.scopes.includes('plan'))) expect(help).toContain(b.help);
    for (const b of KEY_BINDINGS.filter((b) => b.dangerous)) expect(help).not.toContain(b.help);
    v.press(KEYS.escape);
    await v.waitFor((f) => !f.includes(' Keys ') && f.includes('1 ECS'));
    v.press('?');
    await v.waitFor((f) => f.includes(' Keys '));
    v.press('?');
    await v.waitFor((f) => !f.includes(' Keys '));
  });

  test('help taller than the screen scrolls with j', async () => {
    const v = open({ noColor: true });
    await v.waitFor((f) => f.includes('1 ECS'));
    v.press('?');
    let frame = await v.waitFor((f) => f.includes('j ↓ more'));
    expect(frame).not.toContain('Show only error lines');
    for (let i = 0; i < 27; i++) v.press('j');
    frame = await v.waitFor((f) => f.includes('Show only error lines'));
    expect(frame).not.toContain('Quit opsdeck');
    expectFits(frame, 80, 24);
    v.press('G');
    frame = await v.waitFor((f) => f.includes('k ↑ back'));
    expect(frame).toContain('While typing');
    expectFits(frame, 80, 24);
  });

  test('q, ctrl+c and :q all quit through the one exit path', async () => {
    const v = open({ noColor: true });
    await v.waitFor((f) => f.includes('1 ECS'));
    v.press('q');
    v.press(KEYS.ctrlC);
    v.press(':');
    await v.waitFor((f) => f.includes('enter run'));
    v.type('q');
    v.press(KEYS.enter);
    await v.waitFor(() => v.onQuit.mock.calls.length === 3);
  });

  test('keys that arrive in one read are split: a pasted ":q⏎" quits', async () => {
    const v = open({ noColor: true });
    await v.waitFor((f) => f.includes('1 ECS'));
    v.press(':q\r');
    await v.waitFor(() => v.onQuit.mock.calls.length === 1);
  });

  test('k pauses the log tail and says so; G follows again', async () => {
    const v = open({ noColor: true, initialState: { focus: 'logs', detail: 'logs' } });
    await v.waitFor((f) => f.includes('GET /api/v1/orders/812') && f.includes('following'));
    v.press('k', 'k');
    // five lines fit the screen: scrolling back has nowhere to go, but the tail stops
    const frame = await v.waitFor((f) => f.includes('‖ paused · 0 new lines · G to follow'));
    expect(frame).toContain('GET /api/v1/orders/812');
    v.press('G');
    await v.waitFor((f) => !f.includes('paused') && f.includes('following'));
  });

  test('an unknown command names itself and the known ones', async () => {
    const v = open({ columns: 120, rows: 30, noColor: true });
    await v.waitFor((f) => f.includes('1 ECS'));
    v.press(':');
    v.type('frobnicate');
    await v.waitFor((f) => f.includes(':frobnicate'));
    v.press(KEYS.enter);
    const frame = await v.waitFor((f) => f.includes('unknown command ":frobnicate"'));
    expect(frame).toContain('quit');
    expect(frame).toContain('refresh');
  });

  test(':3 and :logs focus a panel, r and :refresh ask the runtime', async () => {
    const v = open({ noColor: true });
    await v.waitFor((f) => f.includes('1 ECS'));
    v.press(':');
    v.type('3');
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('╔═ 3 Logs'));
    v.press('r');
    await v.waitFor(() => v.runtime.refresh.mock.calls.length === 1);
    expect(v.runtime.refresh).toHaveBeenLastCalledWith('logs');
    v.press(':');
    v.type('queues');
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('╔═ 4 Queues'));
  });
});

describe('filter', () => {
  test('/ narrows the rows live, enter keeps it across store updates, esc clears it', async () => {
    const v = open({ columns: 120, rows: 40, noColor: true, checks: true });
    await v.waitFor((f) => f.includes('╔═ 1 ECS') && f.includes('✓ api'));
    v.press('/');
    v.type('SCHED');
    let frame = await v.waitFor((f) => f.includes('/SCHED') && !f.includes('✓ api'));
    expect(frame).toContain('✗ scheduler');
    v.press(KEYS.enter);
    v.update('ecs', { services: ecs.services.map((s) => (s.name === 'scheduler' ? { ...s, running: 2 } : s)) });
    frame = await v.waitFor((f) => f.includes('ok') && /scheduler +2 +2/.test(f));
    expect(frame).toContain('/SCHED');
    expect(frame).not.toContain('✓ api');
    v.press('/');
    await v.waitFor((f) => f.includes('enter keep'));
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('✓ api') && !f.includes('/SCHED'));
  });
});

describe('status', () => {
  test('stale and failing panels show their age and the error, and keep the data', async () => {
    const v = open({ noColor: true, columns: 200, rows: 60 });
    await v.waitFor(hasAllTitles);
    v.clock.advance(42_000);
    v.store.fail('rds', 'AccessDenied: not authorized to perform rds:DescribeDBInstances');
    v.store.markStale();
    v.store.flush();
    const frame = await v.waitFor((f) => f.includes('stale 45s') && f.includes('AccessDenied'));
    expect(frame).toContain('showing data from 45s ago');
    expect(frame).toContain('conflicto-prod');
    expect(frame).toContain('1 failing');
  });

  test('panels without data say they are loading', async () => {
    const v = open({ noColor: true, data: {} });
    const frame = await v.waitFor((f) => f.includes('waiting for the first poll'));
    expect(frame).toContain('waiting for data');
    expect(frame).toMatch(/2 RDS +loading/);
  });
});

describe('terminal safety', () => {
  // Under the test runner stdout is no TTY and chalk (Ink's colouring) turns
  // colour off by itself; force it on so "no colour" is our doing, not chalk's.
  let level: typeof chalk.level;
  beforeAll(() => {
    level = chalk.level;
    chalk.level = 3;
  });
  afterAll(() => {
    chalk.level = level;
  });

  test('NO_COLOR output has no colour codes, and severity still shows', async () => {
    const v = open({ noColor: true, columns: 200, rows: 60, checks: true });
    const frame = await v.waitFor((f) => hasAllTitles(f) && f.includes('✗ scheduler'));
    // eslint-disable-next-line no-control-regex
    expect(frame).not.toMatch(/\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7]|38;|48;)[0-9;]*m/);
    // critical and warning differ by glyph where colour is off
    expect(frame).toContain('✗ scheduler');
    expect(plain(frame)).toMatch(/⚠ default +rq/);
  });

  test('the colour theme does use colour (so the NO_COLOR test means something)', async () => {
    const v = open({ columns: 200, rows: 60 });
    const frame = await v.waitFor(hasAllTitles);
    // eslint-disable-next-line no-control-regex
    expect(frame).toMatch(/\x1b\[(?:31|91)m/);
  });

  test('escape sequences in a log line never reach the frame', async () => {
    const evil = 'pay \x1b[2Jattention\x1b]0;pwned\x07 ring\x07 jump\x1b[10;10H here';
    const v = open({ columns: 200, rows: 60 });
    v.update('logs', { ...(await import('./fixtures.js')).logs, lines: [{ id: 'x', group: 'g', stream: 's\x1b[31m', timestamp: 0, message: evil, severity: 'error' }] });
    const frame = await v.waitFor((f) => f.includes('attention'));
    for (const bad of ['\x1b[2J', '\x1b]0;', '\x07', '\x1b[10;10H', 'pwned']) expect(frame).not.toContain(bad);
    // Only styling (SGR) sequences are left.
    // eslint-disable-next-line no-control-regex
    expect(frame.replace(/\x1b\[[0-9;]*m/g, '')).not.toContain('\x1b');
  });
});

describe('read-only', () => {
  const table = [
    ...KEY_BINDINGS,
    { command: 'refresh' as const, label: 'S', keys: [{ input: 'S' }], help: 'Scale everything to zero', hint: 'zero all', scopes: ['dashboard' as const], panels: ['ecs' as const], dangerous: true },
  ];

  test('hides dangerous bindings from hints and help, and ignores their keys', async () => {
    const v = open({ noColor: true, columns: 120, rows: 40, bindings: table, env: { readOnly: true } });
    const frame = await v.waitFor((f) => f.includes('1 ECS'));
    expect(frame).not.toContain('S zero all');
    expect(frame).not.toContain('s scale');
    v.press('S');
    await v.waitFor((f) => f.includes('read-only: zero all is off'));
    v.press('?');
    let help = await v.waitFor((f) => f.includes(' Keys '));
    expect(help).not.toContain('Scale everything to zero');
    expect(help).not.toContain('Scale the selected service');
    v.press('G');
    help = await v.waitFor((f) => f.includes('k ↑ back') || !f.includes('j ↓ more'));
    expect(help).toContain(`read-only: ${KEY_BINDINGS.filter((b) => b.dangerous).length + 1} bindings`);
    expect(v.runtime.refresh).not.toHaveBeenCalled();
  });

  test('shows them when writable', async () => {
    const v = open({ noColor: true, columns: 120, rows: 90, bindings: table, env: { ...demoEnv } });
    await v.waitFor((f) => f.includes('S zero all') && f.includes('s scale'));
    v.press('S');
    await v.waitFor(() => v.runtime.refresh.mock.calls.length === 1);
    v.press('?');
    const help = await v.waitFor((f) => f.includes(' Keys '));
    expect(help).toContain('ECS panel (dashboard · open panel)');
    for (const b of KEY_BINDINGS.filter((b) => b.dangerous)) expect(help).toContain(b.help);
  });
});
