/**
 * Intents with no outcome: what a crash between the journal's intent and the
 * call's outcome leaves behind. The executor writes no correlation id, but it
 * holds the target's lock from intent to outcome, so one operator's records
 * for one (environment, action, target) alternate intent → outcome; an intent
 * followed by another intent for the same key, or by nothing, lost its outcome.
 * A `reconcile` record (its plan names the intent's seq) closes one by hand.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseRecord } from './chain.js';
import type { AuditRecord } from './record.js';
import { oneLine } from '../text/sanitize.js';

export interface UnreconciledIntent {
  seq: number;
  time: string;
  environment: string;
  action: string;
  target: string;
  user: string;
  host: string;
  summary: string;
}

/** Reading more than this of a long journal is not worth it: an older intent has long been dealt with or is in `audit`. */
const TAIL_BYTES = 4 * 1024 * 1024;

export interface ReconcilePlan {
  reconciles: number;
}

export function reconciledSeq(r: Pick<AuditRecord, 'phase' | 'plan'>): number | undefined {
  if (r.phase !== 'reconcile') return undefined;
  const seq = (r.plan as Partial<ReconcilePlan> | null)?.reconciles;
  return typeof seq === 'number' ? seq : undefined;
}

export function unreconciledIntents(records: readonly AuditRecord[], environment?: string): UnreconciledIntent[] {
  const open = new Map<string, AuditRecord>();
  const lost: AuditRecord[] = [];
  const reconciled = new Set<number>();
  for (const r of records) {
    const seq = reconciledSeq(r);
    if (seq !== undefined) reconciled.add(seq);
    const key = JSON.stringify([r.environment, r.action, r.target, r.operator.user, r.operator.host]);
    if (r.phase === 'intent') {
      const before = open.get(key);
      if (before) lost.push(before);
      open.set(key, r);
    } else if (r.phase === 'outcome') open.delete(key);
  }
  lost.push(...open.values());
  return lost
    .filter((r) => !reconciled.has(r.seq) && (environment === undefined || r.environment === environment))
    .sort((a, b) => a.seq - b.seq)
    .map((r) => ({ seq: r.seq, time: r.time, environment: r.environment, action: r.action, target: r.target, user: r.operator.user, host: r.operator.host, summary: r.detail }));
}

/** The records of the journal's last few MB: enough to find what a recent crash left, cheap on a years-long file. */
export function readJournalTail(path: string, maxBytes = TAIL_BYTES): AuditRecord[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    for (let off = 0; off < buf.length; ) {
      const n = readSync(fd, buf, off, buf.length - off, start + off);
      if (n === 0) break;
      off += n;
    }
    const lines = buf.toString('utf8').split('\n');
    // the first piece may start mid-line
    if (start > 0) lines.shift();
    return lines.flatMap((line) => {
      const r = line ? parseRecord(line) : null;
      return r ? [r] : [];
    });
  } finally {
    closeSync(fd);
  }
}

/** "restore of demo/orders-db started 09:51 UTC by ana, outcome unknown" */
export function describeIntent(i: UnreconciledIntent): string {
  const at = i.time.slice(0, 16).replace('T', ' ');
  // the journal is a file someone could have edited: its text is outside text
  return oneLine(`${i.action} of ${i.target} started ${at} UTC by ${i.user}@${i.host}, outcome unknown (journal #${i.seq})`);
}
