/**
 * The record of one runbook run, rewritten (atomically) after every step, so
 * that a run stopped by ctrl+c, a crash or a failed step says exactly which
 * steps are done, and `runbook resume` continues from the first one that is
 * not. Kept in the state directory beside the journal:
 *
 *   <stateDir>/runbooks/<run id>.json
 *
 * The journal holds the guarded actions themselves (each a step of the run);
 * this record holds the run's progress and what later steps read back (the
 * counts a stop recorded, the operator's answers).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../state/paths.js';
import type { PlanChange } from '../actions/types.js';

type Env = NodeJS.ProcessEnv;

/** `started`: a background step whose call was accepted and whose verification is still awaited */
export type StepOutcome = 'started' | 'done' | 'skipped' | 'failed' | 'refused' | 'aborted';

export interface StepRecord {
  /** the step's id, with its item for a forEach step: "scale-writers:api" */
  key: string;
  step: string;
  item?: string;
  outcome: StepOutcome;
  message: string;
  changes?: PlanChange[];
  answer?: string;
  at: string;
}

export interface RunRecord {
  id: string;
  runbook: string;
  environment: string;
  by: string;
  pid: number;
  startedAt: string;
  endedAt?: string;
  /** running: under way (or its process died: see pid); stopped: a step failed or the operator interrupted */
  status: 'running' | 'done' | 'stopped';
  steps: StepRecord[];
}

export function runsDir(env: Env = process.env): string {
  return join(stateDir(env), 'runbooks');
}

export function stepKey(step: string, item?: string): string {
  return item === undefined ? step : `${step}:${item}`;
}

/** "<runbook>-<UTC yyyymmddThhmmss>", unique enough for one operator and readable in a listing. */
export function newRunId(runbook: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${runbook}-${stamp}`;
}

export function saveRun(run: RunRecord, env: Env = process.env): void {
  const dir = runsDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${run.id}.json`);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(run, null, 2) + '\n', { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function readRuns(env: Env = process.env): RunRecord[] {
  let names: string[];
  try {
    names = readdirSync(runsDir(env));
  } catch {
    return [];
  }
  const out: RunRecord[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      out.push(JSON.parse(readFileSync(join(runsDir(env), name), 'utf8')) as RunRecord);
    } catch {
      // a torn write never happens (rename), but a hand-edited file must not stop every other run from showing
    }
  }
  return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** The newest run of the environment that did not finish: the one `runbook resume` continues. */
export function unfinishedRun(environment: string, env: Env = process.env): RunRecord | undefined {
  return readRuns(env)
    .filter((r) => r.environment === environment && r.status !== 'done')
    .at(-1);
}

export function lastFinishedRun(environment: string, runbook: string, env: Env = process.env): RunRecord | undefined {
  return readRuns(env)
    .filter((r) => r.environment === environment && r.runbook === runbook && r.status === 'done')
    .at(-1);
}

/** Whether the process that wrote a "running" record is still alive on this host. */
export function holderAlive(run: RunRecord): boolean {
  try {
    process.kill(run.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
