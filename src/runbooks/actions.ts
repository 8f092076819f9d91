/**
 * The guarded actions a runbook step may name, and how a step's `with`
 * parameters become that action's arguments. The action itself is the same
 * definition the keys and the CLI use; a runbook adds no second way to
 * change a system.
 */
import type { ActionContext, ActionDefinition } from '../actions/types.js';
import { scaleAction } from '../actions/ecs/scale.js';
import { rollbackAction } from '../actions/ecs/rollback.js';
import { redeployAction } from '../actions/ecs/redeploy.js';
import { autoscalingSuspendAction, autoscalingResumeAction } from '../actions/ecs/autoscaling.js';
import { snapshotAction } from '../actions/rds/snapshot.js';
import { requeueAction } from '../actions/queues/requeue.js';
import type { RunbookActionName } from './format.js';
import type { RunbookContext } from './context.js';

type Params = Readonly<Record<string, string | number | boolean>>;

/** An action with its context and arguments, ready to plan. */
export interface BoundAction {
  action: ActionDefinition<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- one table of differently typed actions
  ctx: ActionContext;
  args: unknown;
}

export class StepParamError extends Error {}

function text(params: Params, key: string, action: string): string {
  const v = params[key];
  if (typeof v !== 'string' || v.trim() === '') throw new StepParamError(`${action} needs "${key}" (a name) in its "with"`);
  return v.trim();
}

function whole(params: Params, key: string, action: string, optional = false): number | undefined {
  const v = params[key];
  if (v === undefined && optional) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new StepParamError(`${action}: "${key}" must be a whole number, not ${JSON.stringify(v)}`);
  return n;
}

function known(params: Params, keys: readonly string[], action: string): void {
  for (const k of Object.keys(params)) if (!keys.includes(k)) throw new StepParamError(`${action} takes ${keys.join(', ')}; "${k}" is not one of them`);
}

function need<T>(ctx: T | undefined, what: string): T {
  if (!ctx) throw new StepParamError(`this environment cannot run ${what} actions (nothing of it is configured)`);
  return ctx;
}

export function bindAction(name: RunbookActionName, params: Params, rb: RunbookContext, verifyTimeoutMs?: number): BoundAction {
  const timeout = verifyTimeoutMs !== undefined ? { verifyTimeoutMs } : {};
  switch (name) {
    case 'scale': {
      known(params, ['service', 'desired'], name);
      const service = text(params, 'service', name);
      return { action: scaleAction, ctx: need(rb.ecs, 'ECS'), args: { cluster: rb.clusterOf(service), service, desired: whole(params, 'desired', name)!, ...timeout } };
    }
    case 'rollback': {
      known(params, ['service', 'to'], name);
      const service = text(params, 'service', name);
      // "last-good": the newest earlier revision that ran steady (src/actions/ecs/lastGood.ts)
      const to = params.to === 'last-good' ? 'last-good' : whole(params, 'to', name, true);
      return { action: rollbackAction, ctx: need(rb.ecs, 'ECS'), args: { cluster: rb.clusterOf(service), service, ...(to !== undefined ? { to } : {}), ...timeout } };
    }
    case 'redeploy': {
      known(params, ['service'], name);
      const service = text(params, 'service', name);
      return { action: redeployAction, ctx: need(rb.ecs, 'ECS'), args: { cluster: rb.clusterOf(service), service, ...timeout } };
    }
    case 'autoscaling-suspend':
    case 'autoscaling-resume': {
      known(params, ['service'], name);
      const service = text(params, 'service', name);
      const action = name === 'autoscaling-suspend' ? autoscalingSuspendAction : autoscalingResumeAction;
      return { action, ctx: need(rb.ecs, 'ECS'), args: { cluster: rb.clusterOf(service), service, ...timeout } };
    }
    case 'snapshot': {
      known(params, ['instance'], name);
      return { action: snapshotAction, ctx: need(rb.rds, 'RDS'), args: { instance: text(params, 'instance', name), ...timeout } };
    }
    case 'requeue': {
      known(params, ['queue', 'limit'], name);
      const queue = text(params, 'queue', name);
      const limit = whole(params, 'limit', name, true);
      return { action: requeueAction, ctx: need(rb.queues, 'queue'), args: { redis: rb.redisOf(queue), queue, ...(limit !== undefined ? { limit } : {}), ...timeout } };
    }
  }
}
