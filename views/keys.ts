/**
 * The one input dispatcher. Priority: action overlay > help overlay > text
 * entry > open panel > dashboard. Ink's key event becomes the registry's
 * KeyPress; the registry says which command it is; this module says what the
 * command does. Keys for a guarded action only reach its controller, which
 * does the work; nothing here calls AWS.
 */
import type { Key } from 'ink';
import type { CommandId, KeyBinding, KeyPress, KeyScope } from '../src/keys/registry.js';
import { resolveKey } from '../src/keys/registry.js';
import type { PanelId } from '../src/model/panels.js';
import { PANEL_IDS, PANEL_TITLES } from '../src/model/panels.js';
import type { ViewAction, ViewState } from './state.js';
import { activePanel } from './state.js';
import { parseCommand, unknownCommandMessage } from './commands.js';
import type { ActionKeys } from './actionKeys.js';
import { handleAction } from './actionKeys.js';
import type { LogKeys } from './logs/keys.js';
import { runLogCommand } from './logs/keys.js';
import type { ChecklistKeys, EnvironmentKeys, IncidentKeys } from './modeKeys.js';
import { endIncidentKey, finishEntry, runChecklistCommand, runEnvCommand, runModeCommand, runNoteCommand } from './modeKeys.js';
import type { DrillKeys } from './drillKeys.js';
import { drillAskKey, drillBusy, drillKey, drillQuit } from './drillKeys.js';

export function toKeyPress(input: string, key: Key): KeyPress {
  return {
    input,
    upArrow: key.upArrow,
    downArrow: key.downArrow,
    leftArrow: key.leftArrow,
    rightArrow: key.rightArrow,
    pageUp: key.pageUp,
    pageDown: key.pageDown,
    home: key.home,
    end: key.end,
    return: key.return,
    escape: key.escape,
    tab: key.tab,
    backspace: key.backspace,
    delete: key.delete,
    ctrl: key.ctrl,
    shift: key.shift,
    meta: key.meta,
  };
}

/**
 * Read through getters: keys can arrive faster than React re-renders (a paste,
 * a fast typist over SSH), so every key must see the state the previous key
 * left, not the state of the last render.
 */
export interface DispatchContext {
  getState: () => ViewState;
  dispatch: (a: ViewAction) => void;
  bindings: readonly KeyBinding[];
  /** rows in a panel after its filter, to keep the selection on a row */
  count: (id: PanelId) => number;
  fromEnd: (id: PanelId) => boolean;
  /** rows a page-down moves */
  pageSize: number;
  /** how far the help overlay can scroll */
  helpMaxScroll: number;
  quit: () => void;
  refresh: (panel?: PanelId) => void;
  /** bindings read-only mode took away: their keys say why nothing happens */
  hidden?: readonly KeyBinding[];
  /** the guarded actions; absent when this session cannot act at all */
  actions?: ActionKeys;
  /** the log view's scrolling, toggles and saving */
  logs?: LogKeys;
  /** the checklist screen's findings and fixes; absent when the checks do not run */
  checklist?: ChecklistKeys;
  /** incident mode; absent when this session has none */
  incident?: IncidentKeys;
  /** `:env`; absent when this session cannot switch */
  environments?: EnvironmentKeys;
  /** the backup drill (D on the RDS panel); absent when this session cannot run one */
  drill?: DrillKeys;
}

export function scopeOf(s: ViewState): KeyScope {
  if (s.help) return 'help';
  if (s.checklist) return 'checklist';
  return s.detail ? 'detail' : 'dashboard';
}

// Control characters typed or pasted into the filter would end up on screen.
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

function handleEntry(press: KeyPress, ctx: DispatchContext): void {
  const { dispatch } = ctx;
  const entry = ctx.getState().entry;
  if (!entry) return;
  // ctrl+c must quit from anywhere, typing included.
  if (press.ctrl) {
    if (resolveKey(press, 'global', ctx.bindings)?.command === 'quit') ctx.quit();
    return;
  }
  if (entry.kind === 'end-incident') return endIncidentKey(press, ctx);
  if (press.escape) return dispatch({ type: 'endEntry', keep: false });
  if (press.return) {
    dispatch({ type: 'endEntry', keep: true });
    if (entry.kind === 'command') runCommandLine(entry.text, ctx);
    else finishEntry(entry, ctx);
    return;
  }
  if (press.backspace || press.delete) {
    return dispatch({ type: 'editEntry', text: Array.from(entry.text).slice(0, -1).join('') });
  }
  if (press.tab || press.upArrow || press.downArrow || press.leftArrow || press.rightArrow || press.meta) return;
  const typed = press.input.replace(CONTROL, '');
  if (typed) dispatch({ type: 'editEntry', text: entry.text + typed });
}

function runCommandLine(text: string, ctx: DispatchContext): void {
  const parsed = parseCommand(text);
  switch (parsed.kind) {
    case 'empty':
      return;
    case 'quit':
      return ctx.quit();
    case 'help':
      return ctx.dispatch({ type: 'help', open: true });
    case 'refresh':
      ctx.refresh();
      return ctx.dispatch({ type: 'message', text: 'refreshing all panels', tone: 'muted' });
    case 'panel':
      ctx.dispatch({ type: 'checklist', open: false });
      return ctx.dispatch({ type: 'focus', id: parsed.id });
    case 'checklist':
      return void runModeCommand('checklist', ctx);
    case 'env':
      return runEnvCommand(parsed.name, ctx);
    case 'note':
      return runNoteCommand(parsed.text, ctx);
    case 'unknown':
      return ctx.dispatch({ type: 'message', text: unknownCommandMessage(parsed.text), tone: 'warn' });
  }
}

export function runCommand(command: CommandId, press: KeyPress, ctx: DispatchContext): void {
  const { dispatch } = ctx;
  const state = ctx.getState();
  const active = activePanel(state);
  const dir = ctx.fromEnd(active) ? -1 : 1;
  if (state.help) {
    const steps: Partial<Record<CommandId, number>> = {
      'select-down': 1,
      'select-up': -1,
      'page-down': ctx.pageSize,
      'page-up': -ctx.pageSize,
      'select-first': -Infinity,
      'select-last': Infinity,
    };
    const step = steps[command] ?? 0;
    if (step !== 0) return dispatch({ type: 'helpScroll', delta: step, max: ctx.helpMaxScroll });
  } else if (state.checklist) {
    if (runChecklistCommand(command, ctx)) return;
  } else if (active === 'logs' && runLogCommand(command, ctx)) return;
  if (runModeCommand(command, ctx)) return;
  switch (command) {
    case 'quit':
      return ctx.quit();
    case 'help':
      return dispatch({ type: 'help' });
    case 'focus-next':
      return dispatch({ type: 'cycle', delta: 1 });
    case 'focus-prev':
      return dispatch({ type: 'cycle', delta: -1 });
    case 'focus-panel': {
      const id = PANEL_IDS[Number(press.input) - 1];
      return id ? dispatch({ type: 'focus', id }) : undefined;
    }
    case 'open':
      return dispatch({ type: 'open' });
    case 'back':
      return dispatch({ type: 'back' });
    case 'select-down':
      return dispatch({ type: 'select', delta: dir, count: ctx.count(active) });
    case 'select-up':
      return dispatch({ type: 'select', delta: -dir, count: ctx.count(active) });
    case 'page-down':
      return dispatch({ type: 'select', delta: dir * ctx.pageSize, count: ctx.count(active) });
    case 'page-up':
      return dispatch({ type: 'select', delta: -dir * ctx.pageSize, count: ctx.count(active) });
    case 'select-first':
      return dispatch({ type: 'select', delta: -dir * Infinity, count: ctx.count(active) });
    case 'select-last':
      return dispatch({ type: 'select', delta: dir * Infinity, count: ctx.count(active) });
    case 'filter':
      return dispatch({ type: 'startEntry', kind: 'filter' });
    case 'command-line':
      return dispatch({ type: 'startEntry', kind: 'command' });
    case 'refresh':
      ctx.refresh(active);
      return dispatch({ type: 'message', text: `refreshing ${PANEL_TITLES[active]}`, tone: 'muted' });
    case 'show-action':
      if (ctx.actions?.phase() === 'running') return dispatch({ type: 'hideAction', hidden: false });
      if (drillBusy(ctx.drill)) return dispatch({ type: 'drill', open: true });
      return dispatch({ type: 'message', text: 'no action is running', tone: 'muted' });
    case 'rds-drill':
      return drillKey(ctx);
    case 'scale':
    case 'rollback':
    case 'redeploy':
    case 'rds-snapshot':
    case 'rds-restore':
    case 'requeue': {
      const why = ctx.actions ? ctx.actions.start(command) : 'this session cannot act: the environment has no ECS, RDS or queue access';
      if (why) dispatch({ type: 'message', text: why, tone: 'warn' });
      return;
    }
    default:
      // the log view's own commands reach here only when no log view is wired (tests of the dispatcher alone)
      return;
  }
}

/** Why a key does nothing in read-only mode, in one line. */
export function readOnlyMessage(b: KeyBinding): string {
  return `read-only: ${b.hint ?? b.command} is off (to act, restart with --write and without --read-only)`;
}

export const FLAGS = ['upArrow', 'downArrow', 'leftArrow', 'rightArrow', 'pageUp', 'pageDown', 'home', 'end', 'return', 'escape', 'tab', 'backspace', 'delete', 'ctrl', 'meta'] as const;

/**
 * Ink hands several keys that arrive in one read (a paste, a fast typist over
 * a slow link, `:q⏎` sent by tmux) to the handler as one string; split them
 * back into key presses so `:q⏎` still quits.
 */
export function splitKeys(press: KeyPress): KeyPress[] {
  if (press.input.length <= 1 || FLAGS.some((f) => press[f])) return [press];
  return Array.from(press.input).map((ch): KeyPress => {
    if (ch === '\r' || ch === '\n') return { input: '', return: true };
    if (ch === '\t') return { input: '', tab: true };
    if (ch === '\x7f' || ch === '\b') return { input: '', backspace: true };
    return { input: ch, shift: /[A-Z]/.test(ch) };
  });
}

/**
 * The action box has the keys unless it was put away while running. A put
 * away action that ends while the operator types (an incident note) shows
 * its outcome once the typing is done, so no typed key is lost to it.
 */
export function overlayShown(phase: string | undefined, hidden: boolean, typing = false): boolean {
  return phase !== undefined && phase !== 'idle' && !(hidden && (phase === 'running' || typing));
}

const overlayOpen = (ctx: DispatchContext) => overlayShown(ctx.actions?.phase(), ctx.getState().actionHidden, ctx.getState().entry !== null);

export function handleKey(press: KeyPress, ctx: DispatchContext): void {
  if (overlayOpen(ctx)) return handleAction(press, ctx);
  // A key can open the overlay (s, then the count typed ahead): the rest of the read goes to it.
  for (const p of splitKeys(press)) {
    if (overlayOpen(ctx)) handleAction(p, ctx);
    else handleOneKey(p, ctx);
  }
}

function handleOneKey(press: KeyPress, ctx: DispatchContext): void {
  // A message is read once; the next key clears it.
  const state = ctx.getState();
  if (state.message) ctx.dispatch({ type: 'clearMessage' });
  if (!state.help && state.entry) return handleEntry(press, ctx);
  if (state.drillAsk) return drillAskKey(press, ctx);
  const scope = scopeOf(state);
  const panel = activePanel(state);
  const binding = resolveKey(press, scope, ctx.bindings, panel);
  if (binding?.command === 'quit' && drillQuit(press, binding.label, ctx)) return;
  if (state.drill && !state.help) {
    // the drill screen: Esc hides it (the drill goes on); quitting is handled above
    if (state.quitArmed) ctx.dispatch({ type: 'armQuit', armed: false });
    if (press.escape) ctx.dispatch({ type: 'drill', open: false });
    else if (binding?.command === 'quit') ctx.quit();
    else if (binding?.command === 'help') runCommand('help', press, ctx);
    return;
  }
  // quitting while a put-away action runs asks once, as it does with the box open
  if (binding?.command === 'quit' && ctx.actions?.phase() === 'running' && !state.quitArmed) {
    ctx.dispatch({ type: 'armQuit', armed: true });
    return ctx.dispatch({ type: 'message', text: `an action is running: ${binding.label.split(' ')[press.ctrl ? 1 : 0]} again quits (it carries on, opsdeck stops watching); a shows it`, tone: 'warn' });
  }
  if (state.quitArmed) ctx.dispatch({ type: 'armQuit', armed: false });
  // A key read-only mode took away keeps its meaning: n on the RDS panel says snapshot is off, it does not take a note.
  const hidden = ctx.hidden?.length ? resolveKey(press, scope, [...ctx.hidden, ...ctx.bindings], panel) : undefined;
  if (hidden && ctx.hidden!.includes(hidden)) return ctx.dispatch({ type: 'message', text: readOnlyMessage(hidden), tone: 'warn' });
  if (binding) return runCommand(binding.command, press, ctx);
}
