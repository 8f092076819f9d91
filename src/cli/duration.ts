import { EXIT, UserError } from './exit.js';
import { MAX_TIMEOUT_MS, timeoutText } from '../actions/timeout.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, possibly past the safe integer range; a usage error when it is not a duration at all. */
function durationMs(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new UserError(`${flag}: "${text}" is not a duration; write it like 90s, 15m, 12h or 2d`, EXIT.usage);
  const ms = Math.round(Number(m[1]) * UNITS[m[2]!]!);
  if (ms <= 0) throw new UserError(`${flag}: the duration must be more than zero`, EXIT.usage);
  return ms;
}

/** "90s", "15m", "12h", "2d" → milliseconds; anything else is a usage error naming the flag. */
export function parseDuration(text: string, flag: string): number {
  const ms = durationMs(text, flag);
  if (!Number.isSafeInteger(ms)) throw new UserError(`${flag}: "${text}" is too long to be a duration`, EXIT.usage);
  return ms;
}

/** A timeout: a duration of at most 24 h, so that no wait (and nothing a wait holds) outlives a working day. */
export function parseTimeout(text: string, flag: string): number {
  const ms = durationMs(text, flag);
  if (ms > MAX_TIMEOUT_MS) throw new UserError(`${flag}: "${text}" is longer than ${timeoutText(MAX_TIMEOUT_MS)}, the longest a timeout may be`, EXIT.usage);
  return ms;
}
