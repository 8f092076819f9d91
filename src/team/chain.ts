/**
 * The shared journal in the team store: one hash chain per environment, in
 * exactly the local journal's record format (audit/chain.ts), so a record
 * hashes the same wherever it is kept and `audit --verify` judges both with
 * one verifier.
 *
 * Each append runs in one transaction holding a transaction advisory lock on
 * its environment: the head is read and the next record inserted with nobody
 * else between, on however many machines. UNIQUE (env, seq) would reject a
 * fork even without the lock; the lock makes writers queue instead of fail.
 * Each record carries the id its writer gave it (primary key): an append
 * retried after a lost reply finds its record and returns it, never a copy.
 * The line is stored as written because the hash covers its bytes (jsonb
 * would reorder keys); `record` is the same as jsonb, for queries.
 */
import type pg from 'pg';
import { verifyText, type VerifyResult } from '../audit/chain.js';
import { recordLine } from '../audit/journal.js';
import { GENESIS_HASH, type AuditEntry, type AuditRecord } from '../audit/record.js';
import type { AuditFilter } from '../audit/filter.js';
import { inTransaction } from './store.js';

/** A record on its way to the store: its id, and its time fixed when it was made. */
export interface PendingRecord {
  id: string;
  entry: AuditEntry & { time: string };
  /**
   * its seq in the writer's local journal: what the writer's progress and
   * reconcile records point at (`plan.progressOf`, `plan.reconciles`), kept
   * beside the store's own seq so those references can be followed here
   */
  originSeq?: number;
}

export function operatorText(r: Pick<AuditRecord, 'operator'>): string {
  return `${r.operator.user}@${r.operator.host}`;
}

export async function appendToChain(pool: pg.Pool, item: PendingRecord): Promise<AuditRecord> {
  const env = item.entry.environment;
  return inTransaction(pool, async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('opsdeck.journal:' || $1))`, [env]);
    // one round trip under the lock for both questions: sent already? and the chain's head
    const r = await c.query<{ known: string | null; seq: string | null; hash: string | null }>(
      `SELECT k.line AS known, h.seq, h.hash FROM (SELECT 1) one
       LEFT JOIN (SELECT line FROM opsdeck.journal WHERE id = $1) k ON true
       LEFT JOIN (SELECT seq, hash FROM opsdeck.journal WHERE env = $2 ORDER BY seq DESC LIMIT 1) h ON true`,
      [item.id, env],
    );
    const row = r.rows[0];
    if (row?.known) return JSON.parse(row.known) as AuditRecord;
    const seq = row?.seq ? Number(row.seq) + 1 : 1;
    const line = recordLine(item.entry, { seq, time: item.entry.time, prevHash: row?.hash ?? GENESIS_HASH });
    const record = JSON.parse(line) as AuditRecord;
    await c.query(
      `INSERT INTO opsdeck.journal (id, env, seq, ts, operator, kind, action, target, record, line, prev_hash, hash, origin_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13)`,
      [item.id, env, seq, record.time, operatorText(record), record.phase, record.action, record.target, line, line, record.prevHash, record.hash, item.originSeq ?? null],
    );
    return record;
  });
}

/** The WHERE clause of a filter, with its parameters: the rules of audit/filter.ts. */
function whereOf(f: AuditFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const parts: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.environment !== undefined) parts.push(`env = ${p(f.environment)}`);
  if (f.operator !== undefined) {
    const o = p(f.operator);
    parts.push(`(operator = ${o} OR split_part(operator, '@', 1) = ${o})`);
  }
  if (f.target !== undefined) {
    const t = p(f.target);
    parts.push(`(target = ${t} OR right(target, length(${t}) + 1) = '/' || ${t})`);
  }
  if (f.since) parts.push(`ts >= ${p(f.since.toISOString())}`);
  if (f.until) parts.push(`ts < ${p(f.until.toISOString())}`);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** The records a filter selects, oldest first; `limit`: only the newest N. */
export async function readChain(pool: pg.Pool, f: AuditFilter = {}, limit?: number): Promise<AuditRecord[]> {
  const { sql, params } = whereOf(f);
  const newest = limit !== undefined ? `ORDER BY ts DESC, env, seq DESC LIMIT ${Math.max(0, Math.floor(limit))}` : 'ORDER BY ts, env, seq';
  const r = await pool.query<{ line: string }>(`SELECT line FROM (SELECT line, ts, env, seq FROM opsdeck.journal ${sql} ${newest}) x ORDER BY ts, env, seq`, params);
  return r.rows.map((row) => JSON.parse(row.line) as AuditRecord);
}

export async function chainEnvironments(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query<{ env: string }>('SELECT DISTINCT env FROM opsdeck.journal ORDER BY env');
  return r.rows.map((row) => row.env);
}

/**
 * One environment's chain checked with the local verifier, plus what only the
 * table can get wrong: a row whose columns disagree with its line (seq, hash
 * or prev_hash edited by someone who could lift the trigger).
 */
export async function verifyChain(pool: pg.Pool, env: string): Promise<VerifyResult> {
  const r = await pool.query<{ seq: string; line: string; prev_hash: string; hash: string }>('SELECT seq, line, prev_hash, hash FROM opsdeck.journal WHERE env = $1 ORDER BY seq', [env]);
  const lines = r.rows.map((row) => row.line);
  const result = verifyText(lines.length ? lines.join('\n') + '\n' : '');
  if (!result.ok) return result;
  for (const [i, row] of r.rows.entries()) {
    const rec = JSON.parse(row.line) as AuditRecord;
    if (Number(row.seq) !== rec.seq || row.hash !== rec.hash || row.prev_hash !== rec.prevHash) {
      return { ok: false, count: lines.length, firstBroken: i + 1, reason: `record ${i + 1} (seq ${row.seq}): its columns do not match its line (seq, hash or prev_hash was rewritten)` };
    }
  }
  return result;
}
