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

export async function reconcile(journal: AuditJournal, seq: number, what: string, awsArn?: string): Promise<AuditRecord> {
  const text = oneLine(what);
  if (text === '') throw new ReconcileError('--record is empty: say what happened, e.g. --record "the instance exists; kept as the restore"');
  const intent = pendingIntents(journal).find((i) => i.seq === seq);
  if (!intent) throw new ReconcileError(`journal record #${seq} is not an intent waiting for reconciliation; \`opsdeck audit reconcile\` lists those`);
  const plan: ReconcilePlan = { reconciles: seq };
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
  if (json) return escapeJsonText(JSON.stringify(list.map((i) => ({ ...i, message: describeIntent(i), ...(now.has(i.seq) ? { now: oneLine(now.get(i.seq)!) } : {}) })), null, 2));
  if (list.length === 0) return 'every intent in the audit journal has an outcome';
  return [...list.map((i) => `#${i.seq}  ${describeIntent(i)}: ${oneLine(i.summary, 100)}${now.has(i.seq) ? `; now: ${oneLine(now.get(i.seq)!)}` : ''}`), 'record what happened: opsdeck audit reconcile --id N --record "…"'].join('\n');
}

/** The line an action prints before its plan when its target has intents without outcome. */
export function pendingWarning(journal: Pick<AuditJournal, 'path'>, environment: string, target: string): string | undefined {
  const mine = pendingIntents(journal, environment).filter((i) => i.target === target);
  if (mine.length === 0) return undefined;
  return `opsdeck: ${target} has ${mine.length === 1 ? 'an action' : `${mine.length} actions`} of unknown outcome: ${mine.map(describeIntent).join('; ')} — see opsdeck audit reconcile`;
}
