/**
 * What a lost intent's target looks like now, from one describe per area
 * (ECS services, RDS instances), so the operator reconciling it sees whether
 * the change landed. Queues are not described: which jobs moved is not
 * something their current state tells.
 */
import type { UnreconciledIntent } from '../audit/unreconciled.js';
import { errorMessage } from '../text/sanitize.js';
import type { OpenedEnvironment } from './environment.js';

const READ_TIMEOUT_MS = 10_000;

export async function currentStates(opened: OpenedEnvironment, intents: readonly UnreconciledIntent[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const signal = AbortSignal.timeout(READ_TIMEOUT_MS);
  const nameOf = (i: UnreconciledIntent) => i.target.split('/').pop() ?? i.target;
  const rds = intents.filter((i) => /restore|snapshot|drill/i.test(i.action));
  const ecs = intents.filter((i) => /scale|rollback|redeploy/i.test(i.action));
  if (rds.length) {
    try {
      const snap = await opened.sources.rds.describe(signal);
      for (const i of rds) {
        const inst = snap.instances.find((x) => x.id === nameOf(i));
        out.set(i.seq, inst ? `instance ${inst.id} exists, ${inst.status}` : `no instance ${nameOf(i)}`);
      }
    } catch (err) {
      for (const i of rds) out.set(i.seq, `RDS could not be read: ${errorMessage(err)}`);
    }
  }
  if (ecs.length) {
    try {
      const snap = await opened.sources.ecs.describe(signal);
      for (const i of ecs) {
        const svc = snap.services.find((s) => s.name === nameOf(i));
        out.set(i.seq, svc ? `service ${svc.name} wants ${svc.desired}, runs ${svc.running}, ${svc.taskDefinition}` : `no service ${nameOf(i)}`);
      }
    } catch (err) {
      for (const i of ecs) out.set(i.seq, `ECS could not be read: ${errorMessage(err)}`);
    }
  }
  return out;
}
