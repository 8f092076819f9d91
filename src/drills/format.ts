/** The drill's lines for a terminal or a cron mail: one per step, then the verdict. */
import { oneLine } from '../text/sanitize.js';
import type { LeftoverResult } from './cleanup.js';
import { summaryLine } from './report.js';
import { stepDuration } from './setup.js';
import type { DrillProgress, DrillReport, StepStatus } from './types.js';

const MARK: Record<StepStatus, string> = { ok: 'ok', failed: 'FAILED', skipped: 'skipped', interrupted: 'STOPPED' };

/** "ok       restore      0.3 s  RestoreDBInstanceFromDBSnapshot … accepted" */
export function stepLine(p: Pick<DrillProgress, 'step' | 'message' | 'elapsedMs'> & { status: StepStatus }): string {
  return `${MARK[p.status].padEnd(8)} ${p.step.padEnd(10)} ${stepDuration(p.elapsedMs).padStart(10)}  ${oneLine(p.message)}`;
}

export function verdictLines(r: DrillReport): string[] {
  const lines = [summaryLine(r)];
  if (r.outcome !== 'passed') lines.push(`${r.outcome}: ${oneLine(r.message)}`);
  for (const c of r.checks.filter((x) => !x.passed)) lines.push(`  failed ${c.kind} ${oneLine(c.name)}: expected ${oneLine(c.expected)}, got ${oneLine(c.actual)}`);
  if (r.cleanup.status === 'left' || r.cleanup.status === 'deleting' || r.cleanup.status === 'kept') lines.push(`clean-up: ${oneLine(r.cleanup.message)}`);
  if (r.files.markdown) lines.push(`report: ${r.files.markdown}`, `        ${r.files.json}`);
  return lines;
}

const WORD: Record<LeftoverResult['status'], string> = {
  deleted: 'deleted',
  deleting: 'DELETING',
  none: 'gone',
  left: 'LEFT',
  refused: 'REFUSED',
  'other-environment': 'skipped',
  running: 'running',
  unreadable: 'UNREADABLE',
};

export function leftoverLine(r: LeftoverResult): string {
  return `${WORD[r.status].padEnd(10)} ${(r.drillInstance ?? '?').padEnd(34)} ${oneLine(r.message)}`;
}
