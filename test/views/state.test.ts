import { describe, expect, test } from 'vitest';
import { activeBindings, KEY_BINDINGS, hintsFor } from '../../src/keys/registry.js';
import type { KeyBinding } from '../../src/keys/registry.js';
import { initialViewState, viewReducer } from '../../views/state.js';
import type { ViewAction, ViewState } from '../../views/state.js';
import { parseCommand, unknownCommandMessage } from '../../views/commands.js';
import { computeLayout } from '../../views/layout.js';
import { splitKeys } from '../../views/keys.js';
import { hintLine } from '../../views/chrome.js';

const run = (...actions: ViewAction[]): ViewState => actions.reduce(viewReducer, initialViewState);

describe('view state', () => {
  test('focus cycles both ways and follows into the open panel', () => {
    expect(run({ type: 'cycle', delta: -1 }).focus).toBe('metrics');
    expect(run({ type: 'cycle', delta: 8 }).focus).toBe('rds');
    const s = run({ type: 'open' }, { type: 'focus', id: 'queues' });
    expect(s.detail).toBe('queues');
  });

  test('back closes the help first, then the open panel', () => {
    const s = run({ type: 'open' }, { type: 'help' });
    expect(viewReducer(s, { type: 'back' })).toMatchObject({ help: false, detail: 'ecs' });
    expect(run({ type: 'open' }, { type: 'back' }).detail).toBeNull();
  });

  test('the selection stays on a row', () => {
    expect(run({ type: 'select', delta: 5, count: 3 }).selection.ecs).toBe(2);
    expect(run({ type: 'select', delta: -1, count: 3 }).selection.ecs ?? 0).toBe(0);
    expect(run({ type: 'select', delta: Infinity, count: 0 }).selection.ecs ?? 0).toBe(0);
  });

  test('the filter applies while typing, Enter keeps it, Esc clears it', () => {
    const typing = run({ type: 'select', delta: 2, count: 3 }, { type: 'startEntry', kind: 'filter' }, { type: 'editEntry', text: 'api' });
    expect(typing.filters.ecs).toBe('api');
    expect(typing.selection.ecs).toBe(0);
    const kept = viewReducer(typing, { type: 'endEntry', keep: true });
    expect(kept).toMatchObject({ entry: null, filters: { ecs: 'api' } });
    expect(viewReducer(kept, { type: 'startEntry', kind: 'filter' }).entry?.text).toBe('api');
    expect(viewReducer(typing, { type: 'endEntry', keep: false }).filters.ecs).toBeUndefined();
  });
});

describe('command line', () => {
  test.each([
    ['q', { kind: 'quit' }],
    [' quit ', { kind: 'quit' }],
    ['help', { kind: 'help' }],
    ['refresh', { kind: 'refresh' }],
    ['3', { kind: 'panel', id: 'logs' }],
    ['Logs', { kind: 'panel', id: 'logs' }],
    ['postgres', { kind: 'panel', id: 'postgres' }],
    ['', { kind: 'empty' }],
    ['7', { kind: 'panel', id: 'metrics' }],
    ['8', { kind: 'unknown', text: '8' }],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  test('an unknown command is named, cleaned of control characters, with the known ones', () => {
    const parsed = parseCommand('rm\x1b[2J -rf');
    expect(parsed).toEqual({ kind: 'unknown', text: 'rm -rf' });
    expect(unknownCommandMessage('rm -rf')).toBe('unknown command ":rm -rf" (known: q, quit, help, refresh, 1-7, ecs, rds, logs, queues, postgres, health, metrics, checklist, runbooks, runbook [name], note [text], env [name], fleet, approvals)');
  });
});

describe('keys', () => {
  test('a chunk of typed keys is split into presses', () => {
    expect(splitKeys({ input: ':q\r' })).toEqual([{ input: ':', shift: false }, { input: 'q', shift: false }, { input: '', return: true }]);
    expect(splitKeys({ input: 'q' })).toEqual([{ input: 'q' }]);
    expect(splitKeys({ input: 'c', ctrl: true })).toEqual([{ input: 'c', ctrl: true }]);
  });

  test('read-only strips dangerous bindings from the hint bar', () => {
    const scale: KeyBinding = { command: 'refresh', label: 'S', keys: [{ input: 'S' }], help: 'Scale to zero', hint: 'scale', scopes: ['dashboard'], dangerous: true };
    const table = [...KEY_BINDINGS, scale];
    const text = (readOnly: boolean) => hintLine('dashboard', activeBindings({ readOnly }, table), 200).map((s) => s.text).join('');
    expect(text(false)).toContain('S scale');
    expect(text(true)).not.toContain('S scale');
    expect(hintsFor('dashboard', activeBindings({ readOnly: true }, table))).not.toContain(scale);
  });
});

describe('layout', () => {
  test('a small terminal stacks summaries and expands the focused panel', () => {
    const l = computeLayout({ width: 80, height: 21, focus: 'rds', detail: null });
    expect(l.kind).toBe('stack');
    if (l.kind !== 'stack') return;
    expect(l.items.map((i) => i.kind)).toEqual(['summary', 'expanded', 'summary', 'summary', 'summary', 'summary', 'summary']);
    expect(l.items[1]).toMatchObject({ height: 15 });
  });

  test('a big terminal gets a grid whose cells add up to the screen', () => {
    const l = computeLayout({ width: 200, height: 57, focus: 'ecs', detail: null });
    expect(l.kind).toBe('grid');
    if (l.kind !== 'grid') return;
    // seven panels in two columns: the last row's one panel takes the whole width
    expect(l.rows.map((r) => r.length)).toEqual([2, 2, 2, 1]);
    for (const row of l.rows) expect(row.reduce((n, c) => n + c.width, 0)).toBe(200);
    expect(l.rows.reduce((n, row) => n + row[0]!.height, 0)).toBe(57);
  });

  test('a wide, short terminal gets three columns', () => {
    const l = computeLayout({ width: 240, height: 30, focus: 'ecs', detail: null });
    expect(l.kind === 'grid' && l.rows[0]!.length).toBe(3);
  });

  test('fewer rows than panels: a window of summaries around the focus', () => {
    const l = computeLayout({ width: 80, height: 3, focus: 'health', detail: null });
    expect(l.kind === 'stack' && l.items.map((i) => i.id)).toEqual(['postgres', 'health', 'metrics']);
  });
});
