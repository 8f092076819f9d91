/**
 * Incidents in the state directory:
 *
 *   <stateDir>/incidents/<id>/timeline.jsonl   the record (see timeline.ts)
 *   <stateDir>/incidents/<id>/review.md        written when the incident ends
 *   <stateDir>/incidents/current               the open incident's id
 *
 * One incident is open per state directory: `current` is created exclusively
 * (link of a written temp file), so of two terminals starting one at the same
 * moment exactly one wins, and the other is told which incident is open. The
 * timeline exists before the pointer does and the pointer goes last on end,
 * so a crash at any step leaves something `start` or `end` can finish.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { currentOperator } from '../audit/record.js';
import { compareAndSwap, createExclusive, readIfExists } from '../state/exclusiveFile.js';
import { ensureStateDir, stateDir } from '../state/paths.js';
import { oneLine } from '../text/sanitize.js';
import { dueMarks } from './escalation.js';
import { clockUtc } from './format.js';
import { buildReview } from './review.js';
import { appendEntry, readTimeline } from './timeline.js';
import { readJournalActions, withJournalActions } from './journalActions.js';
import type { IncidentInfo, IncidentRecord, StartEntry } from './types.js';
import { fsyncDir } from '../state/fsyncDir.js';

type Env = Record<string, string | undefined>;

interface IncidentOptions {
  env?: Env;
  /** epoch ms; tests pass a fixed clock */
  now?: () => number;
  /** "user@host"; default: the logged-in user on this host */
  by?: string;
}

type IncidentErrorCode = 'open' | 'none' | 'title';

/** A refusal meant for the operator: `message` is the one line to print. */
export class IncidentError extends Error {
  override readonly name = 'IncidentError';
  constructor(readonly code: IncidentErrorCode, message: string) {
    super(message);
  }
}

const TITLE_MAX = 200;
const ID = /^[0-9]{8}-[0-9]{6}-[a-z0-9-]{1,40}$/;

function incidentsDir(env: Env = process.env): string {
  return join(stateDir(env), 'incidents');
}

export function currentPointerPath(env: Env = process.env): string {
  return join(incidentsDir(env), 'current');
}

export function operatorLabel(): string {
  const op = currentOperator();
  return `${op.user}@${op.host}`;
}

export function paths(id: string, env: Env): Pick<IncidentInfo, 'dir' | 'timelinePath' | 'reviewPath'> {
  const dir = join(incidentsDir(env), id);
  return { dir, timelinePath: join(dir, 'timeline.jsonl'), reviewPath: join(dir, 'review.md') };
}

/**
 * Everything the incident's timeline holds, and the actions the audit journal
 * holds for its environment while it was open, whichever process ran them;
 * undefined when there is no such incident (or its start entry is gone).
 */
export function readIncident(id: string, opts: IncidentOptions = {}): IncidentRecord | undefined {
  if (!ID.test(id)) return undefined;
  const env = opts.env ?? process.env;
  const p = paths(id, env);
  const { entries: recorded, problems } = readTimeline(p.timelinePath);
  const start = recorded.find((e): e is StartEntry => e.kind === 'start');
  if (!start) return undefined;
  const end = recorded.find((e) => e.kind === 'end');
  const startedAt = Date.parse(start.time);
  const endedAt = end ? Date.parse(end.time) : undefined;
  const journal = readJournalActions({ startedAt, ...(endedAt !== undefined ? { endedAt } : {}), ...(start.environment ? { environment: start.environment } : {}) }, env);
  return {
    id,
    title: start.title,
    startedAt,
    ...(start.environment ? { environment: start.environment } : {}),
    ...p,
    entries: withJournalActions(recorded, journal.entries),
    problems,
    ...(journal.problem ? { journalProblem: journal.problem } : {}),
    ...(endedAt !== undefined ? { endedAt } : {}),
  };
}

/** The open incident, or undefined. */
export function currentIncident(opts: IncidentOptions = {}): IncidentRecord | undefined {
  const pointer = readIfExists(currentPointerPath(opts.env ?? process.env));
  if (pointer === null) return undefined;
  const rec = readIncident(pointer.trim(), opts);
  return rec && rec.endedAt === undefined ? rec : undefined;
}

export function startIncident(title: string, opts: IncidentOptions & { environment?: string } = {}): IncidentInfo {
  const env = opts.env ?? process.env;
  const clean = oneLine(title, TITLE_MAX);
  if (!clean) throw new IncidentError('title', 'an incident needs a title saying what is wrong, e.g. opsdeck incident start "api returns 502"');
  ensureStateDir(env);
  const root = incidentsDir(env);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const pointerPath = currentPointerPath(env);
  settleStalePointer(pointerPath, opts);

  const startedAt = (opts.now ?? Date.now)();
  const id = makeDir(root, idBase(startedAt, clean));
  const p = paths(id, env);
  const start: StartEntry = { kind: 'start', time: new Date(startedAt).toISOString(), id, title: clean, by: opts.by ?? operatorLabel() };
  if (opts.environment) start.environment = oneLine(opts.environment, 64);
  appendEntry(p.timelinePath, start);
  fsyncDir(p.dir);
  fsyncDir(root);
  if (!createExclusive(pointerPath, `${id}\n`)) {
    rmSync(p.dir, { recursive: true, force: true });
    throw openError(pointerPath, opts);
  }
  fsyncDir(root);
  return { id, title: clean, startedAt, ...(start.environment ? { environment: start.environment } : {}), ...p };
}

interface EndedIncident {
  incident: IncidentRecord;
  reviewPath: string;
  /** the review, markdown */
  review: string;
}

/**
 * Records the escalation marks that passed and the end, writes the review and
 * closes the incident. Run again after a crash half-way, it finishes the job.
 */
export function endIncident(opts: IncidentOptions = {}): EndedIncident {
  const env = opts.env ?? process.env;
  const pointerPath = currentPointerPath(env);
  const pointer = readIfExists(pointerPath);
  if (pointer === null) throw new IncidentError('none', 'no incident is open; start one with: opsdeck incident start "what is wrong"');
  let rec = readIncident(pointer.trim(), opts);
  if (!rec) {
    compareAndSwap(pointerPath, pointer, null);
    throw new IncidentError('none', `the open incident "${oneLine(pointer, 60)}" has no readable timeline in ${incidentsDir(env)}; it was closed, nothing to review`);
  }
  if (rec.endedAt === undefined) {
    const endedAt = (opts.now ?? Date.now)();
    for (const mark of dueMarks(rec.startedAt, endedAt, rec.entries)) appendEntry(rec.timelinePath, mark);
    appendEntry(rec.timelinePath, { kind: 'end', time: new Date(endedAt).toISOString(), by: opts.by ?? operatorLabel() });
    rec = readIncident(rec.id, opts)!;
  }
  const review = buildReview(rec);
  writeDurably(rec.reviewPath, review);
  compareAndSwap(pointerPath, pointer, null);
  return { incident: rec, reviewPath: rec.reviewPath, review };
}

/**
 * A pointer left behind by an `end` that crashed before removing it is
 * finished here; a pointer to an incident that no longer exists is dropped;
 * an open incident is a refusal that names it.
 */
function settleStalePointer(pointerPath: string, opts: IncidentOptions): void {
  const pointer = readIfExists(pointerPath);
  if (pointer === null) return;
  const rec = readIncident(pointer.trim(), opts);
  if (rec && rec.endedAt === undefined) throw openError(pointerPath, opts);
  if (rec) writeDurably(rec.reviewPath, buildReview(rec));
  compareAndSwap(pointerPath, pointer, null);
}

function openError(pointerPath: string, opts: IncidentOptions): IncidentError {
  const id = (readIfExists(pointerPath) ?? '').trim();
  const rec = readIncident(id, opts);
  const what = rec ? `"${oneLine(rec.title, 80)}" (${id}, open since ${clockUtc(rec.startedAt)} UTC)` : id;
  return new IncidentError('open', `incident ${what} is still open; end it first with: opsdeck incident end`);
}

export function idBase(ms: number, title: string): string {
  const iso = new Date(ms).toISOString();
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32).replace(/-+$/, '');
  return `${stamp}-${slug || 'incident'}`;
}

/** Creates the incident's directory under a name nobody has used: base, base-2, base-3, … */
function makeDir(root: string, base: string): string {
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    try {
      mkdirSync(join(root, id), { mode: 0o700 });
      return id;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw err;
    }
  }
}

/** Temp file, fsync, rename: a reader sees the old review or the new one, never half of one. */
export function writeDurably(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    const bytes = Buffer.from(text, 'utf8');
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
