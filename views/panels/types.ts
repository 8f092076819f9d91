import type { PanelData, PanelId } from '../../src/model/panels.js';
import type { Line } from '../text.js';
import type { LogViewState } from '../state.js';
import type { Verdicts } from '../../src/model/verdicts.js';

/** What a panel body is drawn with; everything else comes from the snapshot. */
export interface PanelCtx {
  /** inner width and height in terminal cells; the body returns at most `height` lines */
  width: number;
  height: number;
  now: number;
  /** index of the selected row among the filtered rows (see `fromEnd`) */
  selected: number;
  focused: boolean;
  /** full-screen: more rows and more columns */
  detail: boolean;
  filter: string;
  /** the checks' verdicts: every mark and every figure's tone comes from here, never from a threshold of the view's own */
  verdicts: Verdicts;
  /** how the log view reads (follow or paused, errors only, context, wrap); the log panel only */
  logView?: LogViewState;
}

/**
 * A panel is a set of pure functions of its data. The frame (border, title,
 * status, error line) is drawn around the body by PanelFrame.
 */
export interface PanelView<K extends PanelId> {
  id: K;
  /** how many rows j/k move through once the filter is applied */
  count(data: PanelData[K], filter: string): number;
  /** the one-line summary used when the terminal is too small for the body */
  summary(data: PanelData[K], now: number, verdicts: Verdicts): Line;
  body(data: PanelData[K], ctx: PanelCtx): Line[];
  /** selection 0 is the newest (last) row, as in a log tail */
  fromEnd?: boolean;
}

export type PanelViews = { [K in PanelId]: PanelView<K> };
