/**
 * The reason line of the dashboard's action box, as a pure state machine
 * beside the typed confirmation (confirm.ts): a destructive action, or any
 * action the environment's two-person rule guards, is asked why before its
 * phrase, as `--reason` asks on the command line. The one line it takes
 * goes to the journal's intent, the approval request and the notification.
 * Edited with the one line editor (src/keys/lineEditor.ts).
 */
import type { KeyPress } from '../keys/registry.js';
import { editLine } from '../keys/lineEditor.js';
import { oneLine } from '../text/sanitize.js';
import type { Plan } from './types.js';

export interface ReasonState {
  value: string;
  /** Enter took it: the phrase is asked next */
  entered: boolean;
  /** one line shown under the input after an empty Enter */
  error?: string;
}

/** The most the journal keeps of a reason, as the executor cuts `--reason`. */
export const REASON_MAX = 300;

export const EMPTY_REASON = 'a reason is needed: type one line saying why (it goes into the journal), or Esc to cancel; nothing was done';

/** Whether the box asks why before the phrase: destructive, or guarded by the two-person rule (the approver reads it). */
export function reasonAsked(plan: Plan, approvalsRequired: boolean): boolean {
  return !plan.refusal && (plan.tier === 'destructive' || (approvalsRequired && plan.tier !== 'read'));
}

export function startReason(): ReasonState {
  return { value: '', entered: false };
}

/** A key on the reason line: the next state, or `cancelled` (Esc). An empty (or blank) reason is refused with a line. */
export function reasonKey(state: ReasonState, press: KeyPress): ReasonState | 'cancelled' {
  const edit = editLine(state.value, press);
  if (edit.kind === 'cancel') return 'cancelled';
  if (edit.kind === 'submit') {
    const value = oneLine(state.value, REASON_MAX);
    return value === '' ? { ...state, error: EMPTY_REASON } : { value, entered: true };
  }
  if (edit.text === state.value && !press.backspace && !press.delete && !(press.ctrl && press.input === 'u')) return state;
  return { value: edit.text, entered: false };
}

/** The reason the run carries: only one that was entered. */
export function givenReason(state: ReasonState | undefined): string | undefined {
  return state?.entered ? state.value : undefined;
}
