/**
 * "Top error messages, grouped": error events counted by fingerprint. A
 * multi-line trace counts once, under its first line; the lines joined to it
 * (marked by the log tail, see traces.ts) are skipped.
 */
import type { LogEvent } from '../../model/logs.js';
import { fingerprint } from './fingerprint.js';
import { isErrorEvent } from './traces.js';

export interface ErrorGroup {
  /** the masked message; like the sample, raw text from outside: sanitise before drawing */
  fingerprint: string;
  /** the newest line of the group, as received (sanitise before drawing) */
  sample: string;
  count: number;
  /** timestamp of the newest line */
  lastSeen: number;
  firstSeen: number;
}

/** Error events grouped by fingerprint, the most recently seen group first (ties: the larger). */
export function topErrors(events: readonly LogEvent[], limit = 10): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  for (const e of events) {
    if (!isErrorEvent(e)) continue;
    const fp = fingerprint(e.message);
    const g = groups.get(fp);
    if (!g) {
      groups.set(fp, { fingerprint: fp, sample: e.message, count: 1, lastSeen: e.timestamp, firstSeen: e.timestamp });
      continue;
    }
    g.count++;
    // `>=`: with equal timestamps the later line in the input is the newer one
    if (e.timestamp >= g.lastSeen) {
      g.lastSeen = e.timestamp;
      g.sample = e.message;
    }
    if (e.timestamp < g.firstSeen) g.firstSeen = e.timestamp;
  }
  return [...groups.values()]
    .sort((a, b) => b.lastSeen - a.lastSeen || b.count - a.count || a.fingerprint.localeCompare(b.fingerprint))
    .slice(0, Math.max(0, limit));
}
