/** The longest timeout any command accepts: a wait past a working day is a typo, not a plan. */
export const MAX_TIMEOUT_MS = 24 * 3_600_000;

/**
 * A timeout as the operator gave it: "45 s", "10 min", "1 min 30 s", "1 h 30 min".
 * Nothing is rounded, so a 45 s timeout never reads "1 min".
 */
export function timeoutText(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const parts: string[] = [];
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (s || parts.length === 0) parts.push(`${s} s`);
  return parts.join(' ');
}
