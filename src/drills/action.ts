/**
 * The backup drill as an action: the executor guards it like any other
 * (read-only, the typed phrase, the lock, the re-read, the journal), and its
 * execute runs the drill's state machine (machine.ts), whose restore and
 * delete are child steps through the same executor. The drill's verdict is
 * the action's verification: PARITY 100 % is "done".
 * Its tier and phrase: `drillTier` (setup.ts), then the executor's one rule.
 */
import type { RdsActionContext } from '../actions/rds/context.js';
import { DRILL_TAG } from '../actions/rds/context.js';
import { confirmationPhrase, type ActionDefinition, type Plan } from '../actions/types.js';
import { DrillRun } from './machine.js';
import { summaryLine } from './report.js';
import { DRILL_ACTION, DRILL_TIMEOUT_MS, drillInstanceId, drillTier, runIdOf, type DrillDeps, type DrillRequest } from './setup.js';
import type { DrillReport } from './types.js';

export interface BackupDrillArgs {
  instance: string;
}

export interface BackupDrillParams {
  runId: string;
  drillInstance: string;
  startedAt: number;
}

/** The RDS context plus what the drill connects to and what it was asked (snapshot, --keep, progress, ctrl-c). */
export interface DrillActionContext extends RdsActionContext {
  drill: { deps: Omit<DrillDeps, 'ctx' | 'executor'>; request: DrillRequest };
}

// the report of a run, from its execute to its verify and to the caller
const reports = new WeakMap<Plan<BackupDrillParams>, DrillReport>();

/** The report the drill of this plan wrote; undefined when it never ran (refused, aborted before the start). */
export function reportOf(plan: Plan<BackupDrillParams>): DrillReport | undefined {
  return reports.get(plan);
}

const fingerprintOf = (status: string | undefined) => JSON.stringify({ drillInstance: status ?? null });

export const backupDrillAction: ActionDefinition<BackupDrillArgs, DrillActionContext, BackupDrillParams> = {
  id: DRILL_ACTION,
  title: 'Backup drill',
  tier: 'destructive',

  async plan(ctx, args, signal) {
    const { env } = ctx;
    const req = ctx.drill.request;
    const startedAt = ctx.now();
    const runId = runIdOf(args.instance, startedAt);
    const drillInstance = drillInstanceId(args.instance, startedAt);
    const existing = await ctx.rds.instance(drillInstance, signal);
    const { tables, assertions } = req.drill;
    let refusal: string | undefined;
    if (tables.length === 0 && assertions.length === 0) refusal = `the drill of ${args.instance} names no tables and no assertions, so nothing would be verified; add rds[].drill.tables or assertions`;
    else if (existing) refusal = `an instance ${drillInstance} already exists (${existing.status}); run the drill again in a minute`;
    const tier = drillTier(env);
    const timeoutMs = req.timeoutMs ?? DRILL_TIMEOUT_MS;
    return {
      action: DRILL_ACTION,
      title: `Backup drill of ${env.name}/${args.instance}`,
      tier,
      environment: env.name,
      // its own lock: a drill of an instance at a time, without holding up a snapshot of it
      target: { kind: 'db-instance', name: args.instance, display: `${env.name}/${args.instance} (backup drill)`, lockAspect: 'backup-drill' },
      summary: `${env.name} / backup drill of ${args.instance}: restore a snapshot to ${drillInstance}, verify it against ${args.instance}, delete ${drillInstance}`,
      changes: [{ field: 'instance', before: '(none)', after: `${drillInstance} (created, then ${req.keep ? 'kept (--keep)' : 'deleted'})` }],
      calls: [
        { api: 'rds:RestoreDBInstanceFromDBSnapshot', params: { DBSnapshotIdentifier: req.snapshot ?? `(the newest automated snapshot of ${args.instance})`, DBInstanceIdentifier: drillInstance, Tags: [{ Key: DRILL_TAG, Value: runId }] } },
        ...(req.keep ? [] : [{ api: 'rds:DeleteDBInstance', params: { DBInstanceIdentifier: drillInstance, SkipFinalSnapshot: true } }]),
      ],
      details: [
        `1. pick ${req.snapshot ?? `the newest available automated snapshot of ${args.instance}`}`,
        `2. restore it to ${drillInstance}, tagged ${DRILL_TAG}=${runId}`,
        `3. wait until it is available (up to ${Math.round(timeoutMs / 60_000)} min)`,
        `4. verify ${tables.length} table(s) and ${assertions.length} assertion(s) against ${args.instance}, both sessions read-only`,
        req.keep ? `5. keep ${drillInstance} (\`opsdeck drill cleanup\` deletes it later)` : `5. delete ${drillInstance} (no final snapshot)`,
        '6. write the report: PARITY and RTO',
      ],
      phrase: confirmationPhrase(tier, env, args.instance),
      fingerprint: fingerprintOf(existing?.status),
      ...(refusal ? { refusal } : {}),
      verifyTimeoutMs: 60_000,
      params: { runId, drillInstance, startedAt },
      createdAt: startedAt,
    };
  },

  async fingerprint(ctx, plan, signal) {
    return fingerprintOf((await ctx.rds.instance(plan.params.drillInstance, signal))?.status);
  },

  async execute(ctx, plan, _signal, children) {
    const { runId, drillInstance, startedAt } = plan.params;
    const report = await new DrillRun({ ...ctx.drill.deps, ctx, children }, ctx.drill.request, runId, drillInstance, startedAt).run();
    reports.set(plan, report);
    return { requestIds: [], detail: verdictDetail(report) };
  },

  async verify(_ctx, plan) {
    const report = reports.get(plan);
    if (!report) return { ok: false, message: 'the drill left no report' };
    return { ok: report.outcome === 'passed', message: verdictDetail(report) };
  },
};

/** What the journal keeps of a drill: the verdict, PARITY, RTO, the clean-up and where the report is. */
function verdictDetail(report: DrillReport): string {
  return `${summaryLine(report)}; ${report.outcome}: ${report.message}; clean-up ${report.cleanup.status}; report ${report.files.markdown || '(not written)'}`;
}
