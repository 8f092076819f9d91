/**
 * Force a new deployment of the same revision: fresh tasks, same image. The
 * reversible tier: y/n with the focus on "no".
 */
import type { ActionDefinition, Plan } from '../types.js';
import { confirmationPhrase } from '../types.js';
import { DEFAULT_VERIFY_TIMEOUT_MS, primary, target, waitForService, where, type EcsActionContext, type ServiceArgs } from './context.js';

export interface RedeployArgs extends ServiceArgs {
  verifyTimeoutMs?: number;
}

const fingerprintOf = (s: Parameters<typeof primary>[0]) => JSON.stringify({ taskDefinition: s.taskDefinition, desiredCount: s.desired, deployment: primary(s)?.id ?? null });

export const redeployAction: ActionDefinition<RedeployArgs, EcsActionContext> = {
  id: 'redeploy',
  title: 'Force a new deployment',
  tier: 'reversible',

  async plan(ctx, args, signal): Promise<Plan> {
    const svc = await ctx.ecs.service(args.cluster, args.service, signal);
    const tier = 'reversible';
    return {
      action: 'redeploy',
      title: `Redeploy ${ctx.env.name}/${args.service}`,
      tier,
      environment: ctx.env.name,
      target: target(ctx, args),
      summary: `${where(ctx, args)}: new deployment of ${svc.taskDefinition}; desired ${svc.desired}, running ${svc.running}`,
      changes: [{ field: 'deployment', before: primary(svc)?.id ?? '-', after: 'a new deployment' }],
      calls: [{ api: 'ecs:UpdateService', params: { cluster: args.cluster, service: args.service, forceNewDeployment: true } }],
      details: ['Tasks are replaced one batch at a time under the service\'s deployment configuration.'],
      phrase: confirmationPhrase(tier, ctx.env, args.service),
      fingerprint: fingerprintOf(svc),
      verifyTimeoutMs: args.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
      params: { cluster: args.cluster, deployment: primary(svc)?.id ?? '' },
      createdAt: ctx.now(),
    };
  },

  async fingerprint(ctx, plan, signal) {
    return fingerprintOf(await ctx.ecs.service(String(plan.params.cluster), plan.target.name, signal));
  },

  async execute(ctx, plan, signal) {
    const res = await ctx.ecs.updateService(String(plan.params.cluster), plan.target.name, { forceNewDeployment: true }, signal);
    return { requestIds: res.requestId ? [res.requestId] : [], detail: 'UpdateService forceNewDeployment=true accepted' };
  },

  verify(ctx, plan, onProgress, signal) {
    const before = String(plan.params.deployment);
    return waitForService(ctx, plan, (s) => {
      const p = primary(s);
      return p !== undefined && p.id !== before && p.rolloutState === 'COMPLETED' && s.running === s.desired;
    }, onProgress, signal);
  },
};
