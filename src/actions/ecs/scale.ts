/**
 * Scale a service to N tasks, zero included ("stop all writes"). Scaling
 * down is destructive (the operator types the name), and so is a big
 * scale-up: more than twice the current count (from 0 or 1: more than 2) is
 * one mistyped digit from exhausting the database's connections. Other
 * scale-ups are reversible (y/n). A topology rule can forbid more than one
 * task, and the service's configured `maxTasks` caps the count outright.
 */
import type { ActionDefinition, Plan } from '../types.js';
import { confirmationPhrase } from '../types.js';
import { autoscalingWarning } from './autoscalingWarning.js';
import { DEFAULT_VERIFY_TIMEOUT_MS, target, waitForService, where, type EcsActionContext, type ServiceArgs } from './context.js';

export interface ScaleArgs extends ServiceArgs {
  desired: number;
  verifyTimeoutMs?: number;
}

export interface ScaleParams {
  cluster: string;
  desired: number;
}

/** Above this a scale-up asks for the typed phrase: twice the current desired count, counting 0 as 1. */
export function bigScaleUpAbove(current: number): number {
  return 2 * Math.max(1, current);
}

const fingerprintOf = (s: { desired: number; taskDefinition: string }) => JSON.stringify({ desiredCount: s.desired, taskDefinition: s.taskDefinition });

function bigScaleUpDetail(current: number, desired: number, maxTasks: number | undefined): string {
  const cap = maxTasks === undefined ? 'no maxTasks is configured for this service' : `its maxTasks is ${maxTasks}`;
  return `A big scale-up: ${desired} is more than ${bigScaleUpAbove(current)} (twice ${Math.max(1, current)}); every new task opens its own database connections (${cap}).`;
}

export const scaleAction: ActionDefinition<ScaleArgs, EcsActionContext, ScaleParams> = {
  id: 'scale',
  title: 'Scale a service',
  tier: 'destructive',

  async plan(ctx, args, signal): Promise<Plan<ScaleParams>> {
    if (!Number.isInteger(args.desired) || args.desired < 0) throw new Error(`desired count must be a whole number of 0 or more, got ${args.desired}`);
    const svc = await ctx.ecs.service(args.cluster, args.service, signal);
    const big = args.desired > bigScaleUpAbove(svc.desired);
    const tier = args.desired < svc.desired || big ? 'destructive' : 'reversible';
    const rule = ctx.ruleFor(args.cluster, args.service) ?? svc.singleInstanceUnless;
    const maxTasks = ctx.maxTasksFor?.(args.cluster, args.service);
    let refusal: string | undefined;
    if (args.desired === svc.desired) refusal = `${args.service} already wants ${svc.desired} task${svc.desired === 1 ? '' : 's'}; nothing to do`;
    else if (maxTasks !== undefined && args.desired > maxTasks && args.desired > svc.desired) {
      refusal = `scaling ${args.service} to ${args.desired} is refused: its maxTasks is ${maxTasks} (ecs[].maxTasks in the config)`;
    } else if (rule && args.desired > 1) {
      const verdict = ctx.condition(rule);
      if (!verdict.holds) refusal = `scaling ${args.service} above 1 is refused: ${verdict.reason} (topology rule singleInstanceUnless: ${rule})`;
    }
    const scaling = await autoscalingWarning(ctx, args, args.desired, signal);
    return {
      action: 'scale',
      title: `Scale ${ctx.env.name}/${args.service} to ${args.desired}`,
      tier,
      environment: ctx.env.name,
      target: target(ctx, args),
      summary: `${where(ctx, args)}: desiredCount ${svc.desired} → ${args.desired}; running ${svc.running}`,
      changes: [{ field: 'desiredCount', before: String(svc.desired), after: String(args.desired) }],
      calls: [{ api: 'ecs:UpdateService', params: { cluster: args.cluster, service: args.service, desiredCount: args.desired } }],
      details: [...(args.desired === 0 ? ['Every task of the service will be stopped: it stops serving and stops writing.'] : big ? [bigScaleUpDetail(svc.desired, args.desired, maxTasks)] : []), ...scaling],
      phrase: confirmationPhrase(tier, ctx.env, args.service),
      fingerprint: fingerprintOf(svc),
      ...(refusal ? { refusal } : {}),
      verifyTimeoutMs: args.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
      params: { cluster: args.cluster, desired: args.desired },
      createdAt: ctx.now(),
    };
  },

  async fingerprint(ctx, plan, signal) {
    return fingerprintOf(await ctx.ecs.service(plan.params.cluster, plan.target.name, signal));
  },

  async execute(ctx, plan, signal) {
    const { desired } = plan.params;
    const res = await ctx.ecs.updateService(plan.params.cluster, plan.target.name, { desiredCount: desired }, signal);
    return { requestIds: res.requestId ? [res.requestId] : [], detail: `UpdateService desiredCount=${desired} accepted` };
  },

  // done when the counts reach the target, whatever the rollout: a failing deployment
  // (the very service one scales to 0 in an incident) never completes its rollout
  verify(ctx, plan, onProgress, signal) {
    const { desired } = plan.params;
    return waitForService(ctx, plan, (s) => ({ done: s.desired === desired && s.running === desired && s.pending === 0, ok: true }), onProgress, signal);
  },
};
