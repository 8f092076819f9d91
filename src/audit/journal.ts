/**
 * The append-only audit journal: one JSON record per line, hash-chained (see
 * chain.ts). An action awaits `append` before it calls AWS, so a record that
 * `append` has returned is on disk (fsynced) whatever happens next.
 */
import { redact } from '../text/redact.js';
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { readIfExists, withExclusive } from '../state/exclusiveFile.js';
import { auditPath, ensureStateDir } from '../state/paths.js';
import { parseRecord, recordHead, serializeRecord, verifyText, type VerifyResult } from './chain.js';
import { GENESIS_HASH, type AuditEntry, type AuditRecord } from './record.js';
import { fsyncDir } from '../state/fsyncDir.js';

interface JournalOptions {
  /** how long `append` waits for another process's append before giving up */
  lockTimeoutMs?: number;
  now?: () => Date;
}

interface Tail {
  dev: number;
  ino: number;
  size: number;
  hash: string;
  seq: number;
}

const TAIL_CHUNK = 16 * 1024;

export class AuditJournal {
  /** where the previous append left the file; valid while the file has the same identity and size */
  private tail: Tail | null = null;
  /** appends from this process queue here instead of spinning on the lock file */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lockTimeoutMs: number;
  private readonly now: () => Date;

  constructor(readonly path: string, opts: JournalOptions = {}) {
    this.lockTimeoutMs = opts.lockTimeoutMs ?? 10_000;
    this.now = opts.now ?? (() => new Date());
  }

  /** The journal in the state directory ($OPSDECK_STATE_DIR, XDG, ~/.local/state/opsdeck). */
  static open(env: Record<string, string | undefined> = process.env, opts?: JournalOptions): AuditJournal {
    ensureStateDir(env);
    return new AuditJournal(auditPath(env), opts);
  }

  append(entry: AuditEntry): Promise<AuditRecord> {
    const run = this.queue.then(() => this.appendLocked(entry));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Every record that parses, in file order; `verify` is what judges the chain. */
  read(): AuditRecord[] {
    const text = readIfExists(this.path) ?? '';
    return text.split('\n').flatMap((line) => {
      const r = line ? parseRecord(line) : null;
      return r ? [r] : [];
    });
  }

  verify(): VerifyResult {
    return verifyText(readIfExists(this.path) ?? '');
  }

  private async appendLocked(entry: AuditEntry): Promise<AuditRecord> {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    return withExclusive(`${this.path}.lock`, this.lockTimeoutMs, `audit journal ${this.path}`, () => this.write(entry));
  }

  /** Runs with the append lock held: nobody else moves the end of the file meanwhile. */
  private write(entry: AuditEntry): AuditRecord {
    const created = !existsSync(this.path);
    const fd = openSync(this.path, 'a+', 0o600);
    try {
      const st = fstatSync(fd);
      const cached = this.tail;
      const tail = cached && cached.dev === st.dev && cached.ino === st.ino && cached.size === st.size ? { ...cached, torn: false } : readTail(fd, st.size);
      const line = recordLine(entry, { seq: tail.seq + 1, time: entry.time ?? this.now().toISOString(), prevHash: tail.hash });
      // A torn last line (a crash mid-write) is left for `verify` to report; the new record starts on its own line.
      const bytes = Buffer.from(`${tail.torn ? '\n' : ''}${line}\n`, 'utf8');
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
      fsyncSync(fd);
      // Parsed back from the line, so the caller holds exactly what `read` will return.
      const record = JSON.parse(line) as AuditRecord;
      this.tail = { dev: st.dev, ino: st.ino, size: st.size + bytes.length, hash: record.hash, seq: record.seq };
      if (created) fsyncDir(dirname(this.path));
      return record;
    } finally {
      closeSync(fd);
    }
  }
}

/** The last intact record, from the end of the file, reading more only when a line is longer than a chunk. */
function readTail(fd: number, size: number): { hash: string; seq: number; torn: boolean } {
  let torn = false;
  for (let chunk = TAIL_CHUNK; ; chunk *= 4) {
    const start = Math.max(0, size - chunk);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    const lines = text.split('\n');
    // The piece after the last newline is '' or a torn write; the first piece may start mid-line.
    if (lines.pop() !== '') torn = true;
    const whole = start === 0 ? lines : lines.slice(1);
    for (let i = whole.length - 1; i >= 0; i--) {
      const head = recordHead(whole[i]!);
      if (head) return { ...head, torn };
    }
    if (start === 0) return { hash: GENESIS_HASH, seq: 0, torn };
  }
}

/**
 * The chained line of `entry` at a place in a chain: one line of detail, every
 * text field redacted. The team store's chain (team/chain.ts) builds its lines
 * here too, so a record reads and hashes the same in both.
 */
export function recordLine(entry: AuditEntry, at: { seq: number; time: string; prevHash: string }): string {
  return serializeRecord({ ...redactFields(entry), detail: redact(entry.detail.replace(/\s*[\r\n]+\s*/g, ' ')), ...at });
}

/** A secret in an error that became a record's detail must not stay in a file kept for years. */
function redactFields<T extends object>(entry: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) out[k] = typeof v === 'string' ? redact(v) : v;
  return out as T;
}
