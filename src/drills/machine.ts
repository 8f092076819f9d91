/**
 * The backup drill as an explicit state machine:
 *
 *   snapshot → restore → available → connect → verify → cleanup → report
 *
 * Each step is timed (on the context's clock) and reported as it begins,
 * while it runs and as it ends. A step that fails goes to cleanup; ctrl-c
 * (the request's signal) ends the current step as interrupted and goes to
 * cleanup too, which then asks RDS to delete without waiting for it. The
 * pending record (records.ts) is written before the restore is requested
 * and follows every change, so a drill that dies anywhere can be cleaned up.
 */
import { hostname } from 'node:os';
import { DRILL_TAG } from '../actions/rds/context.js';
import { restoreAction } from '../actions/rds/restore.js';
import type { ChildResult, RunChild } from '../actions/types.js';
import type { DbSnapshot } from '../model/rds.js';
import { errorMessage } from '../text/sanitize.js';
import { verifyCopy } from './checks.js';
import { deleteDrillInstance, type DeleteOutcome } from './cleanup.js';
import { removePending, writePending, type PendingDrill } from './records.js';
import { buildReport, writeReport } from './report.js';
import { appendHistory, summaryOf } from './history.js';
import { chooseSnapshot } from './snapshots.js';
import { DRILL_TIMEOUT_MS, INTERRUPT_CLEANUP_MS, observed, type DrillDeps, type DrillRequest } from './setup.js';
import { openSession, type DrillSession } from './sql.js';
import { DRILL_STEP_TITLES, type DrillCheck, type DrillCleanup, type DrillReport, type DrillStepId, type StepRecord, type StepStatus } from './types.js';

type Work = Exclude<DrillStepId, 'report'>;
interface StepEnd {
  status: StepStatus;
  message: string;
  next: Work | 'report';
}

/** What a run works with: the drill's deps without the executor, whose steps it is handed as `children`. */
export type DrillRunDeps = Omit<DrillDeps, 'executor'> & { children: RunChild };

export class DrillRun {
  private readonly steps: StepRecord[] = [];
  private current?: { step: DrillStepId; t0: number };
  private readonly signal: AbortSignal;
  private snapshot?: DbSnapshot;
  private checks: DrillCheck[] = [];
  private incomplete?: string;
  private interrupted = false;
  /** RestoreDBInstanceFromDBSnapshot was sent: from here on there may be an instance to delete */
  private sent = false;
  private available = false;
  private createdAt?: number;
  private restoreRequestedAt?: number;
  private verifiedAt?: number;
  private restoreRun?: Promise<ChildResult>;
  private sessions: DrillSession[] = [];
  private cleanup: DrillCleanup = { status: 'none', message: 'nothing was created' };
  private record?: PendingDrill;

  constructor(
    private readonly deps: DrillRunDeps,
    private readonly req: DrillRequest,
    private readonly runId: string,
    private readonly drillId: string,
    private readonly startedAt: number,
  ) {
    this.signal = req.signal ?? new AbortController().signal;
  }

  private readonly handlers: Record<Work, () => Promise<StepEnd>> = {
    snapshot: () => this.pickSnapshot(),
    restore: () => this.restore(),
    available: () => this.waitAvailable(),
    connect: () => this.connect(),
    verify: () => this.verify(),
    cleanup: () => this.cleanUp(),
  };

  async run(): Promise<DrillReport> {
    let state: Work | 'report' = 'snapshot';
    try {
      while (state !== 'report') {
        this.begin(state);
        let end: StepEnd;
        try {
          end = await this.handlers[state]();
        } catch (err) {
          end = this.onError(state, err);
        }
        this.end(end.status, end.message);
        state = end.next;
      }
    } finally {
      await this.closeSessions();
    }
    return this.writeReport();
  }

  private onError(state: Work, err: unknown): StepEnd {
    if (this.signal.aborted && state !== 'cleanup') {
      this.interrupted = true;
      return { status: 'interrupted', message: `interrupted (${errorMessage(this.signal.reason ?? err)})`, next: 'cleanup' };
    }
    const message = errorMessage(err);
    if (state !== 'cleanup') this.incomplete ??= message;
    return { status: 'failed', message, next: state === 'cleanup' ? 'report' : 'cleanup' };
  }

  private begin(step: DrillStepId): void {
    this.current = { step, t0: this.deps.ctx.now() };
    this.say('running', DRILL_STEP_TITLES[step]);
  }

  private end(status: StepStatus, message: string): void {
    const cur = this.current!;
    const durationMs = this.deps.ctx.now() - cur.t0;
    this.steps.push({ step: cur.step, status, message, startedAt: new Date(cur.t0).toISOString(), durationMs });
    this.say(status, message);
  }

  private say(status: 'running' | 'progress' | StepStatus, message: string): void {
    const cur = this.current!;
    this.req.onProgress?.({ step: cur.step, status, message, elapsedMs: this.deps.ctx.now() - cur.t0 });
  }

  private fail(message: string): StepEnd {
    this.incomplete ??= message;
    return { status: 'failed', message, next: 'cleanup' };
  }

  private async pickSnapshot(): Promise<StepEnd> {
    const picked = await chooseSnapshot(this.deps.ctx, this.req.instance, this.req.snapshot, this.signal);
    if (typeof picked === 'string') return this.fail(picked);
    this.snapshot = picked;
    const taken = picked.createdAt !== undefined ? `, taken ${new Date(picked.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '';
    return { status: 'ok', message: `${picked.id} (${picked.type}${taken})`, next: 'restore' };
  }

  private async restore(): Promise<StepEnd> {
    const { ctx, children } = this.deps;
    const snap = this.snapshot!;
    const now = new Date(ctx.now()).toISOString();
    this.record = {
      kind: 'opsdeck-drill-pending',
      runId: this.runId,
      environment: ctx.env.name,
      instance: this.req.instance,
      drillInstance: this.drillId,
      snapshot: snap.id,
      tag: this.runId,
      status: 'restoring',
      startedAt: new Date(this.startedAt).toISOString(),
      updatedAt: now,
      pid: process.pid,
      host: hostname(),
    };
    // before the call: if this cannot be written, nothing is restored
    writePending(this.record, this.deps.env);

    let accept!: (requestId: string | undefined) => void;
    const accepted = new Promise<string | undefined>((resolve) => (accept = resolve));
    const rds = observed(ctx.rds, {
      restoreSent: () => {
        this.sent = true;
        this.restoreRequestedAt = ctx.now();
      },
      restoreAccepted: (_id, res) => {
        this.update({ status: 'restored' });
        accept(res.requestId);
      },
    });
    const actx = { ...ctx, rds };
    const plan = await restoreAction.plan(actx, { snapshot: snap.id, newId: this.drillId, tags: { [DRILL_TAG]: this.runId }, verifyTimeoutMs: this.req.timeoutMs ?? DRILL_TIMEOUT_MS }, this.signal);
    this.restoreRun = children({ action: restoreAction, ctx: actx, plan, signal: this.signal, onProgress: (p) => this.say('progress', p.message) });
    const first = await Promise.race([accepted.then((requestId) => ({ requestId })), this.restoreRun.then((result) => ({ result }))]);
    if ('requestId' in first) return { status: 'ok', message: `RestoreDBInstanceFromDBSnapshot ${snap.id} → ${this.drillId} accepted${first.requestId ? ` (request ${first.requestId})` : ''}`, next: 'available' };
    this.signal.throwIfAborted();
    return this.fail(first.result.message);
  }

  private async waitAvailable(): Promise<StepEnd> {
    const result = await this.restoreRun!;
    this.signal.throwIfAborted();
    if (result.outcome !== 'done') return this.fail(result.verify?.message ?? result.message);
    this.available = true;
    const inst = await this.deps.ctx.rds.instance(this.drillId, this.signal);
    if (inst?.createdAt !== undefined) {
      this.createdAt = inst.createdAt;
      this.update({ instanceCreatedAt: inst.createdAt });
    }
    return { status: 'ok', message: result.message, next: 'connect' };
  }

  private async connect(): Promise<StepEnd> {
    const { endpoints, session } = this.deps;
    const open = async (id: string, role: 'source' | 'drill', what: string) => {
      try {
        const s = await openSession(await endpoints.connectionFor(id, role, this.signal), this.signal, session);
        this.sessions.push(s);
        return s;
      } catch (err) {
        this.signal.throwIfAborted();
        throw new Error(`could not connect to ${what}: ${errorMessage(err)}`);
      }
    };
    const copy = await open(this.drillId, 'drill', `the restored copy ${this.drillId}`);
    const prod = await open(this.req.instance, 'source', `production ${this.req.instance}`);
    return { status: 'ok', message: `restored copy ${copy.where}, production ${prod.where}; both sessions read-only`, next: 'verify' };
  }

  private async verify(): Promise<StepEnd> {
    const [copy, prod] = this.sessions;
    const checks = await verifyCopy(this.req.drill, copy!, prod!, (line) => this.say('progress', line));
    this.signal.throwIfAborted();
    this.checks = checks;
    this.verifiedAt = this.deps.ctx.now();
    const failed = checks.filter((c) => !c.passed);
    const passed = `${checks.length - failed.length}/${checks.length} checks passed`;
    if (failed.length === 0) return { status: 'ok', message: passed, next: 'cleanup' };
    return { status: 'failed', message: `${passed}; failed: ${failed.map((c) => c.name).join('; ')}`, next: 'cleanup' };
  }

  private async cleanUp(): Promise<StepEnd> {
    await this.closeSessions();
    if (!this.sent) {
      removePending(this.runId, this.deps.env);
      this.cleanup = { status: 'none', message: 'nothing was created' };
      return { status: 'skipped', message: 'nothing was created', next: 'report' };
    }
    if (this.req.keep && this.available && !this.interrupted) {
      this.update({ status: 'kept' });
      this.cleanup = { status: 'kept', message: `${this.drillId} kept (--keep); \`opsdeck drill cleanup\` deletes it when you are done` };
      return { status: 'skipped', message: this.cleanup.message, next: 'report' };
    }
    let outcome = await this.deleteOurs(this.interrupted);
    // ctrl-c while the normal clean-up waited: ask once more without waiting, if it was not asked yet
    if (!this.interrupted && this.signal.aborted) {
      this.interrupted = true;
      if (outcome.status !== 'deleting' && outcome.status !== 'deleted') outcome = await this.deleteOurs(true);
    }
    const left = ` — run \`opsdeck drill cleanup\``;
    if (outcome.status === 'deleted' || outcome.status === 'none') {
      removePending(this.runId, this.deps.env);
      this.cleanup = { status: outcome.status === 'deleted' ? 'deleted' : 'none', message: outcome.message };
      return { status: 'ok', message: outcome.message, next: 'report' };
    }
    if (outcome.status === 'deleting') {
      this.update({ status: 'deleting' });
      this.cleanup = { status: 'deleting', message: outcome.message };
      return { status: 'ok', message: outcome.message, next: 'report' };
    }
    this.cleanup = { status: 'left', message: outcome.message + (outcome.message.includes('drill cleanup') ? '' : left) };
    return { status: 'failed', message: this.cleanup.message, next: 'report' };
  }

  private async deleteOurs(interrupted: boolean): Promise<DeleteOutcome> {
    // after ctrl-c the drill's own signal is spent: the clean-up gets a short one of its own
    const signal = interrupted ? AbortSignal.any([AbortSignal.timeout(INTERRUPT_CLEANUP_MS), ...(this.req.cleanupSignal ? [this.req.cleanupSignal] : [])]) : this.signal;
    try {
      return await deleteDrillInstance(
        { ctx: this.deps.ctx, run: this.deps.children },
        { id: this.drillId, tag: this.runId, ...(this.createdAt !== undefined ? { createdAt: this.createdAt } : {}) },
        { wait: !interrupted, signal, onProgress: (line) => this.say('progress', line), onRequested: () => this.update({ status: 'deleting' }) },
      );
    } catch (err) {
      return { status: 'left', message: `${this.drillId} was not deleted: ${errorMessage(err)}` };
    }
  }

  private update(patch: Partial<PendingDrill>): void {
    if (!this.record) return;
    this.record = { ...this.record, ...patch, updatedAt: new Date(this.deps.ctx.now()).toISOString() };
    try {
      writePending(this.record, this.deps.env);
    } catch {
      // the previous version still names the instance, which is what cleanup needs
    }
  }

  private async closeSessions(): Promise<void> {
    const open = this.sessions;
    this.sessions = [];
    await Promise.allSettled(open.map((s) => s.close()));
  }

  private writeReport(): DrillReport {
    this.begin('report');
    const report = buildReport({
      runId: this.runId,
      env: this.deps.ctx.env,
      instance: this.req.instance,
      drillInstance: this.drillId,
      snapshot: this.snapshot,
      startedAt: this.startedAt,
      finishedAt: this.deps.ctx.now(),
      interrupted: this.interrupted,
      incomplete: this.incomplete,
      steps: this.steps,
      checks: this.checks,
      restoreRequestedAt: this.restoreRequestedAt,
      verifiedAt: this.verifiedAt,
      cleanup: this.cleanup,
      stateEnv: this.deps.env,
    });
    // the report lists its own step, so the step is made before the files are written
    const t0 = this.current!.t0;
    const step: StepRecord = { step: 'report', status: 'ok', message: `${report.files.markdown} and ${report.files.json}`, startedAt: new Date(t0).toISOString(), durationMs: this.deps.ctx.now() - t0 };
    report.steps = [...this.steps, step];
    try {
      writeReport(report, this.deps.env);
      // the history line last: what `drill history` and the drill checks read, sent to the team store from here
      appendHistory(summaryOf(report), this.deps.env);
    } catch (err) {
      step.status = 'failed';
      step.message = `could not write the report: ${errorMessage(err)}`;
      report.files = { markdown: '', json: '' };
    }
    this.steps.push(step);
    this.say(step.status, step.message);
    return report;
  }
}

