/**
 * Deleting what a drill created, and only that. An instance is a drill's to
 * delete when it carries the opsdeck:drill tag with the value that one run
 * put there (its run id) and, once the drill saw it, the same creation time:
 * a same-named instance made later by someone else is left alone. The delete
 * itself is the delete-drill-instance action through the executor, which
 * checks the tag again under the lock and journals the call: a step of the
 * confirmed drill, or (`opsdeck drill cleanup`) confirmed by the operator.
 *
 * `cleanupLeftovers` is `opsdeck drill cleanup`: it walks the pending records
 * interrupted drills left in the state directory, then every instance RDS
 * lists with the opsdeck:drill tag that no record names (a lost record, a
 * drill of another machine). A record stays until its instance is seen gone:
 * a restore request in flight when the drill was killed, or a listing that
 * lags behind the create, can make the instance appear after a first "not
 * found", so for a record whose restore may have been sent that answer is
 * final only once the window after the record's last write has passed.
 */
import { hostname } from 'node:os';
import { runAction, type ExecutorDeps } from '../actions/executor.js';
import type { Plan, RunChild } from '../actions/types.js';
import { DRILL_TAG, duration, type RdsActionContext } from '../actions/rds/context.js';
import { deleteDrillAction, notADrillInstance } from '../actions/rds/deleteDrill.js';
import { VERIFY_POLL_MS } from '../actions/rds/wait.js';
import { errorMessage } from '../text/sanitize.js';
import { listPending, removePending } from './records.js';
import { observed } from './setup.js';

export interface Ours {
  id: string;
  /** the opsdeck:drill tag value the run put on it */
  tag: string;
  /** epoch ms, when the drill saw the instance */
  createdAt?: number;
}

/** deleted: gone; deleting: RDS is deleting it; none: no such instance; left: still there; refused: not ours */
export type DeleteStatus = 'deleted' | 'deleting' | 'none' | 'left' | 'refused';

export interface DeleteOutcome {
  status: DeleteStatus;
  message: string;
}

export interface DeleteOptions {
  /** wait until RDS has deleted it (and, first, until a restore still creating it is done) */
  wait: boolean;
  signal: AbortSignal;
  /** how long to wait for a creating instance to become deletable */
  creatingTimeoutMs?: number;
  onProgress?: (line: string) => void;
  /** RDS accepted the delete */
  onRequested?: () => void;
}

/** `run`: how the delete goes through the executor (a drill's child step, or the operator's confirmed run). */
type Deps = { ctx: RdsActionContext; run: RunChild };

const CREATING_TIMEOUT_MS = 90 * 60_000;

export async function deleteDrillInstance(deps: Deps, ours: Ours, opts: DeleteOptions): Promise<DeleteOutcome> {
  const { ctx } = deps;
  const { signal } = opts;
  let inst = await ctx.rds.instance(ours.id, signal);
  if (!inst) return { status: 'none', message: `${ours.id} does not exist (never created, or already deleted)` };
  const tags = await ctx.rds.tagsOf(ours.id, signal);
  if (!(DRILL_TAG in tags)) return { status: 'refused', message: notADrillInstance(ours.id) };
  if (tags[DRILL_TAG] !== ours.tag) return { status: 'refused', message: `${ours.id} carries ${DRILL_TAG}=${tags[DRILL_TAG]}, not this drill's ${ours.tag}: another drill's instance, left alone` };
  if (ours.createdAt !== undefined && inst.createdAt !== undefined && inst.createdAt !== ours.createdAt) {
    return { status: 'refused', message: `${ours.id} was created ${new Date(inst.createdAt).toISOString()}, not ${new Date(ours.createdAt).toISOString()} as the drill saw it: a different instance, left alone` };
  }

  // RDS refuses to delete an instance that is still being created
  if (inst.status === 'creating') {
    if (!opts.wait) return { status: 'left', message: `${ours.id} is still creating and RDS deletes it only once it is created; run \`opsdeck drill cleanup\` in a few minutes` };
    const started = ctx.now();
    const deadline = started + (opts.creatingTimeoutMs ?? CREATING_TIMEOUT_MS);
    while (inst && inst.status === 'creating') {
      if (ctx.now() >= deadline) return { status: 'left', message: `${ours.id} is still creating after ${duration(ctx.now() - started)}; run \`opsdeck drill cleanup\` again later` };
      opts.onProgress?.(`${ours.id} is creating; it can be deleted once it is created (${duration(ctx.now() - started)})`);
      await ctx.sleep(VERIFY_POLL_MS, signal);
      inst = await ctx.rds.instance(ours.id, signal);
    }
    if (!inst) return { status: 'none', message: `${ours.id} is gone` };
  }

  // not waiting: stop the executor's verification as soon as RDS has taken the call
  const stopWatching = new AbortController();
  let accepted = false;
  const rds = observed(ctx.rds, {
    deleteAccepted: () => {
      accepted = true;
      opts.onRequested?.();
      if (!opts.wait) stopWatching.abort(new Error('not waiting for the deletion'));
    },
  });
  const actx: RdsActionContext = { ...ctx, rds };
  const plan = await deleteDrillAction.plan(actx, { instance: ours.id }, signal);
  if (plan.refusal && inst.status === 'deleting') {
    return opts.wait ? waitGone(deps, ours.id, opts) : { status: 'deleting', message: `${ours.id} is already being deleted` };
  }
  const result = await deps.run({
    action: deleteDrillAction,
    ctx: actx,
    plan,
    signal: AbortSignal.any([signal, stopWatching.signal]),
    onProgress: (p) => opts.onProgress?.(p.message),
  });
  if (result.outcome === 'done') return { status: 'deleted', message: result.message };
  if (accepted) return { status: 'deleting', message: opts.wait && !signal.aborted ? result.message : `deletion of ${ours.id} requested; \`opsdeck drill cleanup\` confirms it is gone` };
  return { status: result.outcome === 'refused' ? 'refused' : 'left', message: result.message };
}

async function waitGone(deps: Pick<Deps, 'ctx'>, id: string, opts: DeleteOptions): Promise<DeleteOutcome> {
  const { ctx } = deps;
  const started = ctx.now();
  for (;;) {
    const inst = await ctx.rds.instance(id, opts.signal);
    if (!inst) return { status: 'deleted', message: `${ctx.env.name}/${id} is deleted after ${duration(ctx.now() - started)}` };
    if (ctx.now() - started > CREATING_TIMEOUT_MS) return { status: 'deleting', message: `${id} is still ${inst.status}` };
    opts.onProgress?.(`${id}: ${inst.status} (${duration(ctx.now() - started)})`);
    await ctx.sleep(VERIFY_POLL_MS, opts.signal);
  }
}

export interface LeftoverResult {
  /** the record's file; undefined for a tagged instance no record names */
  path?: string;
  runId?: string;
  drillInstance?: string;
  environment?: string;
  status: DeleteStatus | 'other-environment' | 'running' | 'unreadable';
  message: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface CleanupOptions {
  signal: AbortSignal;
  env?: Record<string, string | undefined>;
  /** the operator's confirmation of one delete (typed, or --confirm); undefined: none given, the executor refuses */
  confirm(plan: Plan): Promise<string | undefined>;
  onResult?: (r: LeftoverResult) => void;
  onProgress?: (line: string) => void;
  /** how long after a record's last write a restore it may have sent can still make its instance appear (default 10 min) */
  landingWindowMs?: number;
}

/** a request in flight at the kill, plus DescribeDBInstances lagging after a create, is over well within this */
export const LANDING_WINDOW_MS = 10 * 60_000;

/** `opsdeck drill cleanup`: every pending record of this environment, deleted (and the record removed) or said why not. */
export async function cleanupLeftovers(deps: { ctx: RdsActionContext; executor: ExecutorDeps }, opts: CleanupOptions): Promise<LeftoverResult[]> {
  // each delete is the operator's own action: confirmed by them, guarded and journaled by the executor
  const run: RunChild = async (req) => runAction(deps.executor, { ...req, typed: await opts.confirm(req.plan) });
  const out: LeftoverResult[] = [];
  // drill instances a record has answered for, whatever the answer: the tag sweep leaves them alone
  const handled = new Set<string>();
  const emit = (r: LeftoverResult) => {
    out.push(r);
    opts.onResult?.(r);
  };
  for (const entry of listPending(opts.env)) {
    const rec = entry.record;
    if (!rec) {
      emit({ path: entry.path, status: 'unreadable', message: `${entry.path}: ${entry.problem}; nothing deleted (look at it, then remove it)` });
      continue;
    }
    const base = { path: entry.path, runId: rec.runId, drillInstance: rec.drillInstance, environment: rec.environment };
    handled.add(rec.drillInstance);
    if (rec.environment !== deps.ctx.env.name) {
      emit({ ...base, status: 'other-environment', message: `${rec.drillInstance} is in ${rec.environment}; run the cleanup with --env ${rec.environment}` });
      continue;
    }
    if (rec.status !== 'kept' && rec.host === hostname() && rec.pid !== process.pid && alive(rec.pid)) {
      emit({ ...base, status: 'running', message: `the drill ${rec.runId} is still running (pid ${rec.pid}); it cleans up after itself` });
      continue;
    }
    const ours: Ours = { id: rec.drillInstance, tag: rec.tag, ...(rec.instanceCreatedAt !== undefined ? { createdAt: rec.instanceCreatedAt } : {}) };
    const attempt = () => tryDelete({ ctx: deps.ctx, run }, ours, opts);
    let outcome = await attempt();
    // the restore may have been sent: "not found" now may be "not yet"
    if (outcome.status === 'none' && (rec.status === 'restoring' || rec.status === 'restored')) {
      const sent = Date.parse(rec.updatedAt);
      const until = (Number.isNaN(sent) ? deps.ctx.now() : sent) + (opts.landingWindowMs ?? LANDING_WINDOW_MS);
      while (outcome.status === 'none' && deps.ctx.now() < until) {
        opts.onProgress?.(`${rec.drillInstance} is not there, but the drill ${rec.runId} may have sent its restore before it stopped; waiting until ${new Date(until).toISOString()} (${duration(until - deps.ctx.now())}) for it to appear before calling it never created`);
        await deps.ctx.sleep(VERIFY_POLL_MS, opts.signal);
        outcome = await attempt();
      }
    }
    if (outcome.status === 'deleted' || outcome.status === 'none') removePending(rec.runId, opts.env);
    const note = outcome.status === 'refused' ? `; the record stays in ${entry.path}: remove it once you have looked` : outcome.status === 'left' || outcome.status === 'deleting' ? `; the record stays until it is gone` : '';
    emit({ ...base, status: outcome.status, message: outcome.message + note });
  }

  // instances a drill tagged that no record names: a lost record, a drill run elsewhere
  const tagged = deps.ctx.rds.tagged ? await deps.ctx.rds.tagged(DRILL_TAG, opts.signal) : [];
  for (const inst of tagged.sort((a, b) => a.id.localeCompare(b.id))) {
    if (handled.has(inst.id)) continue;
    const tag = inst.tags[DRILL_TAG] ?? '';
    const ours: Ours = { id: inst.id, tag, ...(inst.createdAt !== undefined ? { createdAt: inst.createdAt } : {}) };
    const outcome = await tryDelete({ ctx: deps.ctx, run }, ours, opts);
    emit({ runId: tag, drillInstance: inst.id, environment: deps.ctx.env.name, status: outcome.status, message: `${inst.id} is tagged ${DRILL_TAG}=${tag} and no drill record names it: ${outcome.message}` });
  }
  return out;
}

async function tryDelete(deps: Deps, ours: Ours, opts: CleanupOptions): Promise<DeleteOutcome> {
  try {
    return await deleteDrillInstance(deps, ours, { wait: true, signal: opts.signal, onProgress: opts.onProgress });
  } catch (err) {
    if (opts.signal.aborted) throw err;
    return { status: 'left', message: `${ours.id}: ${errorMessage(err)}` };
  }
}

/** 0: all clean; 1: something was refused or unreadable (not ours); 2: a deletion did not finish. */
export function cleanupExitCode(results: readonly LeftoverResult[]): number {
  if (results.some((r) => r.status === 'left' || r.status === 'deleting')) return 2;
  if (results.some((r) => r.status === 'refused' || r.status === 'unreadable')) return 1;
  return 0;
}
