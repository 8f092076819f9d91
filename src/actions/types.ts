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
  kind: 'ecs-service' | 'db-instance' | 'db-snapshot' | 'queue';
  /** the name an operator types, e.g. "api" */
  name: string;
  /** e.g. the cluster of a service or the Redis of a queue */
  parent?: string;
  /** e.g. "prod/api": what the journal and the lock name */
  display: string;
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

export interface Plan {
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
  /** how long verification may take before it says so */
  verifyTimeoutMs: number;
  /** action-specific facts execute and verify need (the cluster, the target revision…) */
  params: Record<string, string | number | boolean>;
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

export interface ActionDefinition<Args, Ctx extends ActionContext = ActionContext> {
  id: string;
  title: string;
  tier: Tier;
  plan(ctx: Ctx, args: Args, signal: AbortSignal): Promise<Plan>;
  /** the fingerprint of the target as it is now */
  fingerprint(ctx: Ctx, plan: Plan, signal: AbortSignal): Promise<string>;
  execute(ctx: Ctx, plan: Plan, signal: AbortSignal): Promise<ExecuteResult>;
  verify(ctx: Ctx, plan: Plan, onProgress: (p: VerifyProgress) => void, signal: AbortSignal): Promise<VerifyResult>;
}

/** The phrase to type: the target's name, carrying the environment when it is protected. */
export function confirmationPhrase(tier: Tier, env: Pick<EnvironmentInfo, 'name' | 'protected'>, targetName: string): string {
  if (tier === 'reversible') return 'y';
  if (tier === 'read') return '';
  return env.protected ? `${env.name}/${targetName}` : targetName;
}
