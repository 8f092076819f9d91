/**
 * The escalation clock of the runbooks: what to have done by 2, 5, 10 and 30
 * minutes into an outage. The marks are drawn from the teams' "production
 * down" and escalation pages (confirm and roll back early, bring people in
 * while it is still young, tell the status page and management before the
 * half hour); the wording is opsdeck's.
 */
import type { EscalationEntry, TimelineEntry } from './types.js';

export interface EscalationMark {
  minutes: number;
  /** what to do now, as the timeline and the TUI show it */
  advice: string;
}

export const ESCALATION_MARKS: readonly EscalationMark[] = [
  { minutes: 2, advice: 'page the secondary on-call; if something was deployed in the last hour, roll it back now' },
  { minutes: 5, advice: 'post an Investigating status update; bring in the owner of the failing service' },
  { minutes: 10, advice: 'still not fixed: tell the team lead; if the fault is on the provider side, open an AWS support case' },
  { minutes: 30, advice: 'bring in management; keep status updates coming at least every 30 minutes' },
];

/** "escalate: 2 min — page the secondary on-call; …" */
function markText(mark: EscalationMark): string {
  return `escalate: ${mark.minutes} min — ${mark.advice}`;
}

/** Marks reached by `now` that the timeline does not hold yet, oldest first. */
export function dueMarks(startedAt: number, now: number, entries: readonly TimelineEntry[]): EscalationEntry[] {
  const recorded = new Set(entries.filter((e): e is EscalationEntry => e.kind === 'escalation').map((e) => e.minutes));
  return ESCALATION_MARKS.filter((m) => !recorded.has(m.minutes) && startedAt + m.minutes * 60_000 <= now).map((m) => ({
    kind: 'escalation',
    time: new Date(startedAt + m.minutes * 60_000).toISOString(),
    minutes: m.minutes,
    text: markText(m),
  }));
}

/** The next mark after `now`, with how long until it; undefined past the last one. */
export function nextMark(startedAt: number, now: number): (EscalationMark & { inMs: number }) | undefined {
  const m = ESCALATION_MARKS.find((mark) => startedAt + mark.minutes * 60_000 > now);
  return m ? { ...m, inMs: startedAt + m.minutes * 60_000 - now } : undefined;
}
