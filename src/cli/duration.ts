import { EXIT, UserError } from './exit.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "15m", "12h", "2d" → milliseconds; anything else is a usage error naming the flag. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new UserError(`${flag}: "${text}" is not a duration; write it like 90s, 15m, 12h or 2d`, EXIT.usage);
  const ms = Number(m[1]) * UNITS[m[2]!]!;
  if (ms <= 0) throw new UserError(`${flag}: the duration must be more than zero`, EXIT.usage);
  return ms;
}
