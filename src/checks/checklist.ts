/**
 * `opsdeck check` end to end: pick the window (--since, else since the last
 * checklist run), run every check, remember the run. Kept out of the CLI so
 * the command stays a few lines and the memory is tested without a process.
 *
 * Only a run over the default window that judged everything moves the
 * window: a `--since` look or a run whose sources did not answer would make
 * the next morning's checklist skip a night nobody saw.
 */
import type { EnvironmentConfig } from '../config/schema.js';
import type { Sources } from '../sources/ports.js';
import { errorMessage } from '../text/sanitize.js';
import { checkSettings, type AreaConfig } from './evaluate.js';
import { checklistWindow, lastRunPath, readLastRun, recordRun } from './lastRun.js';
import { utc } from './types.js';
import { runChecks, type CheckReport } from './run.js';
import { readJournalTail, unreconciledIntents, type UnreconciledIntent } from '../audit/unreconciled.js';
import { auditPath } from '../state/paths.js';
import type { DrillSummary } from '../drills/history.js';

interface ChecklistOptions {
  sources: Sources;
  environment: string;
  config: Pick<EnvironmentConfig, 'thresholds' | 'postgres'> & AreaConfig;
  now: number;
  /** --since, when given */
  sinceMs?: number;
  timeoutMs?: number;
  /** false for the sandbox: a simulation's runs are not "the last checklist" */
  remember: boolean;
  processEnv?: Record<string, string | undefined>;
  /** one line for stderr (without the "opsdeck: " prefix) */
  warn(line: string): void;
  /** the environment's drill history (see drills/historySource.ts); absent: the drill checks say nothing */
  drills?: readonly DrillSummary[];
}

export async function runChecklist(opts: ChecklistOptions): Promise<CheckReport> {
  const window = checklistWindow({ environment: opts.environment, now: opts.now, remember: opts.remember, ...(opts.sinceMs !== undefined ? { sinceMs: opts.sinceMs } : {}), ...(opts.processEnv ? { env: opts.processEnv } : {}) });
  if (window.problem) opts.warn(window.problem);
  const report = await runChecks({
    sources: opts.sources,
    env: opts.environment,
    ...checkSettings(opts.config),
    now: opts.now,
    since: window.since,
    windowBasis: window.basis,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    unreconciled: journalFacts(opts),
    ...(opts.drills ? { drills: opts.drills } : {}),
  });
  if (!opts.remember) return report;
  const held = windowHeld(report);
  if (held) return { ...report, window: { ...report.window, moved: false }, notes: [...report.notes, `${held}: the next checklist still ${nextStart(opts)}`] };
  try {
    recordRun(opts.environment, opts.now, opts.processEnv);
  } catch (err) {
    opts.warn(`could not remember this checklist run in ${lastRunPath(opts.processEnv)}: ${errorMessage(err)}`);
    return { ...report, window: { ...report.window, moved: false } };
  }
  return { ...report, window: { ...report.window, moved: true } };
}

/** Why this run must not become the start of the next checklist's window, if it must not. */
function windowHeld(report: CheckReport): string | undefined {
  if (report.window.basis === 'flag') return 'this run used --since and does not move the checklist window';
  const unknown = report.summary.unknown;
  if (unknown > 0) return `this run did not judge everything (${unknown} unknown) and does not move the checklist window`;
  if (report.window.partial) return 'this run read only part of the window\'s logs and does not move the checklist window';
  return undefined;
}

function nextStart(opts: Pick<ChecklistOptions, 'environment' | 'processEnv'>): string {
  const last = readLastRun(opts.environment, opts.processEnv);
  return last.at !== undefined ? `counts from ${utc(last.at)}` : 'looks back 24 h';
}

/** A journal that cannot be read costs this finding only, said on stderr, not the whole checklist. */
function journalFacts(opts: Pick<ChecklistOptions, 'environment' | 'processEnv' | 'warn'>): UnreconciledIntent[] {
  const path = auditPath(opts.processEnv);
  try {
    return unreconciledIntents(readJournalTail(path), opts.environment);
  } catch (err) {
    opts.warn(`could not read the audit journal ${path} for actions without an outcome: ${errorMessage(err)}`);
    return [];
  }
}
