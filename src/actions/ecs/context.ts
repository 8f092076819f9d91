import type { EcsControl } from '../../sources/ports.js';
import type { EcsDeployment, EcsService } from '../../model/ecs.js';
import { timeoutText } from '../timeout.js';
import type { ConditionVerdict } from '../../checks/topology.js';
import type { ActionContext, Plan, VerifyProgress, VerifyResult } from '../types.js';

export interface EcsActionContext extends ActionContext {
  ecs: EcsControl;
  /** evaluates a singleInstanceUnless condition against what opsdeck sees now */
  condition(rule: string): ConditionVerdict;
  /** the topology rule configured for a service, if any */
  ruleFor(cluster: string, service: string): string | undefined;
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

export function progressOf(svc: EcsService): VerifyProgress {
  return {
    message: `running ${svc.running}/${svc.desired}, pending ${svc.pending}, rollout ${svc.rollout}, ${svc.taskDefinition}`,
    fraction: svc.desired === 0 ? (svc.running === 0 ? 1 : 0) : Math.min(1, svc.running / svc.desired),
  };
}

/** What a verification judges on each read: done (either way), or still waiting. */
export type ServiceVerdict = { done: true; ok: boolean; message?: string } | { done: false };

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
  for (;;) {
    const svc = await ctx.ecs.service(plan.params.cluster, plan.target.name, signal);
    const p = progressOf(svc);
    onProgress(p);
    const verdict = judge(svc);
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
    if (!p || !isNew(p)) return { done: false };
    if (p.running === p.desired && p.pending === 0) return { done: true, ok: true, message: `${display}: the new deployment ${p.id} (${p.taskDefinition}) is PRIMARY with ${p.running}/${p.desired} running` };
    return { done: false };
  };
}
