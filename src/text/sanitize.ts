/**
 * Text from outside (log lines, service events, job payloads, error messages)
 * may carry terminal control sequences: a log line must not be able to move
 * the cursor, retitle the window, clear the screen or ring the bell. We drop
 * every escape sequence and every C0/C1 control character; tabs become
 * spaces and line breaks become a visible marker so one record stays on one
 * row.
 */

// ESC-introduced sequences: CSI (ESC [ ... final), OSC / DCS / SOS / PM / APC
// (terminated by BEL or ST, or unterminated to the end), and two-byte escapes.
const ESCAPE_SEQUENCES =
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)|\x1b[ -/]*[0-~]?|\x9b[0-?]*[ -/]*[@-~]?|[\x90\x98\x9d\x9e\x9f][\s\S]*?(?:\x07|\x1b\\|\x9c|$)/g;
// Everything that is still a control character after the sequences are gone.
const CONTROL_CHARS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function sanitize(text: string): string {
  return text
    .replace(ESCAPE_SEQUENCES, '')
    .replace(/\r\n|\n|\r/g, ' ⏎ ')
    .replace(/\t/g, '  ')
    .replace(CONTROL_CHARS, '');
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
