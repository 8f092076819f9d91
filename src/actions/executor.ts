/**
 * The one path every action takes, whatever its tier or where it was started
 * (a key in the TUI, a script with --confirm):
 *
 *   read-only refusal → the typed phrase → the lock → re-read the target and
 *   abort if it changed → journal intent → the call → journal outcome →
 *   release the lock → verify with progress → journal the verification
 *
 * The re-read happens under the lock, so nobody can change the target between
 * the comparison and the call. The lock's key is the resource changed (the
 * account, region, cluster and service; the instance; the Redis and queue:
 * lockResource.ts), not the environment that names it. It is a short lease
 * renewed while the call runs (a backup drill runs for an hour), so a killed
 * opsdeck's lock lapses within LEASE_MS; it is not held while the result is
 * watched: a rollback must not be refused for ten minutes because a scale is
 * still being verified. A later action on the same target stops the earlier
 * watch. Refusals, failures, the verification's verdict and what happened to
 * the lock (a dead holder freed, a lock file chosen with --local-lock, a lease
 * lost or taken again) are journaled too.
 *
 * An action made of other actions (the backup drill restores, then deletes)
 * runs them through `RunChild`, which the executor hands its execute once the
 * operator's confirmation of the whole was accepted: each step still passes
 * read-only, its own plan's refusal, its lock, its re-read and its journal.
 */
import type { AuditEntry, AuditOutcome, AuditRecord } from '../audit/record.js';
import { currentOperator } from '../audit/record.js';
import { clockTime, holderLine, LEASE_MS, LockHeldError, LockUnavailableError, RENEW_EVERY_MS, type LockHandle, type RenewResult, type TargetLock } from './lock.js';
import { environmentLocator, lockKeyFor, lockSubject, type ResourceLocator } from './lockResource.js';
import { errorMessage, oneLine } from '../text/sanitize.js';
import { confirmationPhrase, type ActionContext, type ActionDefinition, type Plan, type ChildResult, type JournalProgress, type RunChild, type VerifyProgress, type VerifyResult } from './types.js';
import { Watches } from './watches.js';

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
  /** a wrong phrase typed in the dashboard's box, which stays open for another try (the journal has it as a refusal) */
  mistyped?(plan: Plan): void;
}

export interface ExecutorDeps {
  journal: { append(entry: AuditEntry): Promise<AuditRecord> };
  lock: TargetLock;
  /** where the environment's resources live (account, region, Redis); default: what its header shows */
  locate?: ResourceLocator;
  /** the lease and its renewal period; tests shorten them */
  lease?: { ms: number; renewEveryMs: number };
  /** the AWS identity, for the journal */
  awsArn?: string;
  observer?: ActionObserver;
  /** the verifications under way in this process; default: one registry per process */
  watches?: Watches;
  /** the two-person rule of the environment, when it has one (src/team/approvals.ts) */
  approvals?: ApprovalGate;
}

export type GateAnswer = { ok: true; by: string } | { ok: false; message: string };

/**
 * Another operator's approval, asked for before an action of a tier the
 * environment guards: `consume` uses the approval of request `id` for this
 * exact plan, once, or says why not.
 */
export interface ApprovalGate {
  required(plan: Plan): boolean;
  consume(plan: Plan, id: string): Promise<GateAnswer>;
}

export type RunOutcome = ChildResult['outcome'];

export interface RunResult {
  outcome: RunOutcome;
  /** one line for the operator */
  message: string;
  requestIds: string[];
  verify?: VerifyResult;
  /** the reason given to bypass the two-person rule, when it was */
  breakGlass?: string;
  /** why the operator acted (RunRequest.reason), for the observers: the notification carries it */
  reason?: string;
}

export interface RunRequest<Args, Ctx extends ActionContext, P = unknown> {
  action: ActionDefinition<Args, Ctx, P>;
  ctx: Ctx;
  plan: Plan<P>;
  /** exactly what the operator typed (or passed with --confirm); undefined when nothing was typed */
  typed: string | undefined;
  /** the approval request whose approval this run uses (the two-person rule) */
  approval?: string;
  /** bypasses the two-person rule, for this reason; journaled and notified as such */
  breakGlass?: string;
  /** why the operator acts, for the journal */
  reason?: string;
  onProgress?: (p: VerifyProgress) => void;
  signal?: AbortSignal;
}

/** Exit codes of the action commands: 0 done, 1 refused or aborted, 2 failed. */
export const ACTION_EXIT: Record<RunOutcome, number> = { done: 0, refused: 1, aborted: 1, failed: 2 };

const PROCESS_WATCHES = new Watches();

/** Calls an observer without letting it fail the action. */
export function notify(observer: ActionObserver | undefined, call: (o: ActionObserver) => void): void {
  if (!observer) return;
  try {
    call(observer);
  } catch {
    // the observer is a bystander (a timeline); the action and its journal are what count
  }
}

/** How the run was confirmed: the operator's typing, or the confirmed action it is a step of. */
type Confirmation = { typed: string | undefined } | { partOf: Plan };

export async function runAction<Args, Ctx extends ActionContext, P>(deps: ExecutorDeps, req: RunRequest<Args, Ctx, P>): Promise<RunResult> {
  return observed(deps, req, { typed: req.typed });
}

async function observed<Args, Ctx extends ActionContext, P>(deps: ExecutorDeps, req: Omit<RunRequest<Args, Ctx, P>, 'typed'>, confirmation: Confirmation): Promise<RunResult> {
  let result: RunResult;
  const why = req.reason?.trim() ? { reason: oneLine(req.reason, 300) } : {};
  try {
    result = { ...(await guarded(deps, req, confirmation)), ...why };
  } catch (err) {
    notify(deps.observer, (o) => o.outcome?.(req.plan, { outcome: 'failed', message: `${req.plan.title} failed: ${errorMessage(err)}`, requestIds: [], ...why }));
    throw err;
  }
  notify(deps.observer, (o) => o.outcome?.(req.plan, result));
  return result;
}

async function guarded<Args, Ctx extends ActionContext, P>(deps: ExecutorDeps, req: Omit<RunRequest<Args, Ctx, P>, 'typed'>, confirmation: Confirmation): Promise<RunResult> {
  const { plan, ctx, action } = req;
  const signal = req.signal ?? new AbortController().signal;
  const started = ctx.now();
  const base = journalBase(deps, plan);
  const typed = 'typed' in confirmation ? confirmation.typed : undefined;
  const phraseAccepted = 'partOf' in confirmation || (typed !== undefined && plan.phrase !== '' && typed === plan.phrase);
  // what happened to the lock goes with the next record written
  const lockNotes: string[] = [];
  const journal = (phase: AuditEntry['phase'], outcome: AuditOutcome | null, detail: string, requestIds: string[] = []) => {
    const withNotes = lockNotes.length ? `${detail} [lock: ${lockNotes.splice(0).join('; ')}]` : detail;
    return deps.journal.append({ ...base, phase, outcome, detail: withNotes, requestIds, phraseAccepted: plan.tier === 'read' ? null : phraseAccepted, durationMs: phase === 'intent' ? null : ctx.now() - started });
  };
  const refuse = async (outcome: 'refused' | 'aborted', message: string): Promise<RunResult> => {
    await journal('refusal', outcome, message);
    return { outcome, message, requestIds: [] };
  };

  if (ctx.env.readOnly) return refuse('refused', `${plan.environment} is read-only: ${plan.title} was not run${ctx.env.readOnlyCure ? ` (to act, ${ctx.env.readOnlyCure})` : ''}`);
  if (plan.refusal) return refuse('refused', plan.refusal);
  if (action.id !== plan.action) return refuse('refused', `the plan is for ${plan.action}, not ${action.id}`);
  // The phrase is derived again here, so no plan can lower its own bar.
  if (plan.phrase !== confirmationPhrase(plan.tier, ctx.env, plan.target.name)) return refuse('refused', `the plan's confirmation phrase does not match its tier; plan again`);
  if (!phraseAccepted) {
    const why = typed === undefined ? `no confirmation given; type (or pass --confirm) ${plan.phrase}` : `the confirmation "${typed}" is not "${plan.phrase}"`;
    return refuse('refused', `${why}: nothing was done`);
  }
  // the two-person rule guards what the operator confirmed; the steps of a confirmed whole pass with it
  const gate = 'typed' in confirmation && deps.approvals?.required(plan) ? deps.approvals : undefined;
  const breakGlass = req.breakGlass ? oneLine(req.breakGlass, 300) : undefined;
  if (gate && !breakGlass && !req.approval) {
    return refuse('refused', `${plan.environment} requires another operator's approval of ${plan.tier} actions: request it (opsdeck approvals), then run with --approval ID, or --break-glass "reason": nothing was done`);
  }
  if ('typed' in confirmation) notify(deps.observer, (o) => o.confirmed?.(plan));

  let key: string;
  try {
    key = await lockKeyFor(plan.target, deps.locate ?? environmentLocator(() => ctx.env), signal);
  } catch (err) {
    return refuse('refused', `could not tell which resource ${plan.target.display} is, to lock it: ${errorMessage(err)}; nothing was done`);
  }
  const lease = deps.lease ?? { ms: LEASE_MS, renewEveryMs: RENEW_EVERY_MS };
  let handle: LockHandle;
  try {
    handle = await deps.lock.acquire(key, lease.ms, { action: plan.action, environment: plan.environment, target: plan.target.display });
  } catch (err) {
    if (err instanceof LockHeldError || err instanceof LockUnavailableError) return refuse('refused', err.message);
    return refuse('refused', `could not take the lock on ${lockSubject(key)} in ${deps.lock.where}: ${errorMessage(err)}; nothing was done`);
  }
  if (handle.choice) lockNotes.push(handle.choice);
  if (handle.freed) lockNotes.push(`freed the lock of ${holderLine(handle.freed, Date.now())}: that process on this host is gone`);
  const lockEvents: string[] = [];

  let requestIds: string[] = [];
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
    // used under the lock, after the re-read: an approval is not spent on a run that aborts for a changed target
    let approvalNote = '';
    if (gate && breakGlass) approvalNote = `; BREAK-GLASS: the two-person rule bypassed: ${breakGlass}`;
    else if (gate && req.approval) {
      const used = await gate.consume(plan, req.approval);
      if (!used.ok) return await refuse('refused', used.message);
      approvalNote = `; approved by ${used.by} (request ${req.approval.trim().toUpperCase()}, used)`;
    }
    const reason = req.reason ? `; reason: ${oneLine(req.reason, 300)}` : '';

    const intent = await journal('intent', null, ('partOf' in confirmation ? `${plan.summary} (a step of ${confirmation.partOf.title})` : plan.summary) + reason + approvalNote);
    const children: RunChild = (child) => observed(deps, child, { partOf: plan });
    const progress: JournalProgress = async (detail, data) => {
      await deps.journal.append({ ...base, plan: { progressOf: intent.seq, ...data }, phase: 'progress', outcome: null, detail, requestIds: [], phraseAccepted: phraseAccepted, durationMs: ctx.now() - started });
    };
    try {
      const res = await renewing(handle, lease, (e) => lockEvents.push(e), () => action.execute(ctx, plan, signal, children, progress));
      requestIds = res.requestIds;
      lockNotes.push(...lockEvents);
      await journal('outcome', 'ok', res.detail, requestIds);
    } catch (err) {
      const message = errorMessage(err);
      lockNotes.push(...lockEvents);
      await journal('outcome', 'failed', message, requestIds);
      return { outcome: 'failed', message: `${plan.title} failed: ${message}${lockEvents.length ? ` (lock: ${lockEvents.join('; ')})` : ''}`, requestIds, ...(gate && breakGlass ? { breakGlass } : {}) };
    }
  } finally {
    await handle.release().catch(() => undefined);
  }

  const watches = deps.watches ?? PROCESS_WATCHES;
  const watch = watches.start(key, plan.title, signal);
  const verify = await action.verify(ctx, plan, (p) => req.onProgress?.(p), watch.signal).catch((err: unknown): VerifyResult => {
    const superseded = watch.supersededBy();
    if (superseded) return { ok: false, message: `the watch stopped: ${superseded} took over ${plan.target.display}` };
    return { ok: false, message: `verification stopped: ${errorMessage(err)}` };
  });
  watch.end();
  const superseded = watch.supersededBy() !== undefined;
  // the operator (or the dashboard closing) stopped the watch: not a failure of the change
  const stopped = superseded || signal.aborted;
  await journal('verify', verify.ok ? 'ok' : stopped ? 'aborted' : 'failed', verify.message, requestIds);
  const lockSaid = lockEvents.length ? ` (lock: ${lockEvents.join('; ')})` : '';
  const glass = gate && breakGlass ? { breakGlass } : {};
  if (verify.ok) return { outcome: 'done', message: verify.message + lockSaid, requestIds, verify, ...glass };
  if (superseded) return { outcome: 'aborted', message: `${plan.title}: the call succeeded; ${verify.message}`, requestIds, verify, ...glass };
  return { outcome: 'failed', message: `${plan.title}: the call succeeded but ${verify.message}`, requestIds, verify, ...glass };
}

/** What every journal record of an action carries: who, where, what, and the plan as shown. */
function journalBase(deps: Pick<ExecutorDeps, 'awsArn'>, plan: Plan) {
  return {
    operator: currentOperator(deps.awsArn),
    environment: plan.environment,
    action: plan.action,
    target: plan.target.display,
    plan: { summary: plan.summary, changes: plan.changes, calls: plan.calls },
  };
}

/**
 * A wrong phrase entered in the TUI's confirmation box, which stays open for
 * another try: journaled as the refusal the command line journals for a wrong
 * --confirm, so the journal holds every attempt whichever way it was typed.
 */
export function journalMistypedPhrase(deps: Pick<ExecutorDeps, 'journal' | 'awsArn'>, plan: Plan, typed: string): Promise<AuditRecord> {
  return deps.journal.append({
    ...journalBase(deps, plan),
    phase: 'refusal',
    outcome: 'refused',
    detail: `the confirmation "${typed}" is not "${plan.phrase}": nothing was done`,
    requestIds: [],
    phraseAccepted: false,
    durationMs: 0,
  });
}

/**
 * Runs `work` while renewing the lock's lease, so a call that takes long (a
 * drill) keeps its target while a killed holder's lease lapses. The call is
 * already under way when a renewal goes wrong, so it is not stopped; what the
 * renewal found (the lock taken again after Redis lost it, someone else
 * holding it) is told through `event`, journaled and shown with the result.
 */
async function renewing<T>(handle: LockHandle, lease: { ms: number; renewEveryMs: number }, event: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const subject = lockSubject(handle.key);
  let lastLost = '';
  let failingSince: number | undefined;
  const said = (r: RenewResult) => {
    const now = Date.now();
    failingSince = undefined;
    if (r.status === 'retaken') event(`the lock on ${subject} had vanished (did its Redis restart?) and was taken again at ${clockTime(now)}`);
    if (r.status === 'lost') {
      const who = r.holder ? holderLine(r.holder, now) : 'someone else';
      if (who !== lastLost) event(`the lock on ${subject} was lost at ${clockTime(now)}: it is held by ${who}; they may be acting on it too`);
      lastLost = who;
    }
  };
  let inFlight = false;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = true;
    handle
      .renew(lease.ms)
      .then(said, (err: unknown) => {
        // the backend is down: the lease lapses on its own once it is past; said once
        const now = Date.now();
        failingSince ??= now;
        if (now - failingSince >= lease.ms - lease.renewEveryMs) {
          event(`could not renew the lock on ${subject} since ${clockTime(failingSince)} (${errorMessage(err)}); its lease has lapsed`);
          failingSince = Number.POSITIVE_INFINITY;
        }
      })
      .finally(() => (inFlight = false));
  }, lease.renewEveryMs);
  timer.unref?.();
  try {
    return await work();
  } finally {
    clearInterval(timer);
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
