/**
 * The scale plan's word on autoscaling: a service scaled to 0 (or below its
 * minimum) while Application Auto Scaling can still raise it does not stay
 * there. The plan says so and names the suspend action that keeps it down.
 */
import { canScaleOut, scalingState } from '../../model/autoscaling.js';
import { errorMessage } from '../../text/sanitize.js';
import type { EcsActionContext, ServiceArgs } from './context.js';

/** Plan lines for a scale of `args.service` to `desired`; empty when autoscaling cannot undo it. */
export async function autoscalingWarning(ctx: EcsActionContext, args: ServiceArgs, desired: number, signal: AbortSignal): Promise<string[]> {
  const control = ctx.ecs.autoscaling;
  if (!control) return [];
  let t;
  try {
    t = await control.target(args.cluster, args.service, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    if (desired > 0) return [];
    return [`Autoscaling could not be read (${errorMessage(err)}): if ${args.service} has a scalable target, it may raise the count again.`];
  }
  if (!t || !canScaleOut(t)) return [];
  if (desired > 0 && desired >= t.min) return [];
  const why = desired === 0 ? 'to 0' : `below its minimum ${t.min}`;
  return [
    `WARNING autoscaling is ${scalingState(t)} on ${args.service} (min ${t.min}, max ${t.max}): scaled ${why}, Application Auto Scaling can raise the count again.`,
    `Suspend it first: opsdeck autoscaling suspend ${args.service}${ctx.env.protected ? ` --env ${ctx.env.name}` : ''} (key A on the ECS panel).`,
  ];
}
