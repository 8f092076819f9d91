/**
 * An action is data plus three functions: plan against what is on screen,
 * execute the exact calls the plan lists, verify the world reached the
 * planned state. The executor (executor.ts) wraps every action in the same
 * guards, so no action can skip read-only, the re-read, the lock or the
 * journal.
 */
import type { EnvironmentInfo } from '../model/environment.js';

export type Tier = 'read' | 'reversible' | 'destructive';

export interface ActionTarget {
  kind: 'ecs-service' | 'ecs-task' | 'db-instance' | 'db-snapshot' | 'queue' | 'runbook' | 'pg-backend';
  /** the name an operator types, e.g. "api" */
  name: string;
  /** e.g. the cluster of a service or the Redis of a queue */
  parent?: string;
  /** e.g. "prod/api": what the journal and the operator see */
  display: string;
  /** a second lock on the same resource for a long activity that must not hold up other actions on it (the backup drill) */
  lockAspect?: string;
}

export interface PlanChange {
  field: string;
  before: string;
  after: string;
}

export interface PlannedCall {
  /** e.g. "ecs:UpdateService" (also the IAM action it needs) */
  api: string;
  params: Record<string, unknown>;
}

/** `P`: the facts execute and verify need, typed per action (the cluster, the target revision…). */
export interface Plan<P = unknown> {
  action: string;
  title: string;
  tier: Tier;
  environment: string;
  target: ActionTarget;
  /** one line: "prod / cluster conflicto / service api: desiredCount 4 → 0; running 4" */
  summary: string;
  changes: PlanChange[];
  calls: PlannedCall[];
  /** extra lines shown under the plan, e.g. the diff of two task definitions */
  details: string[];
  /** what the operator types: the target's name, or env/name in a protected environment; "y" for the reversible tier */
  phrase: string;
  /** the target's state the plan was made against; the executor re-reads it and compares */
  fingerprint: string;
  /** set when the action must not run at all (a topology rule, nothing to do); the operator sees why */
  refusal?: string;
  /** what the plan makes beside its target, for a panel to follow (the snapshot a snapshot action takes) */
  creates?: { kind: 'db-snapshot'; id: string };
  /** how long verification may take before it says so */
  verifyTimeoutMs: number;
  /** action-specific facts execute and verify need; never shown, never journaled */
  params: P;
  createdAt: number;
}

export interface ExecuteResult {
  requestIds: string[];
  detail: string;
}

export interface VerifyProgress {
  /** one line, e.g. "running 2/4, pending 1, rollout IN_PROGRESS" */
  message: string;
  /** 0..1 when known */
  fraction?: number;
  /** nothing has been called yet: the run waits for a second operator's approval */
  awaitingApproval?: boolean;
}

export interface VerifyResult {
  ok: boolean;
  message: string;
}

export interface ActionContext {
  env: EnvironmentInfo;
  now(): number;
  /** waits between verification reads; tests and the sandbox shorten it */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface ActionDefinition<Args, Ctx extends ActionContext = ActionContext, P = unknown> {
  id: string;
  title: string;
  tier: Tier;
  plan(ctx: Ctx, args: Args, signal: AbortSignal): Promise<Plan<P>>;
  /** the fingerprint of the target as it is now */
  fingerprint(ctx: Ctx, plan: Plan<P>, signal: AbortSignal): Promise<string>;
  /** `children` runs the steps of an action made of actions, under the operator's confirmation of this one */
  execute(ctx: Ctx, plan: Plan<P>, signal: AbortSignal, children: RunChild, progress?: JournalProgress): Promise<ExecuteResult>;
  verify(ctx: Ctx, plan: Plan<P>, onProgress: (p: VerifyProgress) => void, signal: AbortSignal): Promise<VerifyResult>;
}

/** A step of a confirmed action: every guard but the typing, which the whole was confirmed with. */
export interface ChildRequest<Args, Ctx extends ActionContext, P> {
  action: ActionDefinition<Args, Ctx, P>;
  ctx: Ctx;
  plan: Plan<P>;
  onProgress?: (p: VerifyProgress) => void;
  signal?: AbortSignal;
}

/**
 * Journals how far a long call has got (a `progress` record tied to the
 * intent), so a process killed mid-call leaves what it did: `detail` is the
 * one line `audit` and the unreconciled finding show, `data` the exact facts.
 */
export type JournalProgress = (detail: string, data: Record<string, unknown>) => Promise<void>;

/** Handed to execute by the executor only, once the operator's confirmation was accepted. */
export type RunChild = <Args, Ctx extends ActionContext, P>(req: ChildRequest<Args, Ctx, P>) => Promise<ChildResult>;

/** What a step's run ended with (the executor's RunResult). */
export interface ChildResult {
  outcome: 'done' | 'refused' | 'aborted' | 'failed';
  message: string;
  requestIds: string[];
  verify?: VerifyResult;
}

/** The phrase to type: the target's name, carrying the environment when it is protected. */
export function confirmationPhrase(tier: Tier, env: Pick<EnvironmentInfo, 'name' | 'protected'>, targetName: string): string {
  if (tier === 'reversible') return 'y';
  if (tier === 'read') return '';
  return env.protected ? `${env.name}/${targetName}` : targetName;
}
