/**
 * Text from outside (log lines, service events, job payloads, error messages)
 * may carry terminal control sequences: a log line must not be able to move
 * the cursor, retitle the window, clear the screen or ring the bell. We drop
 * every escape sequence and every C0/C1 control character; tabs become
 * spaces and line breaks become a visible marker so one record stays on one
 * row. Bidi controls, which can make a line read in another order than it
 * is stored (an operator would act on what they read), show as a visible
 * placeholder; zero-width characters, which hide a difference between two
 * names that look alike, are dropped. Secrets are masked (see redact.ts).
 */
import { redact } from './redact.js';

// ESC-introduced sequences: CSI (ESC [ ... final), OSC / DCS / SOS / PM / APC
// (terminated by BEL or ST, or unterminated to the end), and two-byte escapes.
const ESCAPE_SEQUENCES =
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)|\x1b[ -/]*[0-~]?|\x9b[0-?]*[ -/]*[@-~]?|[\x90\x98\x9d\x9e\x9f][\s\S]*?(?:\x07|\x1b\\|\x9c|$)/g;
// Everything that is still a control character after the sequences are gone.
const CONTROL_CHARS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

// U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// U+200B–U+200D, U+2060, U+FEFF
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
/** What a bidi control shows as: one column wide, and plainly not part of the text. */
const BIDI_PLACEHOLDER = '\ufffd';

export function sanitize(text: string): string {
  return redact(
    text
      .replace(ESCAPE_SEQUENCES, '')
      .replace(/\r\n|\n|\r/g, ' ⏎ ')
      .replace(/\t/g, '  ')
      .replace(CONTROL_CHARS, '')
      .replace(BIDI_CONTROLS, BIDI_PLACEHOLDER)
      .replace(ZERO_WIDTH, ''),
  );
}

/**
 * JSON text with C1 controls, bidi controls, zero-width characters and the
 * two JS line separators written as \uXXXX escapes: JSON.stringify leaves
 * them raw, and a terminal or an editor showing the file would act on them.
 */
export function escapeJsonText(json: string): string {
  return json.replace(/[\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060\u2066-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * What may reach a stream: secrets masked, C1 and bidi controls and
 * zero-width characters gone, and unless `terminalCodes` (a terminal that
 * gets colour, or readline's line editing) every escape sequence and C0
 * control but tab and line breaks. The last guard for whatever a command
 * writes; the text it echoes is sanitised where it is built.
 */
export function scrubOutput(text: string, terminalCodes: boolean): string {
  const s = terminalCodes ? text : text.replace(ESCAPE_SEQUENCES, '').replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');
  return redact(s.replace(/[\x80-\x9f]/g, '').replace(BIDI_CONTROLS, BIDI_PLACEHOLDER).replace(ZERO_WIDTH, ''));
}

/** Sanitised, on one line, and cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max = Infinity): string {
  const s = sanitize(text).trim();
  return s.length > max ? s.slice(0, Math.max(0, max - 1)) + '…' : s;
}

/** The message of anything thrown, fit for a one-line error on screen. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return oneLine(err.message || err.name);
  return oneLine(String(err));
}
