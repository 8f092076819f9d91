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
import { areaOfAction, targetStateNow } from '../../audit/targetState.js';
import type { SubjectRef } from '../../model/subjects.js';
import type { PanelId } from '../../model/panels.js';
import { findingsOf, type CheckDefinition } from '../types.js';

const KIND = { rds: 'db-instance', queues: 'queue', ecs: 'ecs-service' } as const satisfies Partial<Record<PanelId, SubjectRef['kind']>>;

/** The panel and subject kind an action's target belongs to, so the finding marks the right row. */
function placeOf(action: string): { area: keyof typeof KIND; kind: SubjectRef['kind'] } {
  const area = areaOfAction(action) ?? 'ecs';
  return { area, kind: KIND[area] };
}

/** "demo/api" → "api": the environment is said by the subject line already. */
function nameOf(target: string, env: string): string {
  return target.startsWith(`${env}/`) ? target.slice(env.length + 1) : target;
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
    if (ctx.unreconciled.length === 0) return [findingsOf(this)('ok', { kind: 'panel', name: '' }, 'every action in the journal has an outcome')];
    return ctx.unreconciled.map((i: UnreconciledIntent) => {
      const { area, kind } = placeOf(i.action);
      const f = findingsOf({ id: this.id, area });
      const now = targetStateNow(i, ctx.data, ctx.now);
      return f('crit', { kind, name: nameOf(i.target, ctx.env) }, `${describeIntent(i, now)}; record what happened: opsdeck audit reconcile --id ${i.seq} --record "…"`, 'no outcome');
    });
  },
};

export const JOURNAL_CHECKS: readonly CheckDefinition[] = [unreconciled];
