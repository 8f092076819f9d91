/**
 * The actions of an incident as the audit journal has them. The journal is
 * written by every opsdeck process on the machine (a TUI, `opsdeck scale
 * … --confirm` in another terminal, a script), so it, not the memory of the
 * dashboard that happens to be open, says what was done while the incident
 * was open. Its records for the incident's environment between start and end
 * become action entries of the timeline; the ones a dashboard's observer
 * already wrote there are not repeated.
 */
import { readJournalTail } from '../audit/unreconciled.js';
import type { AuditRecord } from '../audit/record.js';
import { auditPath } from '../state/paths.js';
import { errorMessage, oneLine } from '../text/sanitize.js';
import type { ActionEntry, ActionPhase, TimelineEntry } from './types.js';

type Env = Record<string, string | undefined>;

// The observer writes `confirmed` before the lock and the re-read, the journal
// its intent after them: seconds apart on a slow API, never a minute.
const SAME_EVENT_MS = 60_000;
const MESSAGE_MAX = 500;

interface Window {
  environment?: string;
  startedAt: number;
  /** epoch ms; undefined while the incident is open */
  endedAt?: number;
}

/** The two-person rule's records (src/cli/approvalCommands.ts): the request's id, and for a decision the action it decides on. */
function approvalOf(r: AuditRecord): { request: string; action?: string } | undefined {
  const plan = r.plan as { approvalRequest?: unknown; action?: unknown } | null;
  if (typeof plan?.approvalRequest !== 'string') return undefined;
  return { request: plan.approvalRequest, ...(typeof plan.action === 'string' ? { action: plan.action } : {}) };
}

const DECIDED: Record<string, ActionPhase> = { approve: 'approved', reject: 'rejected' };

/**
 * The phase a journal record stands for on a timeline: an intent is the
 * confirmed action about to call; the verification's verdict is its outcome
 * (a failed call is one already). A successful call still being watched and
 * an operator's reconciliation have no phase of their own. An approval
 * request is `requested` (not a refusal: the action may run once approved);
 * another operator's decision on it is `approved` / `rejected`.
 */
function phaseOf(r: AuditRecord): ActionPhase | undefined {
  const approval = approvalOf(r);
  if (approval && r.phase === 'refusal' && DECIDED[r.action] === undefined && r.outcome === 'refused') return 'requested';
  if (approval && r.phase === 'outcome' && r.outcome === 'ok' && DECIDED[r.action]) return DECIDED[r.action];
  switch (r.phase) {
    case 'intent':
      return 'confirmed';
    case 'refusal':
      return r.outcome === 'aborted' ? 'aborted' : 'refused';
    case 'outcome':
      return r.outcome === 'failed' ? 'failed' : undefined;
    case 'verify':
      return r.outcome === 'ok' ? 'done' : r.outcome === 'aborted' ? 'aborted' : 'failed';
    default:
      return undefined;
  }
}

function planSummary(r: AuditRecord): string {
  const plan = r.plan as { summary?: unknown } | null;
  return typeof plan?.summary === 'string' ? plan.summary : r.detail;
}

/** The journal's records as timeline entries, for the records inside the window. */
export function journalEntries(records: readonly AuditRecord[], w: Window): ActionEntry[] {
  const out: ActionEntry[] = [];
  for (const r of records) {
    const t = Date.parse(r.time);
    if (!(t >= w.startedAt) || (w.endedAt !== undefined && t > w.endedAt)) continue;
    if (w.environment !== undefined && r.environment !== w.environment) continue;
    const phase = phaseOf(r);
    if (!phase) continue;
    // the journal is a file someone could have edited: its text is outside text
    const entry: ActionEntry = {
      kind: 'action',
      time: new Date(t).toISOString(),
      phase,
      // a decision is on the action it approves or rejects: the review reads one run from plan to outcome
      action: oneLine(phase === 'approved' || phase === 'rejected' ? (approvalOf(r)?.action ?? r.action) : r.action, 60),
      target: oneLine(r.target, 200),
      summary: oneLine(planSummary(r), MESSAGE_MAX),
      by: oneLine(`${r.operator.user}@${r.operator.host}`, 120),
      journalSeq: r.seq,
    };
    if (phase !== 'confirmed') entry.message = oneLine(r.detail, MESSAGE_MAX);
    out.push(entry);
  }
  return out;
}

const sameEvent = (a: ActionEntry, b: ActionEntry) =>
  a.action === b.action && a.target === b.target && a.phase === b.phase && Math.abs(Date.parse(a.time) - Date.parse(b.time)) <= SAME_EVENT_MS;

/**
 * The timeline with the journal's actions added: each journal entry the
 * timeline does not already hold (a dashboard's observer wrote the same
 * event) is appended; the order is the reader's business (`chronological`).
 */
export function withJournalActions(entries: readonly TimelineEntry[], fromJournal: readonly ActionEntry[]): TimelineEntry[] {
  const recorded = entries.filter((e): e is ActionEntry => e.kind === 'action' && e.journalSeq === undefined);
  const used = new Set<ActionEntry>();
  const added: ActionEntry[] = [];
  for (const j of fromJournal) {
    const twin = recorded.find((e) => !used.has(e) && sameEvent(e, j));
    if (twin) used.add(twin);
    else added.push(j);
  }
  return [...entries, ...added];
}

/** Reads the journal of the state directory; a journal that cannot be read is one problem line, never an exception. */
export function readJournalActions(w: Window, env: Env): { entries: ActionEntry[]; problem?: string } {
  try {
    return { entries: journalEntries(readJournalTail(auditPath(env)), w) };
  } catch (err) {
    return { entries: [], problem: `the audit journal could not be read, so actions run from other terminals may be missing: ${errorMessage(err)}` };
  }
}
