/**
 * Roll a service back to an earlier task definition revision: the previous
 * one by default, the one asked for, or the last known good one (with the
 * evidence; rollbackTarget.ts). The plan shows what differs between the two
 * revisions, so the operator sees which image they are going back to.
 */
import type { ActionDefinition, Plan } from '../types.js';
import { confirmationPhrase } from '../types.js';
import { diffTaskDefinitions } from './diff.js';
import { chooseRollback, type RollbackTo } from './rollbackTarget.js';
import { DEFAULT_VERIFY_TIMEOUT_MS, judgeDeployment, primary, target, waitForService, where, type EcsActionContext, type ServiceArgs } from './context.js';

export interface RollbackArgs extends ServiceArgs {
  /** a revision number of the service's family, or the last known good one; default: the newest one below the current */
  to?: RollbackTo;
  verifyTimeoutMs?: number;
}

export interface RollbackParams {
  cluster: string;
  /** family:revision */
  to: string;
  /** the PRIMARY deployment when the plan was made; the rollback starts another */
  before: string;
}

const fingerprintOf = (s: { desired: number; taskDefinition: string }) => JSON.stringify({ taskDefinition: s.taskDefinition, desiredCount: s.desired });

export const rollbackAction: ActionDefinition<RollbackArgs, EcsActionContext, RollbackParams> = {
  id: 'rollback',
  title: 'Roll back a service',
  tier: 'destructive',

  async plan(ctx, args, signal): Promise<Plan<RollbackParams>> {
    const svc = await ctx.ecs.service(args.cluster, args.service, signal);
    const revisions = await ctx.ecs.revisions(svc.family, signal);
    const { to, refusal, lines } = await chooseRollback(ctx, args, svc, revisions, signal);
    let details: string[] = [...lines];
    if (to && !refusal) {
      const [a, b] = await Promise.all([ctx.ecs.taskDefinition(svc.taskDefinition, signal), ctx.ecs.taskDefinition(to, signal)]);
      details = [...details, ...diffTaskDefinitions(a, b)];
    }
    const toRef = to ?? `${svc.family}:?`;
    const tier = 'destructive';
    return {
      action: 'rollback',
      title: `Roll back ${ctx.env.name}/${args.service} to ${toRef}`,
      tier,
      environment: ctx.env.name,
      target: target(ctx, args),
      summary: `${where(ctx, args)}: taskDefinition ${svc.taskDefinition} → ${toRef}; desired ${svc.desired}, running ${svc.running}`,
      changes: [{ field: 'taskDefinition', before: svc.taskDefinition, after: toRef }],
      calls: [{ api: 'ecs:UpdateService', params: { cluster: args.cluster, service: args.service, taskDefinition: toRef } }],
      details,
      phrase: confirmationPhrase(tier, ctx.env, args.service),
      fingerprint: fingerprintOf(svc),
      ...(refusal ? { refusal } : {}),
      verifyTimeoutMs: args.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
      params: { cluster: args.cluster, to: toRef, before: primary(svc)?.id ?? '' },
      createdAt: ctx.now(),
    };
  },

  async fingerprint(ctx, plan, signal) {
    return fingerprintOf(await ctx.ecs.service(plan.params.cluster, plan.target.name, signal));
  },

  async execute(ctx, plan, signal) {
    const { to } = plan.params;
    const res = await ctx.ecs.updateService(plan.params.cluster, plan.target.name, { taskDefinition: to }, signal);
    return { requestIds: res.requestId ? [res.requestId] : [], detail: `UpdateService taskDefinition=${to} accepted` };
  },

  verify(ctx, plan, onProgress, signal) {
    const { to, before } = plan.params;
    return waitForService(ctx, plan, judgeDeployment(plan.target.display, (d) => d.taskDefinition === to && d.id !== before), onProgress, signal);
  },
};
