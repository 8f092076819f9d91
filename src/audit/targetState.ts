/**
 * What a lost intent's target looks like now, in words, from data already
 * read: the panels' snapshots on the dashboard and in `check`, one describe
 * per area in `audit reconcile`. Pure, so the dashboard computes it in the
 * checks' run, never in a render or an input handler.
 */
import type { EcsSnapshot } from '../model/ecs.js';
import type { QueuesSnapshot } from '../model/queues.js';
import type { DbInstance, RdsSnapshot } from '../model/rds.js';
import type { UnreconciledIntent } from './unreconciled.js';

export interface TargetData {
  ecs?: EcsSnapshot;
  rds?: RdsSnapshot;
  queues?: QueuesSnapshot;
}

type Area = keyof TargetData;

/** Which snapshot tells an action's target state; none for actions no panel describes. */
export function areaOfAction(action: string): Area | undefined {
  if (/restore|snapshot|drill|db/i.test(action)) return 'rds';
  if (/queue|job/i.test(action)) return 'queues';
  if (/scale|rollback|redeploy|set-env/i.test(action)) return 'ecs';
  return undefined;
}

const DRILL_TAG = 'opsdeck:drill';

/** "prod/orders-db (backup drill)" → "orders-db"; "prod/jobs/mail" → "mail". */
export function targetName(target: string): string {
  const last = target.replace(/\s*\(.*\)\s*$/, '').split('/').pop();
  return last || target;
}

function instanceWords(i: DbInstance, now: number): string {
  const old = i.createdAt === undefined ? '' : `, created ${Math.max(0, Math.round((now - i.createdAt) / 60_000))} min ago`;
  return `${i.id} ${i.status}${old}`;
}

/** The target's state now ("the instance exists: …"), or undefined when `data` lacks its area (not configured, not read, or unreadable). */
export function targetStateNow(i: Pick<UnreconciledIntent, 'action' | 'target'>, data: TargetData, now: number): string | undefined {
  const area = areaOfAction(i.action);
  const name = targetName(i.target);
  if (area === 'rds' && data.rds) {
    const all = [...data.rds.instances, ...(data.rds.restored ?? [])];
    if (/drill/i.test(i.action)) {
      // a drill's target is its source; what it may have left is a copy tagged as the drill's
      // drill ids are <instance>-drill-<stamp> with the instance part possibly cut to fit 63 characters
      const copies = all.filter((x) => x.tags[DRILL_TAG] !== undefined && x.id.includes('-drill-') && name.toLowerCase().startsWith(x.id.slice(0, x.id.lastIndexOf('-drill-'))));
      return copies.length ? `drill instance${copies.length > 1 ? 's' : ''} of ${name} exist${copies.length > 1 ? '' : 's'}: ${copies.map((x) => instanceWords(x, now)).join(', ')}` : `no drill instance of ${name} exists`;
    }
    const inst = all.find((x) => x.id === name);
    if (/snapshot/i.test(i.action)) return inst ? `the instance ${instanceWords(inst, now)}` : `no instance ${name}`;
    return inst ? `the instance exists: ${instanceWords(inst, now)}` : `no instance ${name} exists`;
  }
  if (area === 'ecs' && data.ecs) {
    const svc = data.ecs.services.find((s) => s.name === name);
    return svc ? `service ${svc.name} wants ${svc.desired}, runs ${svc.running}, ${svc.taskDefinition}` : `no service ${name}`;
  }
  if (area === 'queues' && data.queues) {
    const [redis, queue] = i.target.split('/').slice(-2);
    const q = data.queues.queues.find((x) => x.name === queue && x.redis === redis);
    return q ? `${queue} has ${q.waiting} waiting, ${q.failed} failed` : undefined;
  }
  return undefined;
}
