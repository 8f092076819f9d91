/**
 * The log view laid out in a box: the status rows, the window of lines, and
 * in the full-screen view the top errors (beside the lines when the screen
 * is wide, under them when asked for). The key handler lays out the same
 * box to scroll, so a page is exactly what the screen shows.
 */
import type { LogsSnapshot } from '../../src/model/logs.js';
import type { LogViewState } from '../state.js';
import type { Line } from '../text.js';
import { filterLabel, fitLine, seg } from '../text.js';
import { logModel, type LogModel } from './model.js';
import { itemRows, rowLayout, type RowLayout } from './rows.js';
import { logWindow, type LogWindow } from './window.js';
import { filterLine, statusLine, topErrorLines, warningsLine } from './status.js';
import { NO_VERDICTS, type Verdicts } from '../../src/model/verdicts.js';

/** At this width the full-screen view puts the top errors beside the lines. */
export const SIDE_PANE_WIDTH = 160;

interface LogBox {
  width: number;
  height: number;
  /** full-screen */
  detail: boolean;
  now: number;
  filter: string;
  view: LogViewState;
  /** the checks' verdicts, for the error rate's tone; none when only the layout is wanted (scrolling) */
  verdicts?: Verdicts;
}

interface LogScreen {
  model: LogModel;
  header: Line[];
  /** rows for lines, and their width */
  room: number;
  areaWidth: number;
  layout: RowLayout;
  pane?: { width: number };
  bottomRows: number;
  win: LogWindow;
  heightOf(i: number): number;
  rows(i: number): Line[];
}

export function logScreen(data: LogsSnapshot, box: LogBox): LogScreen {
  const { view, detail, width, height } = box;
  const model = logModel(data, { filter: box.filter, errorsOnly: view.errorsOnly, context: view.context });
  // The status row's text depends on the window, the window on the room: count the rows first, fill them after.
  const filterRow = Boolean(model.filterError) || (detail && (box.filter.trim() !== '' || view.errorsOnly || view.context || view.wrap)) || (!detail && height >= 8 && (box.filter.trim() !== '' || view.errorsOnly));
  const warnRow = data.warnings.length > 0 && (detail || height >= 12);
  const headerRows = Math.min(height, 1 + (filterRow ? 1 : 0) + (warnRow ? 1 : 0));
  const side = detail && width >= SIDE_PANE_WIDTH && view.topErrors !== false;
  const paneWidth = side ? Math.min(80, Math.max(50, Math.floor(width * 0.38))) : 0;
  const areaWidth = side ? width - paneWidth - 3 : width;
  const below = detail && !side && view.topErrors === true;
  const bodyRows = Math.max(0, height - headerRows);
  const bottomRows = below ? Math.min(model.topErrors().length + 3, Math.max(4, Math.floor(bodyRows / 3)), bodyRows) : 0;
  const room = Math.max(0, bodyRows - bottomRows);

  const layout = rowLayout(model, areaWidth, view.wrap);
  const cache = new Map<number, Line[]>();
  const rows = (i: number) => {
    let r = cache.get(i);
    if (!r) cache.set(i, (r = itemRows(model, model.items[i]!, layout)));
    return r;
  };
  const heightOf = (i: number) => (view.wrap ? rows(i).length : 1);
  const win = logWindow(model, view, room, heightOf);
  const header = [statusLine(model, win, { width, detail, verdicts: box.verdicts ?? NO_VERDICTS }), ...(filterRow ? [filterLine(model, view, box.filter)] : []), ...(warnRow ? [warningsLine(data.warnings)] : [])].slice(0, headerRows);
  return { model, header, room, areaWidth, layout, ...(side ? { pane: { width: paneWidth } } : {}), bottomRows, win, heightOf, rows };
}

function emptyText(s: LogScreen, filter: string): string {
  const { model } = s;
  const held = `${model.data.lines.length.toLocaleString('en-US')} lines held`;
  if (model.data.lines.length === 0) return model.data.groups.length ? `no log lines yet from ${model.data.groups.join(', ')}` : 'no log lines yet';
  if (model.filter) return `nothing matches ${filterLabel(filter.trim())} in the ${held}${model.options.errorsOnly ? ' (errors only)' : ''}`;
  return `no error lines in the ${held} (e shows every line)`;
}

/** The window's rows, exactly `room` of them at most. */
function windowRows(s: LogScreen, filter: string): Line[] {
  if (s.room <= 0) return [];
  if (s.model.items.length === 0) return [[seg(emptyText(s, filter), 'muted')]];
  const out: Line[] = [];
  for (let i = s.win.start; i < s.win.end && out.length < s.room + s.win.skipTop; i++) out.push(...s.rows(i));
  return out.slice(s.win.skipTop, s.win.skipTop + s.room);
}

/** The log panel's body: at most `box.height` lines. */
export function logBody(data: LogsSnapshot, box: LogBox): Line[] {
  const s = logScreen(data, box);
  const lines = windowRows(s, box.filter);
  if (!s.pane && s.bottomRows === 0) return [...s.header, ...lines];
  if (!s.pane) {
    const rows = [...lines, ...Array.from({ length: s.room - lines.length }, (): Line => [])];
    return [...s.header, ...rows, ...topErrorLines(s.model, box.width, s.bottomRows, box.now)].slice(0, box.height);
  }
  const right = topErrorLines(s.model, s.pane.width, box.height - s.header.length, box.now);
  const out: Line[] = [...s.header];
  for (let r = 0; r < box.height - s.header.length; r++) {
    out.push([...fitLine(lines[r] ?? [], s.areaWidth), seg(' │ ', 'border'), ...fitLine(right[r] ?? [], s.pane.width)]);
  }
  return out;
}
