import { hostname, userInfo } from 'node:os';

/**
 * verify: what the watch after the call saw (done, failed, timed out, superseded);
 * progress: how far a long call has got (a requeue's batches), so a crash mid-call leaves what it did;
 * reconcile: an operator's account of an intent that lost its outcome in a crash
 */
export type AuditPhase = 'intent' | 'progress' | 'outcome' | 'refusal' | 'verify' | 'reconcile';
export type AuditOutcome = 'ok' | 'refused' | 'aborted' | 'failed';

export interface AuditOperator {
  /** the OS user running opsdeck */
  user: string;
  host: string;
  /** the AWS identity the API calls were made as, when known */
  awsArn?: string;
}

export interface AuditRecord {
  /** 1-based position in the journal */
  seq: number;
  /** ISO 8601, UTC */
  time: string;
  operator: AuditOperator;
  environment: string;
  /** action id, e.g. "scale", "rollback", "restore", "requeue" */
  action: string;
  /** e.g. "demo/api" */
  target: string;
  phase: AuditPhase;
  /** the changes and the exact API calls, as planned */
  plan: unknown;
  /** null when no phrase was asked for (reversible tier, refusal before the prompt) */
  phraseAccepted: boolean | null;
  /** null on an intent record: the outcome is not known yet */
  outcome: AuditOutcome | null;
  /** one line */
  detail: string;
  /** AWS request ids of the calls made */
  requestIds: string[];
  durationMs: number | null;
  /** the previous record's `hash`; 64 zeros for the first record */
  prevHash: string;
  /** SHA-256 of this line's bytes before the hash field (see chain.ts) */
  hash: string;
}

/** What a caller supplies; the journal fills in position, time and chain. */
export type AuditEntry = Omit<AuditRecord, 'seq' | 'prevHash' | 'time' | 'hash'> & { time?: string };

export const GENESIS_HASH = '0'.repeat(64);

export function currentOperator(awsArn?: string): AuditOperator {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers with an arbitrary uid)
    user = process.env.USER ?? process.env.LOGNAME ?? `uid:${process.getuid?.() ?? '?'}`;
  }
  return awsArn ? { user, host: hostname(), awsArn } : { user, host: hostname() };
}
