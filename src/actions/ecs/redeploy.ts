/**
 * Force a new deployment of the same revision: fresh tasks, same image. The
 * reversible tier: y/n with the focus on "no".
 */
import type { ActionDefinition, Plan } from '../types.js';
import { confirmationPhrase } from '../types.js';
import { DEFAULT_VERIFY_TIMEOUT_MS, judgeDeployment, primary, target, waitForService, where, type EcsActionContext, type ServiceArgs } from './context.js';

export interface RedeployArgs extends ServiceArgs {
  verifyTimeoutMs?: number;
}

export interface RedeployParams {
  cluster: string;
  /** the PRIMARY deployment when the plan was made */
  before: string;
}

const fingerprintOf = (s: Parameters<typeof primary>[0]) => JSON.stringify({ taskDefinition: s.taskDefinition, desiredCount: s.desired, deployment: primary(s)?.id ?? null });

export const redeployAction: ActionDefinition<RedeployArgs, EcsActionContext, RedeployParams> = {
  id: 'redeploy',
  title: 'Force a new deployment',
  tier: 'reversible',

  async plan(ctx, args, signal): Promise<Plan<RedeployParams>> {
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
      params: { cluster: args.cluster, before: primary(svc)?.id ?? '' },
      createdAt: ctx.now(),
    };
  },

  async fingerprint(ctx, plan, signal) {
    return fingerprintOf(await ctx.ecs.service(plan.params.cluster, plan.target.name, signal));
  },

  async execute(ctx, plan, signal) {
    const res = await ctx.ecs.updateService(plan.params.cluster, plan.target.name, { forceNewDeployment: true }, signal);
    return { requestIds: res.requestId ? [res.requestId] : [], detail: 'UpdateService forceNewDeployment=true accepted' };
  },

  verify(ctx, plan, onProgress, signal) {
    const { before } = plan.params;
    return waitForService(ctx, plan, judgeDeployment(plan.target.display, (d) => d.id !== before), onProgress, signal);
  },
};
