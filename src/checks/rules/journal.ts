/**
 * Actions whose outcome the journal never got: the process died between the
 * intent and the call's answer, so whether the change happened is unknown
 * until someone looks and records it (`opsdeck audit reconcile`).
 *
 * Critical, not a warning: a change to a real system of unknown result (a
 * restore that may have created a full copy of production data, a requeue
 * that moved part of its jobs) needs a person now, and reconciling it is one
 * command; a warning would let it sit under the day's noise.
 */
import { describeIntent, type UnreconciledIntent } from '../../audit/unreconciled.js';
import { areaOfAction, targetName, targetStateNow } from '../../audit/targetState.js';
import { instanceRef, queueRef, serviceRef } from '../../model/subjects.js';
import type { SubjectRef } from '../../model/subjects.js';
import type { PanelId } from '../../model/panels.js';
import { findingsOf, type CheckContext, type CheckDefinition } from '../types.js';

/**
 * The subject an intent's target is, as the panel's own checks name it, so
 * the finding marks the right row: a service with its cluster (from the ECS
 * panel, when it lists it), a queue with its Redis, an instance by id.
 */
function placeOf(i: UnreconciledIntent, ctx: CheckContext): { area: PanelId; ref: SubjectRef } {
  const area = areaOfAction(i.action) ?? 'ecs';
  const name = targetName(i.target);
  if (area === 'rds') return { area, ref: instanceRef({ id: name }) };
  if (area === 'queues') {
    const [redis, queue] = i.target.split('/').slice(-2);
    return { area, ref: redis && queue ? queueRef({ redis, name: queue }) : { kind: 'queue', name } };
  }
  const svc = ctx.data.ecs?.services.find((s) => s.name === name);
  return { area: 'ecs', ref: svc ? serviceRef(svc) : { kind: 'ecs-service', name } };
}

const unreconciled: CheckDefinition = {
  id: 'audit.unreconciled',
  area: 'ecs',
  title: 'Every action in the journal has an outcome',
  reads: [],
  // the target's state now, from what the panels hold: no read of its own, and no verdict withheld when they hold nothing
  alsoReads: ['rds', 'ecs', 'queues'],
  thresholds: [],
  actions: [],
  evaluate(ctx) {
    // not read (a caller without the journal): no verdict rather than a false "all have outcomes"
    if (ctx.unreconciled === undefined) return [];
    if (ctx.unreconciled.length === 0) return [findingsOf(this)('ok', { kind: 'panel', name: this.area }, 'every action in the journal has an outcome')];
    return ctx.unreconciled.map((i: UnreconciledIntent) => {
      const { area, ref } = placeOf(i, ctx);
      const f = findingsOf({ id: this.id, area });
      const now = targetStateNow(i, ctx.data, ctx.now);
      return f('crit', ref, `${describeIntent(i, now)}; record what happened: opsdeck audit reconcile --id ${i.seq} --record "…"`, 'no outcome');
    });
  },
};

export const JOURNAL_CHECKS: readonly CheckDefinition[] = [unreconciled];
