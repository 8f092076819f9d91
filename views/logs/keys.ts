/**
 * What the keys do in the log view: scrolling pauses it (G follows again),
 * e / c / w / t change what it shows, S saves the lines it keeps. Scrolling
 * lays out the same box the screen shows, so a page is a screenful. Saving
 * goes through src/engine/logExport.ts; this module only decides what to save.
 */
import type { CommandId } from '../../src/keys/registry.js';
import type { LogsSnapshot } from '../../src/model/logs.js';
import { saveLogRows } from '../../src/engine/logExport.js';
import { errorMessage } from '../../src/text/sanitize.js';
import type { DispatchContext } from '../keys.js';
import { count } from '../format.js';
import { logModel } from './model.js';
import { logScreen, SIDE_PANE_WIDTH } from './screen.js';
import { scroll, type ScrollMove } from './window.js';
import type { LogBodyBox } from './box.js';

export interface LogKeys {
  /** the log snapshot now */
  data(): LogsSnapshot | undefined;
  /** the log panel's body as drawn now; undefined when the panel is a one-line summary */
  box(): LogBodyBox | undefined;
  now(): number;
  /** where S writes, first that takes it; a function is called only when reached */
  saveDirs(): readonly (string | (() => string))[];
}

const SCROLL: Partial<Record<CommandId, ScrollMove>> = {
  'select-up': 'up',
  'select-down': 'down',
  'page-up': 'page-up',
  'page-down': 'page-down',
  'select-first': 'top',
  'select-last': 'follow',
};

function save(ctx: DispatchContext, logs: LogKeys): void {
  const state = ctx.getState();
  const data = logs.data();
  if (!data) return ctx.dispatch({ type: 'message', text: 'no log lines yet: nothing to save', tone: 'warn' });
  const model = logModel(data, { filter: state.filters.logs ?? '', errorsOnly: state.logs.errorsOnly, context: state.logs.context });
  if (model.items.length === 0) return ctx.dispatch({ type: 'message', text: 'no line is shown: nothing to save', tone: 'warn' });
  try {
    const saved = saveLogRows(
      model.items.map((i) => (i.kind === 'gap' ? { gap: i.skipped } : i.ev)),
      { dirs: logs.saveDirs(), now: logs.now() },
    );
    ctx.dispatch({ type: 'message', text: `saved ${count(saved.lines)} line${saved.lines === 1 ? '' : 's'} to ${saved.path}`, tone: 'ok' });
  } catch (err) {
    ctx.dispatch({ type: 'message', text: errorMessage(err), tone: 'crit' });
  }
}

/** Runs `command` when it is a log-view command; false leaves it to the dispatcher. */
export function runLogCommand(command: CommandId, ctx: DispatchContext): boolean {
  const logs = ctx.logs;
  if (!logs) return false;
  const state = ctx.getState();
  const view = state.logs;
  const patch = (p: Partial<typeof view>) => ctx.dispatch({ type: 'logs', patch: p });
  const move = SCROLL[command];
  if (move) {
    if (move === 'follow') return patch({ paused: null }), true;
    const data = logs.data();
    const box = logs.box();
    if (!data || !box) return true;
    const s = logScreen(data, { ...box, now: logs.now(), filter: state.filters.logs ?? '', view });
    patch({ paused: scroll(s.model, view, s.win, move, s.room, s.heightOf) });
    return true;
  }
  switch (command) {
    case 'log-errors':
      return patch({ errorsOnly: !view.errorsOnly }), true;
    case 'log-context':
      return patch({ context: !view.context }), true;
    case 'log-wrap':
      return patch({ wrap: !view.wrap }), true;
    case 'log-top': {
      const box = logs.box();
      const shown = view.topErrors ?? (box !== undefined && box.detail && box.width >= SIDE_PANE_WIDTH);
      return patch({ topErrors: !shown }), true;
    }
    case 'log-save':
      save(ctx, logs);
      return true;
    default:
      return false;
  }
}
