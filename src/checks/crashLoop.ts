/**
 * What makes a service "crash-looping": several of its tasks on the CURRENT
 * revision stopped with a non-zero exit. Stops of an older revision are
 * history: after a rollback they must not keep the service red.
 */
import type { EcsService, EcsStoppedTask } from '../model/ecs.js';

export const CRASH_LOOP_STOPS = 3;
const CRASH_LOOP_WINDOW_MS = 10 * 60_000;

const shortRef = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

export function failedStops(svc: EcsService, now?: number, windowMs = CRASH_LOOP_WINDOW_MS): EcsStoppedTask[] {
  const current = shortRef(svc.taskDefinition);
  return svc.stoppedTasks.filter(
    (t) =>
      shortRef(t.taskDefinition) === current &&
      (now === undefined || now - t.stoppedAt <= windowMs) &&
      t.containers.some((c) => c.exitCode !== undefined && c.exitCode !== 0),
  );
}

export function isCrashLooping(svc: EcsService, now?: number): boolean {
  return failedStops(svc, now).length >= CRASH_LOOP_STOPS;
}
