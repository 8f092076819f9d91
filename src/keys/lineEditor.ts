/**
 * The one line editor behind every prompt: the filter, the command line,
 * an incident's title or note, an action's value, the typed confirmation
 * phrase, the drill's phrase. One rule for what a key does to the line and
 * one for what typed or pasted text may add to it: escape sequences (a
 * bracketed paste's markers, colours copied from a log) and C0/C1 control
 * characters are dropped, printable Unicode is kept as it came.
 */
import { sanitize } from '../text/sanitize.js';
import type { KeyPress } from './registry.js';

type LineEdit =
  /** the line after the key (the same text when the key adds nothing) */
  | { kind: 'text'; text: string }
  | { kind: 'submit' }
  | { kind: 'cancel' };

/** What typed or pasted text adds to a line: no escape sequence, no control character, no line break. */
export function typedText(input: string): string {
  // a line break or tab inside a paste is not text on a one-line prompt; sanitize would draw it as ⏎ or spaces
  return sanitize(input.replace(/[\t\r\n]/g, ''));
}

const NOT_TEXT = ['tab', 'upArrow', 'downArrow', 'leftArrow', 'rightArrow', 'pageUp', 'pageDown', 'home', 'end', 'meta'] as const;

export function editLine(text: string, press: KeyPress): LineEdit {
  if (press.escape) return { kind: 'cancel' };
  if (press.return) return { kind: 'submit' };
  if (press.backspace || press.delete) return { kind: 'text', text: Array.from(text).slice(0, -1).join('') };
  // a proposed value (a default id) is replaced in one key, as in a shell
  if (press.ctrl) return { kind: 'text', text: press.input === 'u' ? '' : text };
  if (NOT_TEXT.some((k) => press[k])) return { kind: 'text', text };
  return { kind: 'text', text: text + typedText(press.input) };
}
