/**
 * The hash chain, on bytes rather than on parsed objects.
 *
 * Choice: every record stores both `prevHash` and its own `hash`.
 *   hash     = SHA-256 (hex) of the line's exact UTF-8 bytes up to, not including,
 *              the final `,"hash":"…"}` (the hash field is always written last);
 *   prevHash = the previous record's `hash` (64 zeros for the first record).
 * Storing only prevHash would leave the newest record unprotected (nothing
 * after it commits to its bytes) and would make an edit show up on the line
 * after the edited one. With the record's own hash, an edited field is named
 * on its own line; a deleted, reordered or re-hashed record breaks the next
 * line's prevHash. Hashing bytes, not a re-serialisation, means no canonical
 * JSON is needed: what is verified is exactly what was written.
 *
 * Limit: there is no key. Someone who can write the file can rebuild the whole
 * chain, and cutting records off the end at a line boundary leaves a valid
 * shorter chain. The chain is evidence against accidents and careless edits;
 * shipping the journal elsewhere is what makes it evidence against intent.
 */
import { createHash } from 'node:crypto';
import { GENESIS_HASH, type AuditRecord } from './record.js';

const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;

export type VerifyResult =
  | { ok: true; count: number }
  /** `firstBroken` is the 1-based line number, which equals `seq` in an intact journal */
  | { ok: false; count: number; firstBroken: number; reason: string };

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The journal line (without its newline) for a record whose fields are final except `hash`. */
export function serializeRecord(r: Omit<AuditRecord, 'hash'>): string {
  // Fixed key order, so that lines read the same way whoever wrote them.
  const body = JSON.stringify({
    seq: r.seq,
    time: r.time,
    operator: r.operator,
    environment: r.environment,
    action: r.action,
    target: r.target,
    phase: r.phase,
    plan: r.plan === undefined ? null : r.plan,
    phraseAccepted: r.phraseAccepted,
    outcome: r.outcome,
    detail: r.detail,
    requestIds: r.requestIds,
    durationMs: r.durationMs,
    prevHash: r.prevHash,
  });
  const prefix = body.slice(0, -1);
  return `${prefix},"hash":"${sha256(prefix)}"}`;
}

/** seq and claimed hash of a line that looks like a record, without checking the hash. */
export function recordHead(line: string): { seq: number; hash: string } | null {
  const m = HASH_SUFFIX.exec(line);
  if (!m) return null;
  try {
    const seq = (JSON.parse(line) as { seq?: unknown }).seq;
    return typeof seq === 'number' ? { seq, hash: m[1]! } : null;
  } catch {
    return null;
  }
}

export function parseRecord(line: string): AuditRecord | null {
  if (!HASH_SUFFIX.test(line)) return null;
  try {
    const r = JSON.parse(line) as AuditRecord;
    return r && typeof r === 'object' && typeof r.seq === 'number' ? r : null;
  } catch {
    return null;
  }
}

export function verifyText(text: string): VerifyResult {
  if (text === '') return { ok: true, count: 0 };
  const complete = text.endsWith('\n');
  const lines = text.split('\n');
  if (complete) lines.pop();
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  const broken = (line: number, reason: string): VerifyResult => ({ ok: false, count: lines.length, firstBroken: line, reason });

  for (const [i, line] of lines.entries()) {
    const n = i + 1;
    if (i === lines.length - 1 && !complete) {
      return broken(n, `line ${n} is cut short (no newline at the end of the journal): the file was truncated or the last write did not finish`);
    }
    let parsed: Partial<AuditRecord>;
    try {
      parsed = JSON.parse(line) as Partial<AuditRecord>;
    } catch {
      return broken(n, `line ${n} is not JSON`);
    }
    const m = HASH_SUFFIX.exec(line);
    if (!m || typeof parsed !== 'object' || parsed === null || typeof parsed.seq !== 'number') {
      return broken(n, `line ${n} is not an audit record (no seq or no hash as its last field)`);
    }
    const label = `line ${n} (seq ${parsed.seq})`;
    if (sha256(line.slice(0, m.index)) !== m[1]) {
      return broken(n, `${label} was altered: its content no longer matches its hash`);
    }
    if (parsed.prevHash !== prevHash) {
      const before = n === 1 ? 'the start of the journal' : `line ${n - 1}`;
      return broken(n, `${label} does not follow ${before}: its prevHash does not match (a record was deleted, reordered or rewritten)`);
    }
    if (parsed.seq !== prevSeq + 1) {
      return broken(n, `${label} should have seq ${prevSeq + 1}`);
    }
    prevHash = m[1]!;
    prevSeq = parsed.seq;
  }
  return { ok: true, count: lines.length };
}
