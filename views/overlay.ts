/** The guarded action's box: when it is on screen, what its call goes to, and what a key does while it is. */
import type { KeyPress } from '../src/dashboard/keys.js';
import type { ActionKeys, DispatchContext } from './dispatchContext.js';

/** Where an action's call goes, in words: "the call has gone to ECS". */
export const SYSTEM: Record<'ecs' | 'rds' | 'queues', string> = { ecs: 'ECS', rds: 'RDS', queues: 'Redis' };

/**
 * The action box has the keys unless it was put away while running. A put
 * away action that ends while the operator types (an incident note) shows
 * its outcome once the typing is done, so no typed key is lost to it.
 */
export function overlayShown(phase: string | undefined, hidden: boolean, typing = false): boolean {
  return phase !== undefined && phase !== 'idle' && !(hidden && (phase === 'running' || typing));
}

/**
 * A key while the action box is shown: it goes to the controller, which does
 * the work. Two keys mean something of their own: once the call may have
 * gone out, Esc puts the box away (the action carries on), and once the
 * outcome has been read any key closes it.
 */
export function overlayKey(press: KeyPress, ctx: Pick<DispatchContext, 'getState' | 'dispatch'> & { actions: ActionKeys }): void {
  const { actions } = ctx;
  if (actions.phase() === 'finished') return actions.close();
  if (actions.phase() === 'running' && press.escape) {
    // A restore runs for half an hour: the dashboard must stay usable meanwhile. The outcome comes back by itself.
    const system = SYSTEM[ctx.getState().actionTarget?.panel ?? 'ecs'];
    ctx.dispatch({ type: 'hideAction', hidden: true });
    return ctx.dispatch({ type: 'message', text: `Esc does not stop a running action: the call has gone to ${system}. It carries on; a shows it, and its outcome shows when it ends`, tone: 'warn' });
  }
  actions.key(press);
}
