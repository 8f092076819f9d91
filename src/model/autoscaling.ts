/**
 * An ECS service's Application Auto Scaling target as panels, checks and
 * actions see it: its bounds and which of its three kinds of scaling are
 * suspended (RegisterScalableTarget's SuspendedState).
 */

export interface SuspendedState {
  /** target tracking / step policies may not lower the count */
  dynamicIn: boolean;
  /** target tracking / step policies may not raise the count */
  dynamicOut: boolean;
  /** scheduled actions do not run */
  scheduled: boolean;
}

export interface ScalableTarget {
  /** "service/<cluster>/<service>" */
  resourceId: string;
  min: number;
  max: number;
  suspended: SuspendedState;
}

export const ALL_SUSPENDED: SuspendedState = Object.freeze({ dynamicIn: true, dynamicOut: true, scheduled: true });
export const NONE_SUSPENDED: SuspendedState = Object.freeze({ dynamicIn: false, dynamicOut: false, scheduled: false });

/** The resource id Application Auto Scaling names an ECS service by (the cluster's name, not its ARN). */
export function serviceResourceId(cluster: string, service: string): string {
  const name = (s: string) => s.slice(s.lastIndexOf('/') + 1);
  return `service/${name(cluster)}/${name(service)}`;
}

/** Whether something can still raise the service's count on its own: a scale-out policy or a scheduled action. */
export function canScaleOut(t: ScalableTarget): boolean {
  return !t.suspended.dynamicOut || !t.suspended.scheduled;
}

export function fullySuspended(t: ScalableTarget): boolean {
  return t.suspended.dynamicIn && t.suspended.dynamicOut && t.suspended.scheduled;
}

/** "active", "suspended", or "partly suspended (out, scheduled)" */
export function scalingState(t: ScalableTarget): string {
  if (fullySuspended(t)) return 'suspended';
  const parts = [t.suspended.dynamicIn ? 'in' : '', t.suspended.dynamicOut ? 'out' : '', t.suspended.scheduled ? 'scheduled' : ''].filter(Boolean);
  return parts.length === 0 ? 'active' : `partly suspended (${parts.join(', ')})`;
}
