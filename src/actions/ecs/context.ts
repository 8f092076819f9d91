import type { EcsControl } from '../../sources/ports.js';
import type { EcsDeployment, EcsService } from '../../model/ecs.js';
import { timeoutText } from '../timeout.js';
import type { ConditionVerdict } from '../../checks/topology.js';
import type { ActionContext, Plan, VerifyProgress, VerifyResult } from '../types.js';
import type { AuditRecord } from '../../audit/record.js';

export interface EcsActionContext extends ActionContext {
  ecs: EcsControl;
  /** evaluates a singleInstanceUnless condition against what opsdeck sees now */
  condition(rule: string): ConditionVerdict;
  /** the topology rule configured for a service, if any */
  ruleFor(cluster: string, service: string): string | undefined;
  /** how long a revision must have run steady to count as last known good (config `lastGood.steadyMinutes`); absent: the default */
  lastGoodSteadyMs?(cluster: string): number;
  /** the journal's records, for what opsdeck itself did to a service (last known good); absent: not consulted */
  journalRecords?(): Promise<readonly AuditRecord[]>;
  /** the service's configured maxTasks: a scale above it is refused; absent: no cap */
  maxTasksFor?(cluster: string, service: string): number | undefined;
}

export interface ServiceArgs {
  cluster: string;
  service: string;
}

export const DEFAULT_VERIFY_TIMEOUT_MS = 10 * 60_000;
export const VERIFY_POLL_MS = 3_000;

export function where(ctx: ActionContext, a: ServiceArgs): string {
  return `${ctx.env.name} / cluster ${a.cluster} / service ${a.service}`;
}

export function target(ctx: ActionContext, a: ServiceArgs) {
  return { kind: 'ecs-service' as const, name: a.service, parent: a.cluster, display: `${ctx.env.name}/${a.service}` };
}

export function primary(svc: EcsService) {
  return svc.deployments.find((d) => d.status === 'PRIMARY');
}

export function progressMessage(svc: EcsService): string {
  return `running ${svc.running}/${svc.desired}, pending ${svc.pending}, rollout ${svc.rollout}, ${svc.taskDefinition}`;
}

/**
 * How far the running count has come, from where the watch found it towards
 * the desired count: 2 → 3 starts at 0 %, not at 2/3; 3 → 2 at 0 %, not at
 * 100 %. Only a finished verdict says 1.
 */
export function countFraction(startRunning: number, svc: Pick<EcsService, 'running' | 'desired'>): number {
  const span = svc.desired - startRunning;
  if (span === 0) return svc.running === svc.desired ? 1 : 0;
  return Math.min(1, Math.max(0, (svc.running - startRunning) / span));
}

/**
 * What a verification judges on each read: done (either way), or still
 * waiting, with how far it is when the judge knows better than the count
 * (a new deployment: its own tasks, which start at 0).
 */
export type ServiceVerdict = { done: true; ok: boolean; message?: string } | { done: false; fraction?: number };

/**
 * Reads the service until the judge says done or the plan's timeout passes,
 * telling the operator what it sees on every read.
 */
export async function waitForService<P extends { cluster: string }>(
  ctx: EcsActionContext,
  plan: Plan<P>,
  judge: (svc: EcsService) => ServiceVerdict,
  onProgress: (p: VerifyProgress) => void,
  signal: AbortSignal,
): Promise<VerifyResult> {
  const deadline = ctx.now() + plan.verifyTimeoutMs;
  let startRunning: number | undefined;
  for (;;) {
    const svc = await ctx.ecs.service(plan.params.cluster, plan.target.name, signal);
    startRunning ??= svc.running;
    const verdict = judge(svc);
    // never above 99 % while still waiting: a full bar means done
    const fraction = verdict.done ? 1 : Math.min(0.99, verdict.fraction ?? countFraction(startRunning, svc));
    const p: VerifyProgress = { message: progressMessage(svc), fraction };
    onProgress(p);
    if (verdict.done) return { ok: verdict.ok, message: verdict.message ?? `${plan.target.display}: ${p.message}` };
    if (ctx.now() >= deadline) return { ok: false, message: `after ${timeoutText(plan.verifyTimeoutMs)} ${p.message}; it may still finish, watch the ECS panel` };
    await ctx.sleep(VERIFY_POLL_MS, signal);
  }
}

/**
 * A rollback or a redeploy is done when its new deployment is PRIMARY and
 * runs its desired count, or over when that deployment failed. ECS marks the
 * rollout COMPLETED only later (and never while an old deployment drains
 * slowly), so the rollout state is not what is waited for. `isNew` tells the
 * deployment the call made from the one before it.
 */
export function judgeDeployment(display: string, isNew: (d: EcsDeployment) => boolean): (svc: EcsService) => ServiceVerdict {
  return (svc) => {
    // the circuit breaker may already have put another deployment in front of the failed one
    const failed = svc.deployments.find((d) => isNew(d) && d.rolloutState === 'FAILED');
    if (failed) return { done: true, ok: false, message: `${display}: the new deployment ${failed.id} (${failed.taskDefinition}) failed${failed.rolloutReason ? `: ${failed.rolloutReason}` : ''}; running ${failed.running}/${failed.desired}` };
    const p = primary(svc);
    const fresh = svc.deployments.find(isNew);
    // the new deployment's own tasks: the old ones still running say nothing about it
    const fraction = fresh && fresh.desired > 0 ? fresh.running / fresh.desired : 0;
    if (!p || !isNew(p)) return { done: false, fraction };
    if (p.running === p.desired && p.pending === 0) return { done: true, ok: true, message: `${display}: the new deployment ${p.id} (${p.taskDefinition}) is PRIMARY with ${p.running}/${p.desired} running` };
    return { done: false, fraction };
  };
}
