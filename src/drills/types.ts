/**
 * The backup drill's vocabulary: its steps, what each reports while it runs,
 * the checks verification makes, and the report a drill leaves behind. The
 * report is also the JSON a script reads (`opsdeck drill backup --json`), so
 * its field names are a contract.
 */
import type { EnvironmentConfig } from '../config/schema.js';

export type DrillConfig = NonNullable<EnvironmentConfig['rds'][number]['drill']>;

/** In order; a drill that fails part-way jumps to cleanup, then report. */
export const DRILL_STEPS = ['snapshot', 'restore', 'available', 'connect', 'verify', 'cleanup', 'report'] as const;
export type DrillStepId = (typeof DRILL_STEPS)[number];

export type StepStatus = 'ok' | 'failed' | 'skipped' | 'interrupted';

export interface DrillProgress {
  step: DrillStepId;
  /** running: the step began; progress: a line while it runs; then how it ended */
  status: 'running' | 'progress' | StepStatus;
  /** one line */
  message: string;
  /** since the step began, ms */
  elapsedMs: number;
}

export interface StepRecord {
  step: DrillStepId;
  status: StepStatus;
  message: string;
  /** ISO 8601 */
  startedAt: string;
  durationMs: number;
}

export interface DrillCheck {
  kind: 'table' | 'assertion';
  /** the table, or the assertion's SQL */
  name: string;
  passed: boolean;
  /** e.g. "2412 rows (production) ± 2 %", "true" */
  expected: string;
  /** e.g. "2400 rows (−0.5 %)", "false", "error: relation \"users\" does not exist" */
  actual: string;
}

/**
 * passed: every check passed; failed: verification ran and a check failed;
 * incomplete: the drill could not get as far as a verdict (no snapshot, the
 * restore failed, no connection); interrupted: the operator stopped it.
 */
export type DrillOutcome = 'passed' | 'failed' | 'incomplete' | 'interrupted';

export const DRILL_EXIT: Record<DrillOutcome, number> = { passed: 0, failed: 1, incomplete: 2, interrupted: 2 };

export interface DrillCleanup {
  /** deleted: gone, verified; deleting: deletion requested, not waited for; kept: --keep; left: still there (see message); none: nothing was created */
  status: 'deleted' | 'deleting' | 'kept' | 'left' | 'none';
  message: string;
}

export interface DrillReport {
  kind: 'opsdeck-backup-drill';
  version: 1;
  runId: string;
  environment: string;
  operator: string;
  instance: string;
  drillInstance: string;
  snapshot: { id: string; type: string; createdAt: string | null } | null;
  startedAt: string;
  finishedAt: string;
  outcome: DrillOutcome;
  /** one line: why the drill ended as it did */
  message: string;
  steps: StepRecord[];
  checks: DrillCheck[];
  /** passed checks / all checks, 0..100, one decimal; null when verification did not run */
  parity: number | null;
  /** from the restore request to verification passed; null unless every check passed */
  rtoMs: number | null;
  /** from the restore request to the end of verification, whatever its verdict */
  restoreToVerifiedMs: number | null;
  cleanup: DrillCleanup;
  /** the markdown and JSON files, once written */
  files: { markdown: string; json: string };
}

/** What each step does, as the progress line that starts it says. */
export const DRILL_STEP_TITLES: Record<DrillStepId, string> = {
  snapshot: 'pick the snapshot',
  restore: 'restore it to a new instance',
  available: 'wait for the instance to be available',
  connect: 'connect to the copy and to production',
  verify: 'verify tables, row counts and assertions',
  cleanup: 'delete the drill instance',
  report: 'write the report',
};
