/**
 * Application Auto Scaling for ECS services: the scalable targets the ECS
 * panel shows (one paged DescribeScalableTargets per 50 services), and the
 * AutoscalingControl the suspend / resume actions and the scale plan use.
 * A service without a scalable target is simply absent from the answer.
 */
import type { ScalableTarget as SdkTarget } from '@aws-sdk/client-application-auto-scaling';
import type { ScalableTarget, SuspendedState } from '../../model/autoscaling.js';
import { serviceResourceId } from '../../model/autoscaling.js';
import type { AutoscalingControl } from '../ports.js';
import { send, type AwsContext } from './clients.js';
import { allPages } from './paging.js';
import { chunk } from './util.js';

const NAMESPACE = 'ecs';
const DIMENSION = 'ecs:service:DesiredCount';
/** DescribeScalableTargets' maximum page size, and how many ResourceIds one call filters on */
const PAGE = 50;

export function mapScalableTarget(t: SdkTarget): ScalableTarget {
  const s = t.SuspendedState ?? {};
  return {
    resourceId: t.ResourceId ?? '',
    min: t.MinCapacity ?? 0,
    max: t.MaxCapacity ?? 0,
    suspended: { dynamicIn: s.DynamicScalingInSuspended === true, dynamicOut: s.DynamicScalingOutSuspended === true, scheduled: s.ScheduledScalingSuspended === true },
  };
}

/** The scalable targets of these resource ids ("service/<cluster>/<service>"), by resource id. */
export async function readScalableTargets(ctx: AwsContext, resourceIds: readonly string[], signal: AbortSignal): Promise<Map<string, ScalableTarget>> {
  const found = new Map<string, ScalableTarget>();
  for (const ids of chunk([...new Set(resourceIds)], PAGE)) {
    const targets = await allPages(async (nextToken) => {
      const out = await send(
        ctx,
        'autoscaling',
        (aas) => new aas.DescribeScalableTargetsCommand({ ServiceNamespace: NAMESPACE, ScalableDimension: DIMENSION, ResourceIds: ids, MaxResults: PAGE, ...(nextToken ? { NextToken: nextToken } : {}) }),
        signal,
      );
      return { items: out.ScalableTargets, nextToken: out.NextToken };
    }, signal);
    for (const t of targets) if (t.ResourceId) found.set(t.ResourceId, mapScalableTarget(t));
  }
  return found;
}

export function awsAutoscalingControl(ctx: AwsContext): AutoscalingControl {
  return {
    async target(cluster, service, signal) {
      const id = serviceResourceId(cluster, service);
      return (await readScalableTargets(ctx, [id], signal)).get(id);
    },
    async setSuspended(cluster, service, suspended: SuspendedState, signal) {
      const out = await send(
        ctx,
        'autoscaling',
        (aas) =>
          new aas.RegisterScalableTargetCommand({
            ServiceNamespace: NAMESPACE,
            ScalableDimension: DIMENSION,
            ResourceId: serviceResourceId(cluster, service),
            // only SuspendedState: on an existing target the other settings stay as registered
            SuspendedState: { DynamicScalingInSuspended: suspended.dynamicIn, DynamicScalingOutSuspended: suspended.dynamicOut, ScheduledScalingSuspended: suspended.scheduled },
          }),
        signal,
      );
      const requestId = out.$metadata.requestId;
      return requestId ? { requestId } : {};
    },
  };
}
