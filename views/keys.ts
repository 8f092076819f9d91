/**
 * The one input dispatcher. Ink's key event becomes the registry's KeyPress;
 * what is in front decides who reads it: the action box, a prompt, the
 * drill's question, the drill screen, else the registry says which command
 * it is and commandHandlers.ts does it. Quitting is one command wherever it
 * is pressed (quit.ts).
 */
import type { Key } from 'ink';
import { resolveKey, typedText, type KeyBinding, type KeyPress, type KeyScope } from '../src/dashboard/keys.js';
import type { ViewState } from './state.js';
import { activePanel } from './state.js';
import type { DispatchContext } from './dispatchContext.js';
import { HANDLERS } from './commandHandlers.js';
import { overlayKey, overlayShown, planScrollKey } from './overlay.js';
import { promptKey } from './prompt.js';
import { drillAskKey } from './drillPrompt.js';
import { runbookAskKey } from './runbookKeys.js';
import { approvalAskKey } from './approvalKeys.js';

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

export function scopeOf(s: ViewState): KeyScope {
  if (s.help) return 'help';
  if (s.jobs) return 'jobs';
  if (s.runbooks) return 'runbooks';
  if (s.fleet) return 'fleet';
  if (s.approvals) return 'approvals';
  if (s.checklist) return 'checklist';
  return s.detail ? 'detail' : 'dashboard';
}

/** Why a key does nothing in read-only mode, in one line. */
function readOnlyMessage(b: KeyBinding, cure: string | undefined): string {
  return `read-only: ${b.hint ?? b.command} is off${cure ? ` (to act, ${cure})` : ''}`;
}

const FLAGS = ['upArrow', 'downArrow', 'leftArrow', 'rightArrow', 'pageUp', 'pageDown', 'home', 'end', 'return', 'escape', 'tab', 'backspace', 'delete', 'ctrl', 'meta'] as const;

/**
 * Ink hands several keys that arrive in one read (a paste, a fast typist over
 * a slow link, `:q⏎` sent by tmux) to the handler as one string; split them
 * back into key presses so `:q⏎` still quits. Enter, Tab and backspace inside
 * become their keys. While text is being typed the text between them stays
 * one input, cleaned by the line editor's rule (a paste's escape sequences
 * and control characters dropped); otherwise each character is a key.
 */
export function splitKeys(press: KeyPress, typing = false): KeyPress[] {
  if (press.input.length <= 1 || FLAGS.some((f) => press[f])) return [press];
  const out: KeyPress[] = [];
  for (const piece of press.input.split(/([\r\n\t\x7f\b])/)) {
    if (piece === '') continue;
    if (piece === '\r' || piece === '\n') out.push({ input: '', return: true });
    else if (piece === '\t') out.push({ input: '', tab: true });
    else if (piece === '\x7f' || piece === '\b') out.push({ input: '', backspace: true });
    else if (typing) {
      const text = typedText(piece);
      if (text) out.push({ input: text });
    } else for (const ch of piece) out.push({ input: ch, shift: /[A-Z]/.test(ch) });
  }
  return out;
}

const overlayOpen = (ctx: DispatchContext) => overlayShown(ctx.actions?.phase(), ctx.getState().actionHidden);

/** Text is being typed: the action box, a prompt or the drill's question has the keys. */
function typing(ctx: DispatchContext): boolean {
  const s = ctx.getState();
  return overlayOpen(ctx) || (s.entry !== null && !s.help) || s.drillAsk !== null || Boolean(s.approvals?.ask);
}

export function handleKey(press: KeyPress, ctx: DispatchContext): void {
  // A key can open a prompt or the action box (s, then the count typed ahead): the rest of the read goes to it.
  for (const p of splitKeys(press, typing(ctx))) handleOneKey(p, ctx);
}

function handleOneKey(press: KeyPress, ctx: DispatchContext): void {
  const state = ctx.getState();
  // A message is read once; the next key clears it.
  if (state.message) ctx.dispatch({ type: 'clearMessage' });
  const scope = scopeOf(state);
  const panel = activePanel(state);
  const text = typing(ctx);
  // where text is typed, q is a letter: only ctrl+c quits
  const binding = text ? undefined : resolveKey(press, scope, ctx.bindings, panel);
  const quits = text ? press.ctrl === true && resolveKey(press, 'global', ctx.bindings)?.command === 'quit' : binding?.command === 'quit';
  if (quits) return HANDLERS.quit(ctx, press);
  if (state.quitArmed) ctx.dispatch({ type: 'armQuit', armed: false });

  // an outcome's box closes on any key, and the key then does its own work
  if (overlayOpen(ctx)) {
    // a runbook run's question: one key answers it
    if (runbookAskKey(press, ctx)) return;
    const scroll = planScrollKey(press, { ...ctx, actions: ctx.actions! });
    if (scroll) return HANDLERS[scroll.command](ctx, press);
    return overlayKey(press, { ...ctx, actions: ctx.actions! }) ? undefined : handleOneKey(press, ctx);
  }
  if (state.entry && !state.help) return promptKey(press, ctx);
  if (state.drillAsk) return drillAskKey(press, ctx);
  if (state.approvals?.ask) return approvalAskKey(press, ctx);
  if (state.drill && !state.help) {
    // the drill screen: Esc hides it (the drill goes on)
    if (press.escape) ctx.dispatch({ type: 'drill', open: false });
    else if (binding?.command === 'help') HANDLERS.help(ctx, press);
    return;
  }
  // A panel's key read-only mode took away keeps its meaning: m on the RDS panel says snapshot is off. A general
  // one gives way to the binding the table falls back to (Enter in the checklist still opens the folded ok line).
  const hidden = ctx.hidden?.length ? resolveKey(press, scope, [...ctx.hidden, ...ctx.bindings], panel) : undefined;
  if (hidden && ctx.hidden!.includes(hidden) && (!binding || hidden.panels !== undefined)) return ctx.dispatch({ type: 'message', text: readOnlyMessage(hidden, ctx.readOnlyCure), tone: 'warn' });
  if (binding) HANDLERS[binding.command](ctx, press);
}
