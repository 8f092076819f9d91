/**
 * Application Auto Scaling, simulated for the part that matters when an
 * operator stops writes: a service scaled below its scalable target's
 * minimum is raised back to the minimum once the scale-out alarm has seen it
 * long enough, unless dynamic scale-out is suspended. (Target tracking on
 * CPU is not modelled; the demo's load never needs it.)
 */
import type { ScalableTarget, SuspendedState } from '../../model/autoscaling.js';
import { NONE_SUSPENDED, serviceResourceId } from '../../model/autoscaling.js';
import { CLUSTER, type EcsSim } from './ecs.js';
import { awsError } from './taskdefs.js';

/** a target-tracking alarm wants 3 one-minute datapoints, then the activity starts */
export const RAISE_AFTER_MS = 4 * 60_000;

interface SimTarget {
  min: number;
  max: number;
  suspended: SuspendedState;
  /** since when the desired count has been below the minimum with scale-out active */
  belowSince?: number;
}

export class AutoscalingSim {
  private readonly targets = new Map<string, SimTarget>();

  constructor(specs: ReadonlyArray<{ name: string; autoscaling?: { min: number; max: number } }>) {
    for (const s of specs) if (s.autoscaling) this.targets.set(s.name, { ...s.autoscaling, suspended: { ...NONE_SUSPENDED } });
  }

  step(ecs: EcsSim, t: number): void {
    for (const [name, target] of this.targets) {
      const svc = ecs.services.get(name);
      if (!svc || target.suspended.dynamicOut || svc.desired >= target.min) {
        delete target.belowSince;
        continue;
      }
      target.belowSince ??= t;
      if (t - target.belowSince >= RAISE_AFTER_MS) {
        ecs.setDesiredCount(CLUSTER, name, target.min);
        delete target.belowSince;
      }
    }
  }

  /** undefined: the service has no scalable target */
  view(cluster: string, service: string): ScalableTarget | undefined {
    const target = cluster === CLUSTER ? this.targets.get(service) : undefined;
    return target ? { resourceId: serviceResourceId(cluster, service), min: target.min, max: target.max, suspended: { ...target.suspended } } : undefined;
  }

  /** like RegisterScalableTarget with only SuspendedState, which needs an existing target */
  setSuspended(cluster: string, service: string, suspended: SuspendedState): void {
    const target = cluster === CLUSTER ? this.targets.get(service) : undefined;
    if (!target) throw awsError('ValidationException', `No scalable target registered for service namespace: ecs, resource ID: ${serviceResourceId(cluster, service)}, scalable dimension: ecs:service:DesiredCount`);
    target.suspended = { ...suspended };
    if (suspended.dynamicOut) delete target.belowSince;
  }
}
