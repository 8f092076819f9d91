/**
 * Records the team store did not take, waiting for it: one JSON line each,
 * `{ store, id, entry }`, appended and fsynced under a lock file in the state
 * directory, so that a record an action journaled while the store was down
 * survives a crash of this process and is sent by the next one.
 *
 * Order: a process appends its records in its own order and the uploader sends
 * the file front to back. Sent records are removed by id, never by count, so
 * two uploaders (two processes) at once cannot drop each other's records; both
 * sending one record is harmless, since the store keeps one row per id.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { readIfExists, withExclusive } from '../state/exclusiveFile.js';
import { fsyncDir } from '../state/fsyncDir.js';
import { ensureStateDir, stateDir } from '../state/paths.js';
import type { PendingRecord } from './chain.js';

interface SpoolLine extends PendingRecord {
  /** which team store the record is for (host:port/database, never the password) */
  store: string;
}

const LOCK_TIMEOUT_MS = 10_000;

export function spoolPath(env: Record<string, string | undefined> = process.env): string {
  return join(stateDir(env), 'team-spool.jsonl');
}

export class TeamSpool {
  constructor(
    readonly path: string,
    /** the store this process's records are for */
    private readonly store: string,
  ) {}

  static open(store: string, env: Record<string, string | undefined> = process.env): TeamSpool {
    ensureStateDir(env);
    return new TeamSpool(spoolPath(env), store);
  }

  private locked<T>(fn: () => T): Promise<T> {
    return withExclusive(`${this.path}.lock`, LOCK_TIMEOUT_MS, `team spool ${this.path}`, fn);
  }

  /** Adds a record at the end; on disk (fsynced) when this returns. */
  add(item: PendingRecord): Promise<void> {
    const line: SpoolLine = { store: this.store, ...item };
    return this.locked(() => {
      const fd = openSync(this.path, 'a', 0o600);
      try {
        const bytes = Buffer.from(JSON.stringify(line) + '\n', 'utf8');
        for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    });
  }

  /** This store's records not sent yet, in the order they were added. A torn last line (a crash mid-write) is skipped. */
  pending(): PendingRecord[] {
    return this.lines().flatMap(({ store, ...item }) => (store === this.store ? [item] : []));
  }

  /** Whether the file holds anything: a quick look before every append. */
  hasPending(): boolean {
    return this.pending().length > 0;
  }

  /** Removes the records with these ids (sent); the others, this store's later ones and other stores', stay in order. */
  remove(ids: ReadonlySet<string>): Promise<void> {
    if (ids.size === 0) return Promise.resolve();
    return this.locked(() => {
      const text = readIfExists(this.path) ?? '';
      const keep = text.split('\n').filter((raw) => {
        if (!raw) return false;
        const l = parseLine(raw);
        return !(l && l.store === this.store && ids.has(l.id));
      });
      const tmp = `${this.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        const bytes = Buffer.from(keep.map((k) => k + '\n').join(''), 'utf8');
        for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
      fsyncDir(dirname(this.path));
    });
  }

  private lines(): SpoolLine[] {
    const text = readIfExists(this.path) ?? '';
    return text.split('\n').flatMap((raw) => {
      const l = raw ? parseLine(raw) : null;
      return l ? [l] : [];
    });
  }
}

function parseLine(raw: string): SpoolLine | null {
  try {
    const l = JSON.parse(raw) as Partial<SpoolLine> | null;
    return l && typeof l.id === 'string' && typeof l.store === 'string' && l.entry && typeof l.entry === 'object' ? (l as SpoolLine) : null;
  } catch {
    return null;
  }
}
