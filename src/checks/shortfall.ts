/**
 * Since when a service has run fewer tasks than desired, from ECS's own
 * timestamps only. A time opsdeck took itself ("first seen below") would make
 * a one-shot `check` and the dashboard disagree, and a check that takes its
 * "now" before the read would see a negative duration.
 *
 * The last moment ECS says the service was whole is its newest "has reached a
 * steady state" or "deployment completed" event. The shortfall began after it:
 * at the earliest task stop since then, or when ECS last changed the PRIMARY
 * deployment (a new rollout, a new desired count, a task that failed to start),
 * whichever came first. Without any of these the duration is unknown.
 */
import type { EcsService } from '../model/ecs.js';

const WHOLE = /has reached a steady state|deployment completed/;

export function shortfallSince(s: Pick<EcsService, 'events' | 'deployments' | 'stoppedTasks'>): number | undefined {
  const whole = s.events.filter((e) => e.at > 0 && WHOLE.test(e.message)).reduce<number | undefined>((t, e) => Math.max(t ?? 0, e.at), undefined);
  const after = (t: number) => t > 0 && (whole === undefined || t > whole);
  const primary = s.deployments.find((d) => d.status === 'PRIMARY');
  const starts = [...s.stoppedTasks.map((t) => t.stoppedAt), primary?.updatedAt ?? 0].filter(after);
  return starts.length > 0 ? Math.min(...starts) : whole;
}
