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
import { stopTaskAction } from '../actions/ecs/stopTask.js';
import { setEnvAction } from '../actions/ecs/setEnv.js';
import { parseEnvPrompt } from '../actions/ecs/envInput.js';
import { restorePitrAction, parsePitrTime, pitrInstanceId } from '../actions/rds/restorePitr.js';
import { deleteJobsAction } from '../actions/queues/deleteJobs.js';
import { pauseAction } from '../actions/queues/pause.js';
import { cancelAction } from '../actions/postgres/cancel.js';
import { terminateAction } from '../actions/postgres/terminate.js';
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

/** "a b c" or "a,b,c": job ids, names */
function list(params: Params, key: string, action: string): string[] {
  const items = text(params, key, action).split(/[\s,]+/).filter(Boolean);
  if (items.length === 0) throw new StepParamError(`${action} needs "${key}": one or more ids, separated by blanks or commas`);
  return items;
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
    case 'stop-task': {
      known(params, ['service', 'task', 'reason'], name);
      const service = text(params, 'service', name);
      const reason = params.reason === undefined ? {} : { reason: text(params, 'reason', name) };
      return { action: stopTaskAction, ctx: need(rb.ecs, 'ECS'), args: { cluster: rb.clusterOf(service), service, task: text(params, 'task', name), ...reason, ...timeout } };
    }
    case 'set-env': {
      // the dashboard prompt's words: NAME=VALUE sets, -NAME removes, @container picks; a runbook's values are
      // in its file, so they are flags and settings, never secrets (those stay in the task definition's secrets)
      known(params, ['service', 'env'], name);
      const service = text(params, 'service', name);
      let words;
      try {
        words = parseEnvPrompt(text(params, 'env', name));
      } catch (err) {
        throw new StepParamError(`set-env "env": ${(err as Error).message}`);
      }
      return { action: setEnvAction, ctx: need(rb.ecs, 'ECS'), args: { cluster: rb.clusterOf(service), service, ...words, ...timeout } };
    }
    case 'restore-pitr': {
      known(params, ['instance', 'time', 'as'], name);
      const instance = text(params, 'instance', name);
      let time: number | 'latest';
      try {
        time = parsePitrTime(params.time === undefined ? 'latest' : text(params, 'time', name));
      } catch (err) {
        throw new StepParamError(`restore-pitr "time": ${(err as Error).message}`);
      }
      const ctx = need(rb.rds, 'RDS');
      const newId = params.as === undefined ? pitrInstanceId(instance, time === 'latest' ? ctx.now() : time) : text(params, 'as', name);
      return { action: restorePitrAction, ctx, args: { instance, ...(time === 'latest' ? {} : { time }), newId, ...timeout } };
    }
    case 'delete-jobs': {
      known(params, ['queue', 'jobs'], name);
      const queue = text(params, 'queue', name);
      return { action: deleteJobsAction, ctx: need(rb.queues, 'queue'), args: { redis: rb.redisOf(queue), queue, ids: list(params, 'jobs', name), ...timeout } };
    }
    case 'queue-pause':
    case 'queue-resume': {
      known(params, ['queue'], name);
      const queue = text(params, 'queue', name);
      return { action: pauseAction, ctx: need(rb.queues, 'queue'), args: { redis: rb.redisOf(queue), queue, mode: name === 'queue-pause' ? 'pause' : 'resume', ...timeout } };
    }
    case 'pg-cancel':
    case 'pg-terminate': {
      known(params, ['database', 'pid'], name);
      const action = name === 'pg-cancel' ? cancelAction : terminateAction;
      return { action, ctx: need(rb.postgres, 'PostgreSQL'), args: { database: text(params, 'database', name), pid: whole(params, 'pid', name)!, ...timeout } };
    }
    case 'requeue': {
      known(params, ['queue', 'limit', 'jobs'], name);
      const queue = text(params, 'queue', name);
      const limit = whole(params, 'limit', name, true);
      const ids = params.jobs === undefined ? {} : { ids: list(params, 'jobs', name) };
      return { action: requeueAction, ctx: need(rb.queues, 'queue'), args: { redis: rb.redisOf(queue), queue, ...(limit !== undefined ? { limit } : {}), ...ids, ...timeout } };
    }
  }
}
