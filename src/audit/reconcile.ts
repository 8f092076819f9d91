/**
 * `opsdeck audit reconcile`: an operator's account of what an intent that
 * lost its outcome actually did, appended to the chain like any record, so
 * the finding it raised is closed by evidence rather than by an edit.
 */
import { escapeJsonText, oneLine } from '../text/sanitize.js';
import type { AuditJournal } from './journal.js';
import { currentOperator, type AuditRecord } from './record.js';
import { describeIntent, readJournalTail, unreconciledIntents, type ReconcilePlan, type UnreconciledIntent } from './unreconciled.js';

export function pendingIntents(journal: Pick<AuditJournal, 'path'>, environment?: string): UnreconciledIntent[] {
  return unreconciledIntents(readJournalTail(journal.path), environment);
}

export class ReconcileError extends Error {}

/** Where a reconcile record goes: this machine's journal (whose intents it answers), and in team mode the store's chain too. */
export type ReconcileJournal = Pick<AuditJournal, 'path' | 'append'>;

/** The operator's answer when asked interactively; `--record` alone gives none (the text says it). */
export type ReconcileVerdict = 'happened' | 'did-not-happen';

export const VERDICT_WORDS: Record<ReconcileVerdict, string> = { happened: 'it happened', 'did-not-happen': 'it did not happen' };

export async function reconcile(journal: ReconcileJournal, seq: number, what: string, awsArn?: string, verdict?: ReconcileVerdict): Promise<AuditRecord> {
  const note = oneLine(what);
  const text = verdict ? `${VERDICT_WORDS[verdict]}${note ? `: ${note}` : ''}` : note;
  if (text === '') throw new ReconcileError('--record is empty: say what happened, e.g. --record "the instance exists; kept as the restore"');
  const intent = pendingIntents(journal).find((i) => i.seq === seq);
  if (!intent) throw new ReconcileError(`journal record #${seq} is not an intent waiting for reconciliation; \`opsdeck audit reconcile\` lists those`);
  const plan: ReconcilePlan = { reconciles: seq, ...(verdict ? { verdict } : {}) };
  return journal.append({
    operator: currentOperator(awsArn),
    environment: intent.environment,
    action: intent.action,
    target: intent.target,
    phase: 'reconcile',
    plan,
    phraseAccepted: null,
    outcome: null,
    detail: text,
    requestIds: [],
    durationMs: null,
  });
}

/** `now`: the target's current state by intent seq, where it was read */
export function formatPending(list: readonly UnreconciledIntent[], json: boolean, now: ReadonlyMap<number, string> = new Map()): string {
  if (json) return escapeJsonText(JSON.stringify(list.map((i) => ({ ...i, message: describeIntent(i, now.get(i.seq)), ...(now.has(i.seq) ? { now: oneLine(now.get(i.seq)!) } : {}) })), null, 2));
  if (list.length === 0) return 'every intent in the audit journal has an outcome';
  return [...list.map((i) => `#${i.seq}  ${describeIntent(i, now.get(i.seq))}\n      planned: ${oneLine(i.summary, 200)}`), 'record what happened: opsdeck audit reconcile --id N --record "…" (or, on a terminal, opsdeck audit reconcile to be asked for each)'].join('\n');
}

/** This target's intents without outcome, for the line an action prints before its plan. */
export function pendingFor(journal: Pick<AuditJournal, 'path'>, environment: string, target: string): UnreconciledIntent[] {
  return pendingIntents(journal, environment).filter((i) => i.target === target);
}

/** The line an action prints before its plan when its target has intents without outcome; `now`: the target's state by intent seq. */
export function pendingWarning(mine: readonly UnreconciledIntent[], target: string, now: ReadonlyMap<number, string> = new Map()): string | undefined {
  if (mine.length === 0) return undefined;
  return `opsdeck: ${target} has ${mine.length === 1 ? 'an action' : `${mine.length} actions`} of unknown outcome: ${mine.map((i) => describeIntent(i, now.get(i.seq))).join(' | ')} — see opsdeck audit reconcile`;
}
