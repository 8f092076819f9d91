/**
 * What opsdeck tells the outside about: one event type per thing an on-call
 * channel wants to hear, each carrying the environment, the moment, the
 * operator and, while one is open, the incident it happened in. The three
 * payload builders (slack.ts, pagerduty.ts, generic.ts) are written from
 * these alone; every text in them was sanitised where the event was built.
 */
import type { Severity } from '../model/findings.js';
import type { NOTIFY_EVENTS } from '../config/schema.js';

export type NotifyEventName = (typeof NOTIFY_EVENTS)[number] | 'test';

/** The open incident an event happened in. */
export interface IncidentRef {
  id: string;
  title: string;
}

interface EventBase {
  environment: string;
  /** ISO 8601 UTC */
  at: string;
  /** "user@host" */
  operator: string;
  incident?: IncidentRef;
}

export interface ActionNotice extends EventBase {
  event: 'action.executed' | 'action.failed' | 'action.refused';
  /** the action id, e.g. "scale" */
  action: string;
  /** e.g. "demo/api" */
  target: string;
  /** e.g. "Scale demo/api to 0" */
  title: string;
  tier: string;
  /** the plan's one line, e.g. "scale demo/api from 2 to 0 tasks" */
  summary: string;
  /** the executor's outcome line; for a mistyped phrase, that the phrase did not match (never what was typed) */
  message: string;
  /** the reason the two-person rule was bypassed, when it was */
  breakGlass?: string;
  /** why the operator acted (--reason, or the dashboard's reason line), when given */
  reason?: string;
}

export interface ApprovalNotice extends EventBase {
  event: 'approval.requested';
  /** the request's id, for `opsdeck approve ID` */
  id: string;
  action: string;
  target: string;
  summary: string;
  /** the plan's content hash the approval is for */
  planHash: string;
  /** ISO 8601 UTC, when the request lapses */
  expiresAt?: string;
  /** the requester's reason, which the approver reads */
  reason?: string;
}

export interface IncidentNotice extends EventBase {
  event: 'incident.started' | 'incident.updated' | 'incident.ended';
  incident: IncidentRef;
  /** incident.updated: the note */
  note?: string;
  /** incident.ended: how long it was open */
  durationMs?: number;
  /** started: the "Investigating" update; ended: the "Resolved" one (src/incident/statusPage.ts) */
  statusPage?: string;
}

export interface CheckFindingLine {
  severity: Severity;
  checkId: string;
  subject: string;
  message: string;
}

export interface CheckNotice extends EventBase {
  event: 'check.changed';
  /** the worst severity the last `check --notify` told this target; null: never told */
  from: Severity | null;
  to: Severity;
  counts: Record<Severity, number>;
  /** the worst findings first, at most CHECK_FINDINGS_MAX */
  findings: CheckFindingLine[];
}

export interface TestNotice extends EventBase {
  event: 'test';
  message: string;
}

export type NotifyEvent = ActionNotice | ApprovalNotice | IncidentNotice | CheckNotice | TestNotice;

export const CHECK_FINDINGS_MAX = 10;

/** The version of the generic webhook's JSON: bumped when a field changes meaning or goes away. */
export const GENERIC_VERSION = 1;

/** Whether a target's `events:` filter (exact names, `group.*`, `*`) lets this event through; `test` always passes. */
export function wanted(filter: readonly string[] | undefined, event: NotifyEventName): boolean {
  if (event === 'test' || filter === undefined) return true;
  return filter.some((f) => f === '*' || f === event || (f.endsWith('.*') && event.startsWith(f.slice(0, -1))));
}

/** One line saying what happened, for a Slack fallback text and a PagerDuty summary. */
export function headline(e: NotifyEvent): string {
  switch (e.event) {
    case 'action.executed':
      return `${glass(e)}${e.title}: done`;
    case 'action.failed':
      return `${glass(e)}${e.title}: FAILED: ${e.message}`;
    case 'action.refused':
      return `${e.title}: refused: ${e.message}`;
    case 'approval.requested':
      return `${e.environment}: approval requested by ${e.operator} for ${e.summary} (opsdeck approve ${e.id})`;
    case 'incident.started':
      return `${e.environment}: incident started: ${e.incident.title}`;
    case 'incident.updated':
      return `${e.environment}: incident ${e.incident.title}: note by ${e.operator}: ${e.note ?? ''}`;
    case 'incident.ended':
      return `${e.environment}: incident ended: ${e.incident.title}${e.durationMs !== undefined ? ` after ${minutes(e.durationMs)}` : ''}`;
    case 'check.changed':
      return `${e.environment}: checks went from ${e.from ?? 'not known'} to ${e.to} (${e.counts.crit} crit, ${e.counts.warn} warn, ${e.counts.unknown} unknown)`;
    case 'test':
      return `${e.environment}: ${e.message}`;
  }
}

function glass(e: ActionNotice): string {
  return e.breakGlass !== undefined ? `BREAK-GLASS (two-person rule bypassed: ${e.breakGlass}) ` : '';
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 1 ? `${Math.round(ms / 1000)} s` : m < 120 ? `${m} min` : `${(m / 60).toFixed(1)} h`;
}
