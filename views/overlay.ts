/** The guarded action's box: when it is on screen, what its call goes to, and what a key does while it is. */
import { resolveKey, type KeyBinding, type KeyPress } from '../src/dashboard/keys.js';
import type { ActionKeys, DispatchContext } from './dispatchContext.js';

/** Where an action's call goes, in words: "the call has gone to ECS". */
export const SYSTEM: Record<'ecs' | 'rds' | 'queues' | 'postgres', string> = { ecs: 'ECS', rds: 'RDS', queues: 'Redis', postgres: 'PostgreSQL' };

/**
 * The action box has the keys unless it was put away (Esc) while running. A
 * put away action that ends does not pop up over what the operator is doing:
 * the runs line under the panels says how it ended, and `a` shows its box.
 */
export function overlayShown(phase: string | undefined, hidden: boolean): boolean {
  return phase !== undefined && phase !== 'idle' && !(hidden && (phase === 'running' || phase === 'finished'));
}

/**
 * A key that scrolls the plan in the confirmation box, or undefined. The
 * arrows, PgUp/PgDn and Home/End always scroll; j and k only in a y/N box
 * once its reason (if asked) is in, since a typed phrase or reason may
 * begin with either letter.
 */
export function planScrollKey(press: KeyPress, ctx: Pick<DispatchContext, 'bindings'> & { actions: ActionKeys }): KeyBinding | undefined {
  const s = ctx.actions.state();
  if (s.phase !== 'confirm') return undefined;
  const b = resolveKey(press, 'plan', ctx.bindings.filter((x) => x.scopes.includes('plan')));
  if (!b) return undefined;
  const letter = !press.upArrow && !press.downArrow && !press.pageUp && !press.pageDown && !press.home && !press.end;
  // the reason line takes every letter, whatever the tier
  const typing = s.plan?.tier !== 'reversible' || (s.reason !== undefined && !s.reason.entered);
  return letter && typing ? undefined : b;
}

/**
 * A key while the action box is shown: it goes to the controller, which does
 * the work. Two keys mean something of their own: once the call may have
 * gone out, Esc puts the box away (the action carries on), and once the
 * outcome is shown any key closes it. Answers whether the key was used up:
 * on the outcome only Esc and Enter are (they mean "close"); any other key
 * closes it and then does what it does on the dashboard, so none is lost.
 */
export function overlayKey(press: KeyPress, ctx: Pick<DispatchContext, 'getState' | 'dispatch'> & { actions: ActionKeys }): boolean {
  const { actions } = ctx;
  if (actions.phase() === 'finished') {
    actions.close();
    return press.escape === true || press.return === true;
  }
  if (actions.phase() === 'running' && press.escape) {
    // A restore runs for half an hour: the dashboard must stay usable meanwhile. The outcome comes back by itself.
    const system = SYSTEM[ctx.getState().actionTarget?.panel ?? 'ecs'];
    ctx.dispatch({ type: 'hideAction', hidden: true });
    ctx.dispatch({ type: 'message', text: `Esc does not stop a running action: the call has gone to ${system}. It carries on (other actions may start meanwhile); the line under the panels follows it, a shows it`, tone: 'warn' });
    return true;
  }
  actions.key(press);
  return true;
}
