/**
 * Intents with no outcome: what a crash between the journal's intent and the
 * call's outcome leaves behind. The executor writes no correlation id, but it
 * holds the target's lock from intent to outcome, so one operator's records
 * for one (environment, action, target) alternate intent → outcome; an intent
 * followed by another intent for the same key, or by nothing, lost its outcome.
 * A `reconcile` record (its plan names the intent's seq) closes one by hand.
 * A `progress` record (its plan names the intent's seq too) says how far a
 * long call got; the last one is what a crash mid-call leaves to go on.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
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
  /** the last progress record's detail, e.g. "moved 12 of 30 (ids …)", when the call journaled its progress */
  progress?: string;
}

/** Reading more than this of a long journal is not worth it: an older intent has long been dealt with or is in `audit`. */
const TAIL_BYTES = 4 * 1024 * 1024;

export interface ReconcilePlan {
  reconciles: number;
  /** the operator's answer when asked interactively */
  verdict?: 'happened' | 'did-not-happen';
}

/** What a progress record's plan holds besides the call's own figures. */
export interface ProgressPlan {
  progressOf: number;
}

function progressSeq(r: Pick<AuditRecord, 'phase' | 'plan'>): number | undefined {
  if (r.phase !== 'progress') return undefined;
  const seq = (r.plan as Partial<ProgressPlan> | null)?.progressOf;
  return typeof seq === 'number' ? seq : undefined;
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
  const progress = new Map<number, string>();
  for (const r of records) {
    const seq = reconciledSeq(r);
    if (seq !== undefined) reconciled.add(seq);
    const of = progressSeq(r);
    if (of !== undefined) progress.set(of, r.detail);
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
    .map((r) => ({ seq: r.seq, time: r.time, environment: r.environment, action: r.action, target: r.target, user: r.operator.user, host: r.operator.host, summary: r.detail, ...(progress.has(r.seq) ? { progress: progress.get(r.seq)! } : {}) }));
}

function recordsOf(buf: Buffer, cut: boolean): AuditRecord[] {
  const lines = buf.toString('utf8').split('\n');
  // the first piece may start mid-line
  if (cut) lines.shift();
  return lines.flatMap((line) => {
    const r = line ? parseRecord(line) : null;
    return r ? [r] : [];
  });
}

/** readJournalTail without blocking the event loop: what the dashboard uses on its refresh timer. */
export async function readJournalTailAsync(path: string, maxBytes = TAIL_BYTES): Promise<AuditRecord[]> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const size = (await fh.stat()).size;
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    for (let off = 0; off < buf.length; ) {
      const { bytesRead } = await fh.read(buf, off, buf.length - off, start + off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return recordsOf(buf, start > 0);
  } finally {
    await fh.close();
  }
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
    return recordsOf(buf, start > 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * "restore of demo/orders-db started 09:51 UTC by ana@bastion, outcome unknown (journal #12)",
 * then how far it got when it journaled its progress, then `now`: the target's state today, when read.
 */
export function describeIntent(i: UnreconciledIntent, now?: string): string {
  const at = i.time.slice(0, 16).replace('T', ' ');
  const parts = [`${i.action} of ${i.target} started ${at} UTC by ${i.user}@${i.host}, outcome unknown (journal #${i.seq})`];
  if (i.progress) parts.push(`last progress: ${i.progress}`);
  if (now) parts.push(`now: ${now}`);
  // the journal is a file someone could have edited: its text is outside text
  return oneLine(parts.join('; '));
}
