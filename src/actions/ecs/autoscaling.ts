/**
 * Suspend or resume a service's Application Auto Scaling. "Stop all writes"
 * scales a service to 0, and an active scale-out policy or scheduled action
 * raises it again; suspending all three kinds of scaling (dynamic in, dynamic
 * out, scheduled) is what keeps it down. One RegisterScalableTarget with only
 * SuspendedState: the bounds and the policies stay as registered.
 */
import type { ActionDefinition, Plan, Tier } from '../types.js';
import { confirmationPhrase } from '../types.js';
import { ALL_SUSPENDED, NONE_SUSPENDED, scalingState, serviceResourceId, type ScalableTarget, type SuspendedState } from '../../model/autoscaling.js';
import type { AutoscalingControl } from '../../sources/ports.js';
import { DEFAULT_VERIFY_TIMEOUT_MS, VERIFY_POLL_MS, target, where, type EcsActionContext, type ServiceArgs } from './context.js';
import { timeoutText } from '../timeout.js';

export type AutoscalingMode = 'suspend' | 'resume';

export interface AutoscalingArgs extends ServiceArgs {
  verifyTimeoutMs?: number;
}

export interface AutoscalingParams {
  cluster: string;
  suspended: SuspendedState;
}

const FIELDS: Array<[keyof SuspendedState, string]> = [
  ['dynamicIn', 'DynamicScalingInSuspended'],
  ['dynamicOut', 'DynamicScalingOutSuspended'],
  ['scheduled', 'ScheduledScalingSuspended'],
];

const fingerprintOf = (t: ScalableTarget | undefined) => JSON.stringify(t ? { min: t.min, max: t.max, suspended: t.suspended } : null);
const same = (a: SuspendedState, b: SuspendedState) => FIELDS.every(([k]) => a[k] === b[k]);

export function autoscalingOf(ctx: EcsActionContext): AutoscalingControl {
  const control = ctx.ecs.autoscaling;
  if (!control) throw new Error(`this environment (${ctx.env.name}) gives opsdeck no access to Application Auto Scaling`);
  return control;
}

function definition(mode: AutoscalingMode): ActionDefinition<AutoscalingArgs, EcsActionContext, AutoscalingParams> {
  const id = `autoscaling-${mode}`;
  const after = mode === 'suspend' ? ALL_SUSPENDED : NONE_SUSPENDED;
  return {
    id,
    title: mode === 'suspend' ? 'Suspend a service\'s autoscaling' : 'Resume a service\'s autoscaling',
    tier: 'reversible',

    async plan(ctx, args, signal): Promise<Plan<AutoscalingParams>> {
      const [svc, current] = await Promise.all([ctx.ecs.service(args.cluster, args.service, signal), autoscalingOf(ctx).target(args.cluster, args.service, signal)]);
      let refusal: string | undefined;
      if (!current) refusal = `${args.service} has no scalable target (Application Auto Scaling, ${serviceResourceId(args.cluster, args.service)}); nothing to ${mode}`;
      else if (same(current.suspended, after)) refusal = `${args.service}'s autoscaling is already ${mode === 'suspend' ? 'suspended' : 'active'}; nothing to do`;
      // resuming below the minimum lets Application Auto Scaling raise the count at once: as weighty as a scale-up the operator types for
      const raises = mode === 'resume' && current !== undefined && svc.desired < current.min;
      const tier: Tier = raises ? 'destructive' : 'reversible';
      const details: string[] = [];
      if (current) details.push(`scalable target ${current.resourceId}: min ${current.min}, max ${current.max}, scaling ${scalingState(current)}; desired now ${svc.desired}`);
      if (mode === 'suspend') details.push('While suspended, no policy or scheduled action changes the count; a scale you make stays as you set it.');
      if (raises && current) details.push(`desired ${svc.desired} is below the minimum ${current.min}: Application Auto Scaling may raise it to ${current.min} as soon as scaling resumes.`);
      const before = current?.suspended ?? NONE_SUSPENDED;
      return {
        action: id,
        title: `${mode === 'suspend' ? 'Suspend' : 'Resume'} autoscaling of ${ctx.env.name}/${args.service}`,
        tier,
        environment: ctx.env.name,
        target: target(ctx, args),
        summary: `${where(ctx, args)}: autoscaling ${current ? scalingState(current) : 'none'} → ${mode === 'suspend' ? 'suspended' : 'active'}`,
        changes: FIELDS.map(([k, name]) => ({ field: name, before: String(before[k]), after: String(after[k]) })),
        calls: [
          {
            api: 'application-autoscaling:RegisterScalableTarget',
            params: {
              ServiceNamespace: 'ecs',
              ScalableDimension: 'ecs:service:DesiredCount',
              ResourceId: serviceResourceId(args.cluster, args.service),
              SuspendedState: Object.fromEntries(FIELDS.map(([k, name]) => [name, after[k]])),
            },
          },
        ],
        details,
        phrase: confirmationPhrase(tier, ctx.env, args.service),
        fingerprint: fingerprintOf(current),
        ...(refusal ? { refusal } : {}),
        verifyTimeoutMs: args.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
        params: { cluster: args.cluster, suspended: { ...after } },
        createdAt: ctx.now(),
      };
    },

    async fingerprint(ctx, plan, signal) {
      return fingerprintOf(await autoscalingOf(ctx).target(plan.params.cluster, plan.target.name, signal));
    },

    async execute(ctx, plan, signal) {
      const res = await autoscalingOf(ctx).setSuspended(plan.params.cluster, plan.target.name, plan.params.suspended, signal);
      return { requestIds: res.requestId ? [res.requestId] : [], detail: `RegisterScalableTarget SuspendedState=${mode === 'suspend' ? 'all suspended' : 'none suspended'} accepted` };
    },

    // Application Auto Scaling answers with the new state at once; read until it does, in case it lags
    async verify(ctx, plan, onProgress, signal) {
      const deadline = ctx.now() + plan.verifyTimeoutMs;
      for (;;) {
        const now = await autoscalingOf(ctx).target(plan.params.cluster, plan.target.name, signal);
        if (!now) return { ok: false, message: `${plan.target.display}: the scalable target is gone (deregistered meanwhile?)` };
        const message = `${plan.target.display}: autoscaling ${scalingState(now)} (min ${now.min}, max ${now.max})`;
        onProgress({ message, fraction: same(now.suspended, plan.params.suspended) ? 1 : 0 });
        if (same(now.suspended, plan.params.suspended)) return { ok: true, message };
        if (ctx.now() >= deadline) return { ok: false, message: `after ${timeoutText(plan.verifyTimeoutMs)} ${message}` };
        await ctx.sleep(VERIFY_POLL_MS, signal);
      }
    },
  };
}

export const autoscalingSuspendAction = definition('suspend');
export const autoscalingResumeAction = definition('resume');

export function autoscalingAction(mode: AutoscalingMode) {
  return mode === 'suspend' ? autoscalingSuspendAction : autoscalingResumeAction;
}
