/**
 * The drill's report, in markdown for people (the monthly record the runbook
 * asks for) and JSON for scripts, side by side in <stateDir>/drills/. The
 * verdict is computed here, once, from what the steps found.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { currentOperator } from '../audit/record.js';
import type { EnvironmentInfo } from '../model/environment.js';
import type { DbSnapshot } from '../model/rds.js';
import { oneLine } from '../text/sanitize.js';
import { parityOf } from './checks.js';
import { drillsDir, writeAtomic } from './records.js';
import { minutes, stepDuration } from './setup.js';
import type { DrillCheck, DrillCleanup, DrillOutcome, DrillReport, StepRecord } from './types.js';

type Env = Record<string, string | undefined>;

export interface ReportInput {
  runId: string;
  env: EnvironmentInfo;
  instance: string;
  drillInstance: string;
  snapshot?: DbSnapshot;
  startedAt: number;
  finishedAt: number;
  interrupted: boolean;
  /** why the drill could not reach a verdict */
  incomplete?: string;
  steps: readonly StepRecord[];
  checks: readonly DrillCheck[];
  restoreRequestedAt?: number;
  verifiedAt?: number;
  cleanup: DrillCleanup;
  stateEnv?: Env;
}

export function reportPaths(runId: string, env?: Env): { markdown: string; json: string } {
  const dir = drillsDir(env);
  return { markdown: join(dir, `${runId}.md`), json: join(dir, `${runId}.json`) };
}

export function buildReport(input: ReportInput): DrillReport {
  const verified = input.verifiedAt !== undefined;
  const failed = input.checks.filter((c) => !c.passed);
  let outcome: DrillOutcome;
  let message: string;
  if (input.interrupted) {
    const at = input.steps.find((s) => s.status === 'interrupted')?.step ?? 'the drill';
    outcome = 'interrupted';
    message = `interrupted during ${at}; clean-up: ${input.cleanup.message}`;
  } else if (input.incomplete !== undefined || !verified || input.checks.length === 0) {
    outcome = 'incomplete';
    message = input.incomplete ?? 'verification did not run';
  } else if (failed.length === 0) {
    outcome = 'passed';
    message = `${input.checks.length}/${input.checks.length} checks passed`;
  } else {
    outcome = 'failed';
    message = `${input.checks.length - failed.length}/${input.checks.length} checks passed; failed: ${failed.map((c) => c.name).join('; ')}`;
  }
  const span = verified && input.restoreRequestedAt !== undefined ? input.verifiedAt! - input.restoreRequestedAt : null;
  const op = currentOperator();
  return {
    kind: 'opsdeck-backup-drill',
    version: 1,
    runId: input.runId,
    environment: input.env.name,
    operator: `${op.user}@${op.host}${input.env.identity.startsWith('arn:') ? ` (${input.env.identity})` : ''}`,
    instance: input.instance,
    drillInstance: input.drillInstance,
    snapshot: input.snapshot ? { id: input.snapshot.id, type: input.snapshot.type, createdAt: input.snapshot.createdAt !== undefined ? new Date(input.snapshot.createdAt).toISOString() : null } : null,
    startedAt: new Date(input.startedAt).toISOString(),
    finishedAt: new Date(input.finishedAt).toISOString(),
    outcome,
    message,
    steps: [...input.steps],
    checks: [...input.checks],
    parity: verified && !input.interrupted ? parityOf(input.checks) : null,
    rtoMs: outcome === 'passed' ? span : null,
    restoreToVerifiedMs: input.interrupted ? null : span,
    cleanup: input.cleanup,
    files: reportPaths(input.runId, input.stateEnv),
  };
}

/** "PARITY: 100%  RTO: 2.1 minutes", as the runbook's script prints it. */
export function summaryLine(r: DrillReport): string {
  const parity = r.parity === null ? '—' : `${r.parity}%`;
  let rto: string;
  if (r.rtoMs !== null) rto = minutes(r.rtoMs);
  else if (r.restoreToVerifiedMs !== null) rto = `— (verification failed ${minutes(r.restoreToVerifiedMs)} after the restore request)`;
  else rto = `— (${r.outcome})`;
  return `PARITY: ${parity}  RTO: ${rto}`;
}

const cell = (text: string) => oneLine(text).replace(/\|/g, '\\|');
const code = (text: string) => '`' + oneLine(text).replace(/`/g, "'").replace(/\|/g, '\\|') + '`';

export function reportMarkdown(r: DrillReport): string {
  const rows = (pairs: [string, string][]) => pairs.map(([k, v]) => `| ${k} | ${cell(v)} |`);
  const snap = r.snapshot ? `${r.snapshot.id} (${r.snapshot.type}${r.snapshot.createdAt ? `, taken ${r.snapshot.createdAt}` : ''})` : '— (none picked)';
  const lines = [
    `# Backup drill of ${r.environment}/${r.instance}: ${r.outcome.toUpperCase()}`,
    '',
    `**${summaryLine(r)}**`,
    '',
    '| | |',
    '|---|---|',
    ...rows([
      ['Outcome', `${r.outcome}: ${r.message}`],
      ['PARITY', r.parity === null ? '— (verification did not run)' : `${r.parity}% (${r.checks.filter((c) => c.passed).length} of ${r.checks.length} checks passed)`],
      ['RTO', r.rtoMs !== null ? `${minutes(r.rtoMs)} (restore requested → verification passed)` : summaryLine(r).split('RTO: ')[1]!],
      ['Snapshot', snap],
      ['Drill instance', r.drillInstance],
      ['Clean-up', `${r.cleanup.status}: ${r.cleanup.message}`],
      ['Operator', r.operator],
      ['Started', r.startedAt],
      ['Finished', r.finishedAt],
      ['Run', r.runId],
    ]),
    '',
    '## Steps',
    '',
    '| Step | Status | Duration | Detail |',
    '|---|---|---:|---|',
    ...r.steps.map((s) => `| ${s.step} | ${s.status} | ${stepDuration(s.durationMs)} | ${cell(s.message)} |`),
    '',
    '## Checks',
    '',
  ];
  if (r.checks.length === 0) lines.push('No check ran.');
  else {
    lines.push('| Check | Result | Expected | Actual |', '|---|---|---|---|');
    for (const c of r.checks) lines.push(`| ${c.kind} ${code(c.name)} | ${c.passed ? 'pass' : '**FAIL**'} | ${cell(c.expected)} | ${cell(c.actual)} |`);
  }
  return lines.join('\n') + '\n';
}

/** Both files, each written whole (temp file and rename). */
export function writeReport(r: DrillReport, env?: Env): void {
  mkdirSync(drillsDir(env), { recursive: true, mode: 0o700 });
  writeAtomic(r.files.json, JSON.stringify(r, null, 2) + '\n');
  writeAtomic(r.files.markdown, reportMarkdown(r));
}
