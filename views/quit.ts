/**
 * The one way a key ends the session: q, ctrl+c (from a prompt or the action
 * box too) and `:q` all come here, and only here reach the launcher's exit.
 * While a confirmed action runs (its call, or watching it take effect) or a
 * backup drill runs, the first press asks; the second quits: the changes go
 * on in AWS, opsdeck lets a call still being made finish and be journaled,
 * then stops watching (the journal records the watch as stopped); the drill
 * is stopped first and deletes what it created. Every other key disarms it.
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
  const running = ctx.actions?.running() ?? [];
  if (running.length > 0 && !armed) {
    ctx.dispatch({ type: 'armQuit', armed: true });
    // the action box says it itself while it is shown
    if (!overlayShown(ctx.actions!.phase(), state.actionHidden)) {
      const what = running.length === 1 ? running[0]!.title : `${running.length} changes (${running.map((r) => r.title).join(', ')})`;
      ctx.dispatch({ type: 'message', text: `a change is running: ${keyName(ctx, press)} again quits. ${what} carries on in AWS; opsdeck stops watching it and journals the watch as stopped (opsdeck audit shows it); any other key stays`, tone: 'warn' });
    }
    return;
  }
  ctx.quit();
}
