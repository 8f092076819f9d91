/**
 * What the log view's commands do (the key table in commandHandlers.ts
 * names them): scrolling pauses it (G follows again), e / c / w / t change
 * what it shows, f applies the config's saved filters in turn, S saves the
 * lines it keeps. Scrolling lays out the same box
 * the screen shows, so a page is a screenful. Saving goes through
 * src/engine/logExport.ts; this module only decides what to save.
 */
import { saveLogRows } from '../../src/dashboard/logs.js';
import { errorMessage } from '../../src/dashboard/text.js';
import type { DispatchContext, LogKeys } from '../dispatchContext.js';
import type { LogViewState } from '../state.js';
import { count } from '../format.js';
import { logModel } from './model.js';
import { logScreen, SIDE_PANE_WIDTH } from './screen.js';
import { scroll, type ScrollMove } from './window.js';

export type LogContext = Pick<DispatchContext, 'getState' | 'dispatch'> & { logs: LogKeys };

const patch = (ctx: LogContext, p: Partial<LogViewState>) => ctx.dispatch({ type: 'logs', patch: p });

/** Scrolling pauses the tail; `follow` (G) follows the newest lines again. */
export function scrollLogs(ctx: LogContext, move: ScrollMove | 'follow'): void {
  if (move === 'follow') return patch(ctx, { paused: null });
  const state = ctx.getState();
  const data = ctx.logs.data();
  const box = ctx.logs.box();
  if (!data || !box) return;
  const s = logScreen(data, { ...box, now: ctx.logs.now(), filter: state.filters.logs ?? '', view: state.logs });
  patch(ctx, { paused: scroll(s.model, state.logs, s.win, move, s.room, s.heightOf) });
}

/** e, c, w: errors only, context around each line, wrapping. */
export function toggleLogs(ctx: LogContext, what: 'errorsOnly' | 'context' | 'wrap'): void {
  patch(ctx, { [what]: !ctx.getState().logs[what] });
}

/** t: the top errors; by default they show only where they fit beside the lines. */
export function toggleTopErrors(ctx: LogContext): void {
  const view = ctx.getState().logs;
  const box = ctx.logs.box();
  const shown = view.topErrors ?? (box !== undefined && box.detail && box.width >= SIDE_PANE_WIDTH);
  patch(ctx, { topErrors: !shown });
}

/** S: the lines the log view keeps, to a file. */
export function saveLogs(ctx: LogContext): void {
  const { logs } = ctx;
  const state = ctx.getState();
  const data = logs.data();
  if (!data) return ctx.dispatch({ type: 'message', text: 'no log lines yet: nothing to save', tone: 'warn' });
  const model = logModel(data, { filter: state.filters.logs ?? '', errorsOnly: state.logs.errorsOnly, context: state.logs.context });
  if (model.items.length === 0) return ctx.dispatch({ type: 'message', text: 'no line is shown: nothing to save', tone: 'warn' });
  saveLogRows(
    model.items.map((i) => (i.kind === 'gap' ? { gap: i.skipped } : i.ev)),
    { dirs: logs.saveDirs(), now: logs.now() },
  ).then(
    (saved) => ctx.dispatch({ type: 'message', text: `saved ${count(saved.lines)} line${saved.lines === 1 ? '' : 's'} to ${saved.path}`, tone: 'ok' }),
    (err: unknown) => ctx.dispatch({ type: 'message', text: errorMessage(err), tone: 'crit' }),
  );
}

/**
 * f: the config's saved filters in turn (the one after the filter shown, the
 * first when the shown one is none of them), then no filter again.
 */
export function nextSavedFilter(ctx: LogContext): void {
  const saved = ctx.logs.data()?.savedFilters ?? [];
  if (saved.length === 0) return ctx.dispatch({ type: 'message', text: 'no saved filter: add them under logs[].filters in the config', tone: 'warn' });
  const now = ctx.getState().filters.logs ?? '';
  const at = saved.findIndex((f) => f.pattern === now);
  const next = saved[at + 1];
  ctx.dispatch({ type: 'setFilter', id: 'logs', text: next ? next.pattern : null });
  ctx.dispatch({ type: 'message', text: next ? `filter "${next.name}": ${next.pattern}  (f: the next, / edits it)` : 'saved filters done: no filter', tone: 'text' });
}
