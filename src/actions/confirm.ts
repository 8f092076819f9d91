/**
 * The typed confirmation as a pure state machine, shared by the TUI dialog
 * and the tests. Only Enter on a buffer equal to the phrase accepts; a wrong
 * phrase is never accepted, whatever came before. Pasted text arrives as one
 * multi-character input and is appended like typing, cleaned by the line
 * editor's one rule (src/keys/lineEditor.ts).
 */
import type { KeyPress } from '../keys/registry.js';
import type { Tier } from './types.js';
import { editLine } from '../keys/lineEditor.js';

export type ConfirmStatus = 'typing' | 'accepted' | 'cancelled';

export interface ConfirmState {
  tier: Tier;
  phrase: string;
  typed: string;
  status: ConfirmStatus;
  /** one line shown under the input after a wrong Enter */
  error?: string;
}

export function startConfirm(tier: Tier, phrase: string): ConfirmState {
  return { tier, phrase, typed: '', status: 'typing' };
}

export function confirmKey(state: ConfirmState, key: KeyPress): ConfirmState {
  if (state.status !== 'typing') return state;
  if (key.escape) return { ...state, status: 'cancelled', error: undefined };
  if (state.tier === 'reversible') {
    // focus starts on "no": Enter alone cancels, only y accepts
    if (!key.ctrl && !key.meta && key.input === 'y') return { ...state, typed: 'y', status: 'accepted' };
    if (key.return || key.input === 'n' || key.input === 'N') return { ...state, status: 'cancelled' };
    return state;
  }
  if (key.return) {
    if (state.typed === state.phrase && state.phrase !== '') return { ...state, status: 'accepted', error: undefined };
    return { ...state, error: state.typed === '' ? `type ${state.phrase} to confirm, or Esc to cancel` : `"${state.typed}" is not "${state.phrase}"; nothing was done` };
  }
  // the one line editor: bracketed paste markers, other escape sequences and control characters never become part of the phrase
  const edit = editLine(state.typed, key);
  if (edit.kind !== 'text') return state;
  const erased = key.backspace || key.delete || (key.ctrl && key.input === 'u');
  if (edit.text === state.typed && !erased) return state;
  return { ...state, typed: edit.text, error: undefined };
}

/** A non-interactive confirmation (`--confirm PHRASE`): exact, no trimming, no case folding. */
export function phraseMatches(given: string | undefined, phrase: string): boolean {
  return given !== undefined && phrase !== '' && given === phrase;
}
