/**
 * Which snapshot a drill restores: the newest automated one that is
 * available (what a real recovery would use), or the one the operator names,
 * which must be of the same instance (the copy is compared with it) and
 * available. A string is the reason there is none.
 */
import type { RdsActionContext } from '../actions/rds/context.js';
import type { DbSnapshot } from '../model/rds.js';

export async function chooseSnapshot(ctx: RdsActionContext, instance: string, given: string | undefined, signal: AbortSignal): Promise<DbSnapshot | string> {
  const { rds, env } = ctx;
  const source = await rds.instance(instance, signal);
  if (!source) return `no RDS instance ${instance} in ${env.name}`;
  if (given !== undefined) {
    const snap = await rds.snapshot(given, signal);
    if (!snap) return `no snapshot ${given} in ${env.name}; automated ones are named rds:<instance>-<date>, see the RDS panel`;
    if (snap.instanceId !== instance) return `snapshot ${snap.id} is of ${snap.instanceId}, not ${instance}: a drill compares the copy with the instance it came from`;
    if (snap.status !== 'available') return `snapshot ${snap.id} is ${snap.status} (${snap.progress} %); a drill restores only an available snapshot`;
    return snap;
  }
  const all = await rds.snapshots(instance, signal);
  const newest = all.find((s) => s.type === 'automated' && s.status === 'available');
  if (newest) return newest;
  return `${instance} has no available automated snapshot${all.length ? ` (${all.length} other snapshots: pass --snapshot ID)` : ' (is its backup retention 0?)'}`;
}
