/**
 * The one way a key ends the session: q, ctrl+c (from a prompt or the action
 * box too) and `:q` all come here, and only here reach the launcher's exit. While an action's call may be under way,
 * or a backup drill runs, the first press asks; the second quits (the drill
 * is stopped first and deletes what it created). Every other key disarms it.
 */
import type { KeyPress } from '../src/dashboard/keys.js';
import type { DispatchContext } from './dispatchContext.js';
import { overlayShown } from './overlay.js';

type QuitContext = Pick<DispatchContext, 'getState' | 'dispatch' | 'quit' | 'actions' | 'drill' | 'bindings'>;

/** The key as the operator pressed it, for "q again quits" / "ctrl+c again quits". */
function keyName(ctx: QuitContext, press: KeyPress): string {
  const label = ctx.bindings.find((b) => b.command === 'quit')?.label ?? 'q ctrl+c';
  return label.split(' ')[press.ctrl ? 1 : 0] ?? label;
}

/** `deliberate`: typed out (`:q`), it counts as the second press. */
export function requestQuit(ctx: QuitContext, press: KeyPress, opts: { deliberate?: boolean } = {}): void {
  const state = ctx.getState();
  const armed = state.quitArmed || opts.deliberate === true;
  if (ctx.drill?.busy()) {
    if (armed) {
      ctx.drill.abort();
      return ctx.quit();
    }
    ctx.dispatch({ type: 'armQuit', armed: true });
    return ctx.dispatch({ type: 'message', text: `a backup drill is running: ${keyName(ctx, press)} again stops it (it deletes what it created) and quits; any other key keeps it`, tone: 'warn' });
  }
  if (ctx.actions?.phase() === 'running' && !armed) {
    ctx.dispatch({ type: 'armQuit', armed: true });
    // the action box says it itself while it is shown
    if (!overlayShown(ctx.actions.phase(), state.actionHidden, state.entry !== null)) {
      ctx.dispatch({ type: 'message', text: `an action is running: ${keyName(ctx, press)} again quits (it carries on, opsdeck stops watching); a shows it`, tone: 'warn' });
    }
    return;
  }
  ctx.quit();
}
