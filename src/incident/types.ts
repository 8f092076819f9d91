/**
 * What an incident's timeline holds: one JSON object per line, each with the
 * moment it describes (`time`, ISO 8601 UTC) and its `kind`. The file is the
 * record; the review and the status line are built from it alone.
 */
import type { Severity } from '../model/findings.js';

/**
 * What happened to an action, in the order an operator sees it. Under the
 * two-person rule a confirmed plan is first `requested`, then `approved` or
 * `rejected` by another operator (a rejection ends it: nothing was done).
 */
export type ActionPhase = 'planned' | 'requested' | 'approved' | 'rejected' | 'confirmed' | 'refused' | 'done' | 'failed' | 'aborted';
export const ACTION_PHASES: readonly ActionPhase[] = ['planned', 'requested', 'approved', 'rejected', 'confirmed', 'refused', 'done', 'failed', 'aborted'];

export interface StartEntry {
  kind: 'start';
  time: string;
  id: string;
  title: string;
  /** the opsdeck environment, when the incident was started against one */
  environment?: string;
  /** "user@host" */
  by: string;
}

export interface FindingEntry {
  kind: 'finding';
  time: string;
  checkId: string;
  subject: string;
  /** null: first seen during this incident, already at `to` */
  from: Severity | null;
  to: Severity;
  message: string;
  figure?: string;
}

export interface ActionEntry {
  kind: 'action';
  time: string;
  phase: ActionPhase;
  /** the action id, e.g. "rollback" */
  action: string;
  /** e.g. "prod/api" */
  target: string;
  summary: string;
  /** the outcome line (refused / done / failed / aborted) */
  message?: string;
  /** "user@host", for an action read from the audit journal */
  by?: string;
  /** the audit journal's record number, for an action read from it (never written to the timeline file) */
  journalSeq?: number;
}

export interface NoteEntry {
  kind: 'note';
  time: string;
  text: string;
  by: string;
}

export interface EscalationEntry {
  kind: 'escalation';
  /** the moment the mark was reached (start + minutes), not when it was written */
  time: string;
  minutes: number;
  text: string;
}

export interface EndEntry {
  kind: 'end';
  time: string;
  by: string;
}

export type TimelineEntry = StartEntry | FindingEntry | ActionEntry | NoteEntry | EscalationEntry | EndEntry;
type EntryKind = TimelineEntry['kind'];
export const ENTRY_KINDS: readonly EntryKind[] = ['start', 'finding', 'action', 'note', 'escalation', 'end'];

/** An incident as its start entry and the state directory describe it. */
export interface IncidentInfo {
  id: string;
  title: string;
  /** epoch ms */
  startedAt: number;
  environment?: string;
  dir: string;
  timelinePath: string;
  reviewPath: string;
}

/** An incident with everything its timeline holds. */
export interface IncidentRecord extends IncidentInfo {
  entries: TimelineEntry[];
  /** one line per unreadable line of the timeline (a torn last write, an edited line) */
  problems: string[];
  /** why the audit journal's actions are missing, when it could not be read */
  journalProblem?: string;
  /** epoch ms of the end entry; undefined while open */
  endedAt?: number;
}
