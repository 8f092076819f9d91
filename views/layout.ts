/**
 * Where the panels go for a given terminal size. Computed, not left to flexbox,
 * so the frame's height is known exactly: Ink clears the whole screen on every
 * frame once the output reaches the terminal's height, which is the flicker
 * we must avoid.
 */
import type { PanelId } from '../src/model/panels.js';
import { PANEL_IDS } from '../src/model/panels.js';

export interface Cell {
  id: PanelId;
  width: number;
  height: number;
}

export type StackItem = { id: PanelId; kind: 'summary' } | { id: PanelId; kind: 'expanded'; height: number };

export type Layout =
  | { kind: 'detail'; cell: Cell }
  | { kind: 'grid'; rows: Cell[][] }
  | { kind: 'stack'; width: number; items: StackItem[] };

/** Below this a framed panel has no room for a table worth reading. */
const MIN_PANEL_WIDTH = 60;
const MIN_PANEL_HEIGHT = 8;
/** A grid whose panels are at least this tall is preferred to a wider one. */
const COMFORTABLE_HEIGHT = 12;
const MIN_EXPANDED_HEIGHT = 5;

function split(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total - base * parts ? 1 : 0));
}

function grid(width: number, height: number, columns: number): Layout {
  const rowCount = Math.ceil(PANEL_IDS.length / columns);
  const widths = split(width, columns);
  const heights = split(height, rowCount);
  const rows: Cell[][] = [];
  for (let r = 0; r < rowCount; r++) {
    const ids = PANEL_IDS.slice(r * columns, (r + 1) * columns);
    // a last row with fewer panels shares the whole width rather than leaving a hole
    const rowWidths = ids.length === columns ? widths : split(width, ids.length);
    rows.push(ids.map((id, c) => ({ id, width: rowWidths[c]!, height: heights[r]! })));
  }
  return { kind: 'grid', rows };
}

export function computeLayout(opts: { width: number; height: number; focus: PanelId; detail: PanelId | null }): Layout {
  const { width, height, focus, detail } = opts;
  if (detail) return { kind: 'detail', cell: { id: detail, width, height } };

  const feasible = [1, 2, 3].filter((c) => Math.floor(width / c) >= MIN_PANEL_WIDTH && Math.floor(height / Math.ceil(PANEL_IDS.length / c)) >= MIN_PANEL_HEIGHT);
  const comfortable = feasible.find((c) => Math.floor(height / Math.ceil(PANEL_IDS.length / c)) >= COMFORTABLE_HEIGHT);
  const columns = comfortable ?? feasible.at(-1);
  if (columns !== undefined) return grid(width, height, columns);

  // Small terminal: one line per panel, the focused one expanded when it fits.
  const expandedHeight = height - (PANEL_IDS.length - 1);
  if (expandedHeight >= MIN_EXPANDED_HEIGHT) {
    return {
      kind: 'stack',
      width,
      items: PANEL_IDS.map((id) => (id === focus ? { id, kind: 'expanded', height: expandedHeight } : { id, kind: 'summary' })),
    };
  }
  // Fewer rows than panels: a window of summary lines that keeps the focused one.
  const rows = Math.max(1, Math.min(PANEL_IDS.length, height));
  const fi = PANEL_IDS.indexOf(focus);
  const start = Math.max(0, Math.min(PANEL_IDS.length - rows, fi - Math.floor(rows / 2)));
  return { kind: 'stack', width, items: PANEL_IDS.slice(start, start + rows).map((id) => ({ id, kind: 'summary' })) };
}
