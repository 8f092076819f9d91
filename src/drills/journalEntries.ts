/**
 * The drill's own records in the audit journal, around the restore's and the
 * delete's (which the executor writes): a refusal, or a start and an end. The
 * end names the verdict, PARITY, RTO, the clean-up and where the report is.
 */
import type { AuditEntry, AuditOutcome } from '../audit/record.js';
import { currentOperator } from '../audit/record.js';
import { summaryLine } from './report.js';
import { DRILL_ACTION, type DrillDeps } from './setup.js';
import type { DrillOutcome, DrillReport } from './types.js';

const OUTCOME: Record<DrillOutcome, AuditOutcome> = { passed: 'ok', failed: 'failed', incomplete: 'failed', interrupted: 'aborted' };

export class DrillJournal {
  private readonly base: Omit<AuditEntry, 'phase' | 'outcome' | 'detail' | 'requestIds' | 'phraseAccepted' | 'durationMs'>;

  constructor(
    private readonly deps: DrillDeps,
    instance: string,
    drillInstance: string,
    private readonly runId: string,
    private readonly startedAt: number,
  ) {
    const env = deps.ctx.env.name;
    this.base = {
      operator: currentOperator(deps.executor.awsArn),
      environment: env,
      action: DRILL_ACTION,
      target: `${env}/${instance}`,
      plan: {
        summary: `${env} / backup drill of ${instance}: restore a snapshot to ${drillInstance}, verify it against ${instance}, delete ${drillInstance}`,
        changes: [{ field: 'instance', before: '(none)', after: `${drillInstance} (created, then deleted)` }],
        calls: [{ api: 'rds:RestoreDBInstanceFromDBSnapshot', params: { DBInstanceIdentifier: drillInstance } }, { api: 'rds:DeleteDBInstance', params: { DBInstanceIdentifier: drillInstance, SkipFinalSnapshot: true } }],
      },
    };
  }

  private append(entry: Pick<AuditEntry, 'phase' | 'outcome' | 'detail' | 'phraseAccepted' | 'durationMs'>) {
    return this.deps.executor.journal.append({ ...this.base, requestIds: [], ...entry });
  }

  async refusal(detail: string, phraseAccepted: boolean | null): Promise<void> {
    await this.append({ phase: 'refusal', outcome: 'refused', detail, phraseAccepted, durationMs: 0 });
  }

  /** Before anything is touched: a drill that cannot be journaled does not run (the error propagates). */
  async start(phraseAccepted: boolean | null): Promise<void> {
    await this.append({ phase: 'intent', outcome: null, detail: `backup drill ${this.runId} started`, phraseAccepted, durationMs: null });
  }

  async end(report: DrillReport): Promise<void> {
    const detail = `${summaryLine(report)}; ${report.outcome}: ${report.message}; clean-up ${report.cleanup.status}; report ${report.files.markdown || '(not written)'}`;
    await this.append({ phase: 'outcome', outcome: OUTCOME[report.outcome], detail, phraseAccepted: null, durationMs: this.deps.ctx.now() - this.startedAt });
  }
}
