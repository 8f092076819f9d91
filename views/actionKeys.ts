/**
 * Keys while a guarded action is open: every key goes to its controller,
 * which does the work; ctrl+c still quits. Split out of the dispatcher
 * (keys.ts), which hands over to `handleAction` before anything else.
 */
import type { ActionPhase } from '../src/actions/controller.js';
import type { CommandId, KeyPress } from '../src/keys/registry.js';
import { resolveKey } from '../src/keys/registry.js';
import type { DispatchContext } from './keys.js';
import { FLAGS } from './keys.js';

export type ActionCommand = Extract<CommandId, 'scale' | 'rollback' | 'redeploy' | 'rds-snapshot' | 'rds-restore' | 'requeue'>;

/** Where an action's call goes, in words: "the call has gone to ECS". */
export const SYSTEM: Record<'ecs' | 'rds' | 'queues', string> = { ecs: 'ECS', rds: 'RDS', queues: 'Redis' };

/** The action controller as the dispatcher sees it. */
export interface ActionKeys {
  phase(): ActionPhase;
  key(press: KeyPress): void;
  close(): void;
  /** starts the action on what the panel has selected; a one-line reason when it cannot */
  start(command: ActionCommand): string | undefined;
}

const CONTROL_CHAR = /[\x00-\x1f\x7f-\x9f]/;

/**
 * Input for the action overlay. A paste stays one input (the controller
 * appends it to what was typed); only the keys inside it that are not text
 * (Enter, backspace) are taken out, in order.
 */
export function pasteChunks(press: KeyPress): KeyPress[] {
  if (press.input.length <= 1 || FLAGS.some((f) => press[f]) || !CONTROL_CHAR.test(press.input)) return [press];
  const out: KeyPress[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ input: text });
    text = '';
  };
  for (const ch of press.input) {
    if (!CONTROL_CHAR.test(ch)) {
      text += ch;
      continue;
    }
    flush();
    if (ch === '\r' || ch === '\n') out.push({ input: '', return: true });
    else if (ch === '\x7f' || ch === '\b') out.push({ input: '', backspace: true });
  }
  flush();
  return out;
}

/**
 * While an action is open it gets every key. ctrl+c still quits; once the
 * call may have gone out (running) it asks first, since ECS, RDS or Redis
 * carries on whatever opsdeck does and quitting only stops the watching.
 */
export function handleAction(press: KeyPress, ctx: DispatchContext): void {
  const actions = ctx.actions!;
  const state = ctx.getState();
  if (state.message) ctx.dispatch({ type: 'clearMessage' });
  if (press.ctrl && resolveKey(press, 'global', ctx.bindings)?.command === 'quit') {
    if (actions.phase() !== 'running' || state.quitArmed) return ctx.quit();
    return ctx.dispatch({ type: 'armQuit', armed: true });
  }
  if (state.quitArmed) ctx.dispatch({ type: 'armQuit', armed: false });
  // the outcome has been read: any key closes it, and does nothing else
  if (actions.phase() === 'finished') return actions.close();
  if (actions.phase() === 'running' && press.escape) {
    // A restore runs for half an hour: the dashboard must stay usable meanwhile. The outcome comes back by itself.
    const system = SYSTEM[state.actionTarget?.panel ?? 'ecs'];
    ctx.dispatch({ type: 'hideAction', hidden: true });
    return ctx.dispatch({ type: 'message', text: `Esc does not stop a running action: the call has gone to ${system}. It carries on; a shows it, and its outcome shows when it ends`, tone: 'warn' });
  }
  for (const p of pasteChunks(press)) actions.key(p);
}
