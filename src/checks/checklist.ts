/**
 * `opsdeck check` end to end: pick the window (--since, else since the last
 * checklist run), run every check, remember the run. Kept out of the CLI so
 * the command stays a few lines and the memory is tested without a process.
 */
import type { EnvironmentConfig } from '../config/schema.js';
import type { Sources } from '../sources/ports.js';
import { errorMessage } from '../text/sanitize.js';
import { checkSettings } from './evaluate.js';
import { checklistWindow, lastRunPath, recordRun } from './lastRun.js';
import { runChecks, type CheckReport } from './run.js';

export interface ChecklistOptions {
  sources: Sources;
  environment: string;
  config: Pick<EnvironmentConfig, 'thresholds' | 'postgres'>;
  now: number;
  /** --since, when given */
  sinceMs?: number;
  timeoutMs?: number;
  /** false for the sandbox: a simulation's runs are not "the last checklist" */
  remember: boolean;
  processEnv?: Record<string, string | undefined>;
  /** one line for stderr (without the "opsdeck: " prefix) */
  warn(line: string): void;
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
  });
  if (opts.remember) {
    try {
      recordRun(opts.environment, opts.now, opts.processEnv);
    } catch (err) {
      opts.warn(`could not remember this checklist run in ${lastRunPath(opts.processEnv)}: ${errorMessage(err)}`);
    }
  }
  return report;
}
