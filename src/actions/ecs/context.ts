import type { EcsControl } from '../../sources/ports.js';
import type { EcsService } from '../../model/ecs.js';
import type { ConditionVerdict } from '../../checks/topology.js';
import type { ActionContext, Plan, VerifyProgress, VerifyResult } from '../types.js';

export interface EcsActionContext extends ActionContext {
  ecs: EcsControl;
  /** evaluates a singleInstanceUnless condition against what opsdeck sees now */
  condition(rule: string): ConditionVerdict;
  /** the topology rule configured for a service, if any */
  ruleFor(cluster: string, service: string): string | undefined;
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

/**
 * Reads the service until `done` holds or the plan's timeout passes, telling
 * the operator what it sees on every read.
 */
export async function waitForService(
  ctx: EcsActionContext,
  plan: Plan,
  done: (svc: EcsService) => boolean,
  onProgress: (p: VerifyProgress) => void,
  signal: AbortSignal,
): Promise<VerifyResult> {
  const cluster = String(plan.params.cluster);
  const deadline = ctx.now() + plan.verifyTimeoutMs;
  let last: EcsService | undefined;
  for (;;) {
    last = await ctx.ecs.service(cluster, plan.target.name, signal);
    const p = progressOf(last);
    onProgress(p);
    if (done(last)) return { ok: true, message: `${plan.target.display}: ${p.message}` };
    if (ctx.now() >= deadline) {
      const mins = Math.round(plan.verifyTimeoutMs / 60_000);
      return { ok: false, message: `after ${mins >= 1 ? `${mins} min` : `${Math.round(plan.verifyTimeoutMs / 1000)} s`} ${p.message}; it may still finish, watch the ECS panel` };
    }
    await ctx.sleep(VERIFY_POLL_MS, signal);
  }
}
