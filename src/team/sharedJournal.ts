/**
 * The journal an action writes to in team mode, behind the executor's journal
 * port (`append`): every record goes to this machine's journal as before (the
 * local readers — unreconciled intents, last known good, the incident's
 * actions — keep working, and `append` answers with the local record), and to
 * the team store's chain for its environment.
 *
 * When the store does not answer, the record waits in the spool (spool.ts) and
 * later records of this process queue behind it, so the store receives them in
 * the order they were made; an uploader sends the spool when the store answers
 * again, retrying with backoff. `status` says which it is, for the header.
 */
import { randomUUID } from 'node:crypto';
import { AuditJournal } from '../audit/journal.js';
import type { AuditEntry, AuditRecord } from '../audit/record.js';
import { Observable } from '../engine/observable.js';
import { appendToChain, type PendingRecord } from './chain.js';
import { migrate, SchemaTooNewError } from './migrations.js';
import { TeamSpool } from './spool.js';
import { openTeamStore, type TeamStore, type TeamStoreOptions } from './store.js';

export interface TeamStatus {
  /** host:port of the store */
  where: string;
  reachable: boolean;
  /** records in the spool, waiting for the store */
  unsent: number;
  /** why the store did not take the last record, while unreachable */
  problem?: string;
}

/** "team store unreachable: recording locally (3 unsent)"; undefined while all is well. */
export function teamStatusLine(s: TeamStatus | undefined): string | undefined {
  if (!s) return undefined;
  if (!s.reachable) return `team store unreachable: recording locally (${s.unsent} unsent)`;
  return s.unsent > 0 ? `team store: sending ${s.unsent} recorded locally` : undefined;
}

const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 15_000;
const REMOVE_EVERY = 100;

export class SharedJournal {
  readonly status: Observable<TeamStatus>;
  private queue: Promise<unknown> = Promise.resolve();
  private flushing: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = RETRY_FIRST_MS;
  private migrated = false;
  private closed = false;

  constructor(
    readonly local: AuditJournal,
    readonly store: TeamStore,
    private readonly spool: TeamSpool,
  ) {
    const unsent = spool.pending().length;
    this.status = new Observable<TeamStatus>({ where: store.where, reachable: true, unsent });
    // what a crashed or offline run left behind goes first
    if (unsent > 0) void this.flush();
  }

  append(entry: AuditEntry): Promise<AuditRecord> {
    const run = this.queue.then(() => this.appendNow(entry));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Sends the spool to the store; resolves when it is empty or the store failed again (a retry is then scheduled). */
  flush(): Promise<void> {
    this.flushing ??= this.sendSpool().finally(() => {
      this.flushing = null;
      // a record spooled while the last pass finished is not left waiting for the next one
      if (!this.closed && this.status.get().reachable && this.spool.hasPending()) void this.flush();
    });
    return this.flushing;
  }

  /** Waits for this process's appends and a pass of the uploader under way; stops retrying; closes the pool. */
  async close(): Promise<void> {
    await this.queue;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flushing?.catch(() => {});
    await this.store.close();
  }

  private async appendNow(entry: AuditEntry): Promise<AuditRecord> {
    const made = { ...entry, time: entry.time ?? new Date().toISOString() };
    const local = await this.local.append(made);
    const item: PendingRecord = { id: randomUUID(), entry: made, originSeq: local.seq };
    if (this.status.get().reachable && !this.flushing && !this.spool.hasPending()) {
      try {
        await this.send(item);
        return local;
      } catch (err) {
        this.unreachable(err);
      }
    }
    await this.spool.add(item);
    this.setUnsent();
    if (this.status.get().reachable) void this.flush();
    else this.retryLater();
    return local;
  }

  private async send(item: PendingRecord): Promise<void> {
    if (!this.migrated) {
      await migrate(this.store.pool);
      this.migrated = true;
    }
    await appendToChain(this.store.pool, item);
  }

  private async sendSpool(): Promise<void> {
    for (;;) {
      const pending = this.spool.pending();
      if (pending.length === 0) {
        this.retryMs = RETRY_FIRST_MS;
        this.status.update((s) => ({ where: s.where, reachable: true, unsent: 0 }));
        return;
      }
      const sent = new Set<string>();
      try {
        for (const item of pending) {
          await this.send(item);
          sent.add(item.id);
          if (sent.size >= REMOVE_EVERY) {
            await this.spool.remove(sent);
            sent.clear();
            this.setUnsent();
          }
        }
      } catch (err) {
        await this.spool.remove(sent);
        this.unreachable(err);
        this.retryLater();
        return;
      }
      await this.spool.remove(sent);
      this.setUnsent();
    }
  }

  private unreachable(err: unknown): void {
    const problem = err instanceof SchemaTooNewError ? err.message : this.store.describe(err);
    this.status.update((s) => ({ ...s, reachable: false, problem }));
  }

  private setUnsent(): void {
    const unsent = this.spool.pending().length;
    this.status.update((s) => (s.unsent === unsent ? s : { ...s, unsent }));
  }

  private retryLater(): void {
    if (this.timer || this.closed) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, wait);
    // a CLI command that is done does not stay for the store; the next run sends the spool
    this.timer.unref();
  }
}

export interface TeamJournalChoice {
  journal: AuditJournal | SharedJournal;
  /** set in team mode */
  shared?: SharedJournal;
  /** a line for the operator (the store is ahead of this program, or does not answer) */
  warning?: string;
}

/**
 * The journal of an environment: the shared one when it names a team store
 * whose schema this program can use, else the local one. A store that does
 * not answer at start is still the team's journal: records wait in the spool.
 */
export async function openJournal(teamStore: string | undefined, env: NodeJS.ProcessEnv, opts: TeamStoreOptions = {}): Promise<TeamJournalChoice> {
  const local = AuditJournal.open(env);
  if (!teamStore) return { journal: local };
  const store = openTeamStore(teamStore, opts);
  const spool = TeamSpool.open(storeKey(teamStore), env);
  let warning: string | undefined;
  let reachable = true;
  let problem = '';
  try {
    await migrate(store.pool);
  } catch (err) {
    if (err instanceof SchemaTooNewError) {
      await store.close();
      return { journal: local, warning: `${err.message}; journaling locally only` };
    }
    reachable = false;
    problem = store.describe(err);
    warning = `team store ${store.where} does not answer (${problem}): recording locally until it does`;
  }
  const shared = new SharedJournal(local, store, spool);
  if (!reachable) shared.status.update((s) => ({ ...s, reachable: false, problem }));
  return { journal: shared, shared, ...(warning ? { warning } : {}) };
}

/** Which store a spooled record belongs to: host, port and database, never the credentials. */
export function storeKey(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'unparsable';
  }
}
