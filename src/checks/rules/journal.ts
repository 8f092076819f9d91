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
import type { SubjectRef } from '../../model/subjects.js';
import type { PanelId } from '../../model/panels.js';
import { findingsOf, type CheckDefinition } from '../types.js';

/** The panel and subject kind an action's target belongs to, so the finding marks the right row. */
function placeOf(action: string): { area: PanelId; kind: SubjectRef['kind'] } {
  if (/restore|snapshot|drill|db/i.test(action)) return { area: 'rds', kind: 'db-instance' };
  if (/queue|requeue|job/i.test(action)) return { area: 'queues', kind: 'queue' };
  return { area: 'ecs', kind: 'ecs-service' };
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
  thresholds: [],
  actions: [],
  evaluate(ctx) {
    // not read (a caller without the journal): no verdict rather than a false "all have outcomes"
    if (ctx.unreconciled === undefined) return [];
    if (ctx.unreconciled.length === 0) return [findingsOf(this)('ok', { kind: 'panel', name: '' }, 'every action in the journal has an outcome')];
    return ctx.unreconciled.map((i: UnreconciledIntent) => {
      const { area, kind } = placeOf(i.action);
      const f = findingsOf({ id: this.id, area });
      return f('crit', { kind, name: nameOf(i.target, ctx.env) }, `${describeIntent(i)}; record what happened: opsdeck audit reconcile --id ${i.seq} --record "…"`, 'no outcome');
    });
  },
};

export const JOURNAL_CHECKS: readonly CheckDefinition[] = [unreconciled];
