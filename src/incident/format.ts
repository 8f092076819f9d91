/**
 * Times and one-line descriptions of timeline entries, shared by the review,
 * `opsdeck incident status` and the TUI. Every string that came from outside
 * passes through `oneLine` here again, whatever the file holds.
 */
import { oneLine } from '../text/sanitize.js';
import type { TimelineEntry } from './types.js';

/** "09:04:31" (UTC) */
export function clockUtc(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** "2026-01-05 09:04:31 UTC" */
export function dateTimeUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** "+04:31" from the start; "+1:04:31" past the hour. */
export function offset(ms: number, startedAt: number): string {
  // whole seconds of both clocks, so "+00:01" always matches the HH:MM:SS shown beside it
  const total = Math.max(0, Math.floor(ms / 1000) - Math.floor(startedAt / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `+${h}:${two(m)}:${two(s)}` : `+${two(m)}:${two(s)}`;
}

/** "42 s", "7 min 05 s", "1 h 02 min" */
export function duration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 60) return `${total} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h === 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${h} h ${String(m).padStart(2, '0')} min`;
}

/** "m:ss" for a countdown */
export function countdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** What the entry says, without its time: "finding ecs.running-below-desired demo/api: ok → crit, …" */
export function describeEntry(e: TimelineEntry): string {
  switch (e.kind) {
    case 'start':
      return `incident started: ${oneLine(e.title)}${e.environment ? ` (environment ${oneLine(e.environment)})` : ''} by ${oneLine(e.by)}`;
    case 'finding': {
      const change = e.from === null ? `${e.to} (already when first seen)` : `${e.from} → ${e.to}`;
      return `${oneLine(e.subject)} ${oneLine(e.checkId)}: ${change}, ${oneLine(e.message)}${e.figure ? ` (${oneLine(e.figure)})` : ''}`;
    }
    case 'action':
      return `${e.phase} ${oneLine(e.action)} ${oneLine(e.target)}: ${oneLine(e.message ?? e.summary)}${e.journalSeq !== undefined ? ` (${e.by ? `by ${oneLine(e.by)}, ` : ''}journal #${e.journalSeq})` : ''}`;
    case 'note':
      return `note (${oneLine(e.by)}): ${oneLine(e.text)}`;
    case 'escalation':
      return oneLine(e.text);
    case 'end':
      return `incident ended by ${oneLine(e.by)}`;
  }
}

/** "09:04:31 +04:31 finding demo/api …" */
export function entryLine(e: TimelineEntry, startedAt: number): string {
  const t = Date.parse(e.time);
  return `${clockUtc(t)} ${offset(t, startedAt)}  ${describeEntry(e)}`;
}
