/**
 * Which of the log view's items are on screen. Following, the window ends at
 * the newest line and moves as lines arrive. Paused, it starts at a line
 * remembered by id, so arriving lines (counted, not shown) and lines leaving
 * the buffer at the other end never move what the operator is reading.
 * Scrolling moves that first line; it can never go past the point where the
 * window would end at the newest line.
 */
import type { LogViewState } from '../state.js';
import type { LogModel } from './model.js';

export interface LogWindow {
  /** first item drawn, and how many of its rows are cut off above (a tall wrapped line) */
  start: number;
  skipTop: number;
  /** one past the last item drawn (its rows may run past the room; the drawer cuts them) */
  end: number;
  /** where the window starts when following */
  followStart: number;
  followSkip: number;
  paused: boolean;
  /** lines that arrived since the view paused */
  newLines: number;
  /** the line the view was paused on has left the buffer; the window starts at the oldest line */
  lost: boolean;
}

/** The first item at or after raw line index `raw` (items are sorted by raw). */
function firstAtOrAfter(model: LogModel, raw: number): number {
  let lo = 0;
  let hi = model.items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (model.items[mid]!.raw < raw) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The window that ends with the newest item. */
function follow(count: number, room: number, heightOf: (i: number) => number): { start: number; skip: number } {
  let used = 0;
  let i = count - 1;
  while (i >= 0 && used + heightOf(i) <= room) used += heightOf(i--);
  if (i >= 0 && used < room) return { start: i, skip: heightOf(i) - (room - used) };
  return { start: i + 1, skip: 0 };
}

/** Where a paused view's first line is now; `lost` when it is no longer held. */
function pausedStart(model: LogModel, top: string): { index: number; lost: boolean } {
  const raw = model.rawIndex(top);
  if (raw === undefined) return { index: 0, lost: true };
  const i = firstAtOrAfter(model, raw);
  // a gap cannot start the window; the line after it does
  return { index: model.items[i]?.kind === 'gap' ? i + 1 : i, lost: false };
}

export function logWindow(model: LogModel, view: Pick<LogViewState, 'paused'>, room: number, heightOf: (i: number) => number): LogWindow {
  const count = model.items.length;
  const f = follow(count, Math.max(1, room), heightOf);
  const base = { followStart: f.start, followSkip: f.skip, end: count };
  if (!view.paused) return { ...base, start: f.start, skipTop: f.skip, paused: false, newLines: 0, lost: false };
  const newLines = Math.max(0, model.data.total - view.paused.total);
  const { index, lost } = pausedStart(model, view.paused.top);
  // past the follow window there is nothing more to show: stay paused, show the end
  if (index > f.start || (index === f.start && f.skip === 0)) return { ...base, start: f.start, skipTop: f.skip, paused: true, newLines, lost };
  let used = 0;
  let end = index;
  while (end < count && used < room) used += heightOf(end++);
  return { ...base, start: index, skipTop: 0, end, paused: true, newLines, lost };
}

/** A line item near `i` in direction `dir`, stepping over a gap row. */
function lineAt(model: LogModel, i: number, dir: 1 | -1): number {
  const n = model.items.length;
  let j = Math.max(0, Math.min(n - 1, i));
  if (model.items[j]?.kind === 'gap') j = Math.max(0, Math.min(n - 1, j + dir));
  return j;
}

export type ScrollMove = 'up' | 'down' | 'page-up' | 'page-down' | 'top' | 'follow';

/**
 * The paused state after a scroll key, or null to follow. Scrolling up from
 * the follow window pauses; scrolling down never resumes following on its
 * own (G does), so reading is never interrupted by the tail moving again.
 */
export function scroll(model: LogModel, view: Pick<LogViewState, 'paused'>, win: LogWindow, move: ScrollMove, room: number, heightOf: (i: number) => number): LogViewState['paused'] {
  if (move === 'follow' || model.items.length === 0) return null;
  // following already shows the newest lines: down has nowhere to go
  if (!view.paused && (move === 'down' || move === 'page-down')) return null;
  // the last stop before the follow window; past it (a tall wrapped line cut at the top) is the follow window
  const last = win.followSkip > 0 ? Math.min(model.items.length - 1, win.followStart + 1) : win.followStart;
  // a window starting inside a tall wrapped line: "up" first shows that line whole
  const start = win.skipTop > 0 && (move === 'up' || move === 'page-up') ? win.start + 1 : win.start;
  let target: number;
  switch (move) {
    case 'top':
      target = 0;
      break;
    case 'up':
      target = lineAt(model, start - 1, -1);
      break;
    case 'down':
      target = lineAt(model, Math.min(start + 1, last), 1);
      break;
    case 'page-up': {
      let used = 0;
      let i = start;
      while (i > 0 && used + heightOf(i - 1) <= Math.max(1, room - 1)) used += heightOf(--i);
      target = lineAt(model, i === start ? start - 1 : i, -1);
      break;
    }
    case 'page-down': {
      let used = 0;
      let i = start;
      while (i < last && used + heightOf(i) <= Math.max(1, room - 1)) used += heightOf(i++);
      target = lineAt(model, Math.min(i === start ? start + 1 : i, last), 1);
      break;
    }
  }
  const item = model.items[target]!;
  if (item.kind !== 'line') return null;
  return { top: item.ev.id, total: view.paused?.total ?? model.data.total };
}
