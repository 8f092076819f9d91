/**
 * The typed confirmation as a pure state machine, shared by the TUI dialog
 * and the tests. Only Enter on a buffer equal to the phrase accepts; a wrong
 * phrase is never accepted, whatever came before. Pasted text arrives as one
 * multi-character input and is appended like typing.
 */
import type { KeyPress } from '../keys/registry.js';
import type { Tier } from './types.js';

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

// Bracketed paste markers and other escape sequences must not become part of the phrase.
const PRINTABLE = /^[^\x00-\x1f\x7f-\x9f]+$/;

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
  if (key.backspace || key.delete) return { ...state, typed: [...state.typed].slice(0, -1).join(''), error: undefined };
  if (key.ctrl && key.input === 'u') return { ...state, typed: '', error: undefined };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return state;
  const text = key.input.replace(/\x1b\[20[01]~/g, '');
  if (text === '' || !PRINTABLE.test(text)) return state;
  return { ...state, typed: state.typed + text, error: undefined };
}

/** A non-interactive confirmation (`--confirm PHRASE`): exact, no trimming, no case folding. */
export function phraseMatches(given: string | undefined, phrase: string): boolean {
  return given !== undefined && phrase !== '' && given === phrase;
}
