/**
 * The one path every action takes, whatever its tier or where it was started
 * (a key in the TUI, a script with --confirm):
 *
 *   read-only refusal → the typed phrase → the lock → re-read the target and
 *   abort if it changed → journal intent → the call → journal outcome →
 *   verify with progress → release the lock
 *
 * The re-read happens under the lock, so nobody can change the target between
 * the comparison and the call. Refusals and failures are journaled too.
 */
import type { AuditEntry, AuditOutcome, AuditRecord } from '../audit/record.js';
import { currentOperator } from '../audit/record.js';
import { LockHeldError, lockKey, type LockHandle, type TargetLock } from './lock.js';
import { errorMessage } from '../text/sanitize.js';
import { confirmationPhrase, type ActionContext, type ActionDefinition, type Plan, type VerifyProgress, type VerifyResult } from './types.js';

/**
 * Told what happens to an action, e.g. to put it on an incident's timeline.
 * `planned` comes from whoever shows the plan (the TUI's controller); the
 * executor calls `confirmed` once the phrase is accepted and `outcome` with
 * every result, refusals included. A throwing observer never stops an action.
 */
export interface ActionObserver {
  planned?(plan: Plan): void;
  confirmed?(plan: Plan): void;
  outcome?(plan: Plan, result: RunResult): void;
}

export interface ExecutorDeps {
  journal: { append(entry: AuditEntry): Promise<AuditRecord> };
  lock: TargetLock;
  /** the AWS identity, for the journal */
  awsArn?: string;
  observer?: ActionObserver;
}

export type RunOutcome = 'done' | 'refused' | 'aborted' | 'failed';

export interface RunResult {
  outcome: RunOutcome;
  /** one line for the operator */
  message: string;
  requestIds: string[];
  verify?: VerifyResult;
}

export interface RunRequest<Args, Ctx extends ActionContext> {
  action: ActionDefinition<Args, Ctx>;
  ctx: Ctx;
  plan: Plan;
  /** exactly what the operator typed (or passed with --confirm); undefined when nothing was typed */
  typed: string | undefined;
  onProgress?: (p: VerifyProgress) => void;
  signal?: AbortSignal;
}

/** Exit codes of the action commands: 0 done, 1 refused or aborted, 2 failed. */
export const ACTION_EXIT: Record<RunOutcome, number> = { done: 0, refused: 1, aborted: 1, failed: 2 };

// The lock outlives the longest verification so a second operator cannot slip in while we watch.
const LOCK_MARGIN_MS = 60_000;

/** Calls an observer without letting it fail the action. */
export function notify(observer: ActionObserver | undefined, call: (o: ActionObserver) => void): void {
  if (!observer) return;
  try {
    call(observer);
  } catch {
    // the observer is a bystander (a timeline); the action and its journal are what count
  }
}

export async function runAction<Args, Ctx extends ActionContext>(deps: ExecutorDeps, req: RunRequest<Args, Ctx>): Promise<RunResult> {
  let result: RunResult;
  try {
    result = await guarded(deps, req);
  } catch (err) {
    notify(deps.observer, (o) => o.outcome?.(req.plan, { outcome: 'failed', message: `${req.plan.title} failed: ${errorMessage(err)}`, requestIds: [] }));
    throw err;
  }
  notify(deps.observer, (o) => o.outcome?.(req.plan, result));
  return result;
}

async function guarded<Args, Ctx extends ActionContext>(deps: ExecutorDeps, req: RunRequest<Args, Ctx>): Promise<RunResult> {
  const { plan, ctx, action } = req;
  const signal = req.signal ?? new AbortController().signal;
  const started = ctx.now();
  const base = {
    operator: currentOperator(deps.awsArn),
    environment: plan.environment,
    action: plan.action,
    target: plan.target.display,
    plan: { summary: plan.summary, changes: plan.changes, calls: plan.calls },
  };
  const phraseAccepted = req.typed !== undefined && plan.phrase !== '' && req.typed === plan.phrase;
  const journal = (phase: AuditEntry['phase'], outcome: AuditOutcome | null, detail: string, requestIds: string[] = []) =>
    deps.journal.append({ ...base, phase, outcome, detail, requestIds, phraseAccepted: plan.tier === 'read' ? null : phraseAccepted, durationMs: phase === 'intent' ? null : ctx.now() - started });
  const refuse = async (outcome: 'refused' | 'aborted', message: string): Promise<RunResult> => {
    await journal('refusal', outcome, message);
    return { outcome, message, requestIds: [] };
  };

  if (ctx.env.readOnly) return refuse('refused', `${plan.environment} is read-only: ${plan.title} was not run (start with --write, or drop --read-only)`);
  if (plan.refusal) return refuse('refused', plan.refusal);
  if (action.id !== plan.action) return refuse('refused', `the plan is for ${plan.action}, not ${action.id}`);
  // The phrase is derived again here, so no plan can lower its own bar.
  if (plan.phrase !== confirmationPhrase(plan.tier, ctx.env, plan.target.name)) return refuse('refused', `the plan's confirmation phrase does not match its tier; plan again`);
  if (!phraseAccepted) {
    const why = req.typed === undefined ? `no confirmation given; type (or pass --confirm) ${plan.phrase}` : `the confirmation "${req.typed}" is not "${plan.phrase}"`;
    return refuse('refused', `${why}: nothing was done`);
  }
  notify(deps.observer, (o) => o.confirmed?.(plan));

  let handle: LockHandle;
  try {
    handle = await deps.lock.acquire(lockKey(plan.environment, plan.target.display), plan.verifyTimeoutMs + LOCK_MARGIN_MS);
  } catch (err) {
    return refuse('refused', err instanceof LockHeldError ? err.message : `could not take the lock: ${errorMessage(err)}`);
  }

  try {
    let now: string;
    try {
      now = await action.fingerprint(ctx, plan, signal);
    } catch (err) {
      return await refuse('aborted', `could not re-read ${plan.target.display} before acting: ${errorMessage(err)}`);
    }
    if (now !== plan.fingerprint) {
      return await refuse('aborted', `${plan.target.display} changed since the plan was shown (${describeChange(plan.fingerprint, now)}); plan again`);
    }

    await journal('intent', null, plan.summary);
    let requestIds: string[] = [];
    try {
      const res = await action.execute(ctx, plan, signal);
      requestIds = res.requestIds;
      await journal('outcome', 'ok', res.detail, requestIds);
    } catch (err) {
      const message = errorMessage(err);
      await journal('outcome', 'failed', message, requestIds);
      return { outcome: 'failed', message: `${plan.title} failed: ${message}`, requestIds };
    }

    const verify = await action.verify(ctx, plan, (p) => req.onProgress?.(p), signal).catch((err: unknown): VerifyResult => ({ ok: false, message: `verification stopped: ${errorMessage(err)}` }));
    return verify.ok
      ? { outcome: 'done', message: verify.message, requestIds, verify }
      : { outcome: 'failed', message: `${plan.title}: the call succeeded but ${verify.message}`, requestIds, verify };
  } finally {
    await handle.release().catch(() => undefined);
  }
}

/** Fingerprints are JSON objects of a few fields; name the ones that moved. */
function describeChange(before: string, after: string): string {
  try {
    const a = JSON.parse(before) as Record<string, unknown>;
    const b = JSON.parse(after) as Record<string, unknown>;
    const moved = Object.keys({ ...a, ...b }).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    return moved.map((k) => `${k} ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}`).join(', ') || 'state differs';
  } catch {
    return 'state differs';
  }
}
