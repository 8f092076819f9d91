/**
 * "Since the last checklist": when `opsdeck check` last ran, per environment,
 * in the state directory. The morning check then counts overnight errors and
 * failed tasks from where yesterday's left off; a first run looks back 24 h.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStateDir, stateDir } from '../state/paths.js';
import { errorMessage } from '../text/sanitize.js';
import type { WindowBasis } from './run.js';

type Env = Record<string, string | undefined>;

export const FIRST_RUN_WINDOW_MS = 24 * 3_600_000;

interface State {
  lastRun: Record<string, string>;
}

export function lastRunPath(env: Env = process.env): string {
  return join(stateDir(env), 'checklist.json');
}

function load(env: Env): State {
  let text: string;
  try {
    text = readFileSync(lastRunPath(env), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lastRun: {} };
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<State> | null;
  if (!parsed || typeof parsed.lastRun !== 'object' || parsed.lastRun === null) throw new Error('not a checklist state file');
  return { lastRun: { ...parsed.lastRun } };
}

/** When the checklist last ran in `environment`; a problem reading the file is told, not thrown. */
export function readLastRun(environment: string, env: Env = process.env): { at?: number; problem?: string } {
  try {
    const text = load(env).lastRun[environment];
    const at = text === undefined ? NaN : Date.parse(text);
    return Number.isFinite(at) ? { at } : {};
  } catch (err) {
    return { problem: `cannot read ${lastRunPath(env)} (${errorMessage(err)}); counting from 24 h ago` };
  }
}

/** Remembers this run; written whole and renamed into place, so a crash never leaves half a file. */
export function recordRun(environment: string, at: number, env: Env = process.env): void {
  ensureStateDir(env);
  let state: State;
  try {
    state = load(env);
  } catch {
    // unreadable: replaced by a good one
    state = { lastRun: {} };
  }
  state.lastRun[environment] = new Date(at).toISOString();
  const file = lastRunPath(env);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

interface ChecklistWindow {
  since: number;
  basis: WindowBasis;
  /** one line for stderr when the remembered time could not be used */
  problem?: string;
}

/** The window of this run: --since when given, else since the last run, else the last 24 h. */
export function checklistWindow(opts: { environment: string; now: number; sinceMs?: number; env?: Env; remember?: boolean }): ChecklistWindow {
  if (opts.sinceMs !== undefined) return { since: opts.now - opts.sinceMs, basis: 'flag' };
  const firstRun = { since: opts.now - FIRST_RUN_WINDOW_MS, basis: 'first-run' as const };
  if (opts.remember === false) return firstRun;
  const last = readLastRun(opts.environment, opts.env);
  if (last.problem) return { ...firstRun, problem: last.problem };
  if (last.at === undefined) return firstRun;
  // a clock that went backwards would make an empty or negative window
  if (last.at >= opts.now) return { ...firstRun, problem: `the last checklist run is recorded in the future (${new Date(last.at).toISOString()}); counting from 24 h ago` };
  return { since: last.at, basis: 'last-run' };
}
