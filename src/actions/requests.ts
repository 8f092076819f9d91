/**
 * What the TUI hands the action controller when a key asks for an action on
 * what is selected: which action, in which context, what to ask, and how the
 * typed text becomes the action's arguments. Bad text is one line saying
 * what to type; it never reaches AWS or Redis.
 */
import type { ActionRequest } from './controller.js';
import type { EcsActionContext } from './ecs/context.js';
import { scaleAction, type ScaleArgs } from './ecs/scale.js';
import { rollbackAction, type RollbackArgs } from './ecs/rollback.js';
import { redeployAction, type RedeployArgs } from './ecs/redeploy.js';
import { autoscalingAction, type AutoscalingArgs, type AutoscalingMode } from './ecs/autoscaling.js';
import { setEnvAction, type SetEnvArgs } from './ecs/setEnv.js';
import { parseEnvPrompt } from './ecs/envInput.js';
import { stopTaskAction, type StopTaskArgs } from './ecs/stopTask.js';
import { shortTaskId } from '../model/ecs.js';
import { invalidIdentifier, stampedId, type RdsActionContext } from './rds/context.js';
import { snapshotAction, type SnapshotArgs } from './rds/snapshot.js';
import { restoreAction, type RestoreArgs } from './rds/restore.js';
import { parsePitrTime, pitrInstanceId, restorePitrAction, windowText, type PitrArgs } from './rds/restorePitr.js';
import type { PitrWindow } from '../model/rds.js';
import type { QueueActionContext } from './queues/context.js';
import { requeueAction, type RequeueArgs } from './queues/requeue.js';
import type { PgActionContext, PgBackendArgs } from './postgres/context.js';
import { cancelAction } from './postgres/cancel.js';
import { terminateAction } from './postgres/terminate.js';
import { deleteJobsAction, type DeleteJobsArgs } from './queues/deleteJobs.js';
import { pauseAction, type PauseArgs, type PauseMode } from './queues/pause.js';

const WHOLE = /^\d+$/;

export function scaleRequest(ctx: EcsActionContext, cluster: string, service: string): ActionRequest<ScaleArgs, EcsActionContext> {
  return {
    action: scaleAction,
    ctx,
    title: `Scale ${service}`,
    prompt: { label: 'desired count', value: '', hint: 'a whole number of tasks; 0 stops every task of the service' },
    args(input) {
      const text = input.trim();
      if (text === '') throw new Error('type the desired count (0 stops the service), or Esc to cancel');
      if (!WHOLE.test(text)) throw new Error(`the desired count is a whole number like 0 or 3, not "${text}"`);
      const desired = Number(text);
      if (!Number.isSafeInteger(desired)) throw new Error(`${text} tasks is not a count ECS can run`);
      return { cluster, service, desired };
    },
  };
}

export function rollbackRequest(ctx: EcsActionContext, cluster: string, service: string): ActionRequest<RollbackArgs, EcsActionContext> {
  return {
    action: rollbackAction,
    ctx,
    title: `Roll back ${service}`,
    prompt: { label: 'revision (Enter: the previous one; good: the last known good)', value: '', hint: 'a revision number of the service\'s family, e.g. 43; good for the last known good one; empty for the one before the current' },
    args(input) {
      const text = input.trim();
      if (text === '') return { cluster, service };
      if (text === 'good' || text === 'last-good') return { cluster, service, to: 'last-good' };
      // only the number: a "family:43" typed here could name another family than the service's
      if (!WHOLE.test(text)) throw new Error(`the revision is a number like 43, good for the last known good one, or empty for the previous one; not "${text}"`);
      const to = Number(text);
      if (!Number.isSafeInteger(to) || to < 1) throw new Error(`revision ${text} cannot exist: revisions start at 1`);
      return { cluster, service, to };
    },
  };
}

export function redeployRequest(ctx: EcsActionContext, cluster: string, service: string): ActionRequest<RedeployArgs, EcsActionContext> {
  return { action: redeployAction, ctx, title: `Redeploy ${service}`, args: () => ({ cluster, service }) };
}

export function autoscalingRequest(ctx: EcsActionContext, cluster: string, service: string, mode: AutoscalingMode): ActionRequest<AutoscalingArgs, EcsActionContext> {
  return { action: autoscalingAction(mode), ctx, title: `${mode === 'suspend' ? 'Suspend' : 'Resume'} autoscaling of ${service}`, args: () => ({ cluster, service }) };
}

/**
 * The prompt shows what the operator types, values included: they need to see
 * their quotes and typos, and the line is never stored; from the plan on,
 * only names are shown.
 */
export function setEnvRequest(ctx: EcsActionContext, cluster: string, service: string): ActionRequest<SetEnvArgs, EcsActionContext> {
  return {
    action: setEnvAction,
    ctx,
    title: `Set environment of ${service}`,
    prompt: { label: 'variables', value: '', hint: 'NAME=VALUE sets, -NAME removes, @container picks the container (default: the first essential one); a value with blanks in quotes' },
    args(input) {
      if (input.trim() === '') throw new Error('type NAME=VALUE to set a variable or -NAME to remove one, or Esc to cancel');
      return { cluster, service, ...parseEnvPrompt(input) };
    },
  };
}

/**
 * The task to stop, picked by its number in the Tasks list the panel shows
 * (`shown`, the service's tasks as the panel read them) or by its id; the
 * plan reads the tasks again and says when the id matches none.
 */
export function stopTaskRequest(ctx: EcsActionContext, cluster: string, service: string, shown: readonly string[]): ActionRequest<StopTaskArgs, EcsActionContext> {
  const listed = shown.slice(0, 9).map((id, i) => `${i + 1} ${shortTaskId(id)}`).join(' · ');
  return {
    action: stopTaskAction,
    ctx,
    title: `Stop a task of ${service}`,
    prompt: {
      label: 'task (its number in the Tasks list, or its id)',
      value: '',
      hint: shown.length ? `ECS starts a replacement; the desired count stays. ${listed}${shown.length > 9 ? ' …' : ''}` : `the panel lists no task of ${service} yet: type the task's id`,
    },
    args(input) {
      const text = input.trim();
      if (text === '') throw new Error('type the number of the task in the Tasks list, or its id; Esc cancels');
      if (WHOLE.test(text) && text.length <= 3) {
        const id = shown[Number(text) - 1];
        if (id === undefined) throw new Error(shown.length ? `the Tasks list numbers ${shown.length === 1 ? 'one task: 1' : `its tasks 1 to ${shown.length}`}, not ${text}` : `the panel lists no task of ${service}: type the task's id`);
        return { cluster, service, task: id };
      }
      if (!/^[0-9a-zA-Z-]+$/.test(text)) throw new Error(`a task id is letters, digits and dashes, like ${shown[0] ? shortTaskId(shown[0]) : '3f2a9c1e'}; not "${text}"`);
      return { cluster, service, task: text };
    },
  };
}

export function snapshotRequest(ctx: RdsActionContext, instance: string): ActionRequest<SnapshotArgs, RdsActionContext> {
  return { action: snapshotAction, ctx, title: `Snapshot ${instance}`, args: () => ({ instance }) };
}

/** "<instance>-restore-<UTC yyyymmddhhmm>", lower case as RDS stores ids, cut to the 63 characters an id may have. */
export function defaultRestoreId(instance: string, now: number): string {
  return stampedId(instance, 'restore', now);
}

export function restoreRequest(ctx: RdsActionContext, snapshot: string, instance: string): ActionRequest<RestoreArgs, RdsActionContext> {
  return {
    action: restoreAction,
    ctx,
    title: `Restore ${snapshot}`,
    prompt: {
      label: 'new instance id',
      value: defaultRestoreId(instance, ctx.now()),
      hint: `the id of the NEW instance (Enter takes this one; ctrl+u clears it); ${instance} itself is never touched`,
    },
    args(input) {
      const newId = input.trim();
      if (newId === '') throw new Error('type the id of the new instance, or Esc to cancel');
      const bad = invalidIdentifier(newId, 63);
      if (bad) throw new Error(`the instance id "${newId}" ${bad}`);
      return { snapshot, newId };
    },
  };
}

/** The time to restore `instance` to (Enter: the latest); the new instance's id follows from it and is the phrase. */
export function restorePitrRequest(ctx: RdsActionContext, instance: string, window?: PitrWindow): ActionRequest<PitrArgs, RdsActionContext> {
  return {
    action: restorePitrAction,
    ctx,
    title: `Restore ${instance} to a point in time`,
    prompt: {
      label: 'restore to (UTC time or latest)',
      value: 'latest',
      hint: `e.g. 2026-11-26 08:04 (UTC); latest for the latest restorable time${window ? `; window ${windowText(window, ctx.now())}` : ''}; a NEW instance is made, ${instance} is never touched`,
    },
    args(input) {
      if (input.trim() === '') throw new Error('type a UTC time like 2026-11-26 08:04, or latest, or Esc to cancel');
      const time = parsePitrTime(input);
      const at = time === 'latest' ? undefined : time;
      return { instance, newId: pitrInstanceId(instance, at ?? ctx.now()), ...(at !== undefined ? { time: at } : {}) };
    },
  };
}

export function requeueRequest(ctx: QueueActionContext, redis: string, queue: string): ActionRequest<RequeueArgs, QueueActionContext> {
  return { action: requeueAction, ctx, title: `Requeue the failed jobs of ${queue}`, args: () => ({ redis, queue }) };
}

export function pgCancelRequest(ctx: PgActionContext, database: string, pid: number): ActionRequest<PgBackendArgs, PgActionContext> {
  return { action: cancelAction, ctx, title: `Cancel the query of pid ${pid}`, args: () => ({ database, pid }) };
}

export function pgTerminateRequest(ctx: PgActionContext, database: string, pid: number): ActionRequest<PgBackendArgs, PgActionContext> {
  return { action: terminateAction, ctx, title: `Terminate pid ${pid}`, args: () => ({ database, pid }) };
}
const jobsWord = (ids: readonly string[]) => (ids.length === 1 ? `job ${ids[0]}` : `${ids.length} chosen jobs`);

export interface EcsRequests {
  scale(cluster: string, service: string): ActionRequest<ScaleArgs, EcsActionContext>;
  rollback(cluster: string, service: string): ActionRequest<RollbackArgs, EcsActionContext>;
  redeploy(cluster: string, service: string): ActionRequest<RedeployArgs, EcsActionContext>;
  autoscaling(cluster: string, service: string, mode: AutoscalingMode): ActionRequest<AutoscalingArgs, EcsActionContext>;
  setEnv(cluster: string, service: string): ActionRequest<SetEnvArgs, EcsActionContext>;
  /** `shown`: the ids of the service's tasks, in the order the panel numbers them */
  stopTask(cluster: string, service: string, shown: readonly string[]): ActionRequest<StopTaskArgs, EcsActionContext>;
}

export interface RdsRequests {
  snapshot(instance: string): ActionRequest<SnapshotArgs, RdsActionContext>;
  /** `instance` is the snapshot's source instance, which names the default new id */
  restore(snapshot: string, instance: string): ActionRequest<RestoreArgs, RdsActionContext>;
  /** `window`: the panel's reading, for the prompt's hint (the plan reads it again) */
  restorePitr(instance: string, window?: PitrWindow): ActionRequest<PitrArgs, RdsActionContext>;
}

export interface QueueRequests {
  requeue(redis: string, queue: string): ActionRequest<RequeueArgs, QueueActionContext>;
  /** exactly the failed jobs chosen in the job browser */
  requeueJobs(redis: string, queue: string, ids: readonly string[]): ActionRequest<RequeueArgs, QueueActionContext>;
  deleteJobs(redis: string, queue: string, ids: readonly string[]): ActionRequest<DeleteJobsArgs, QueueActionContext>;
  pause(redis: string, queue: string, mode: PauseMode): ActionRequest<PauseArgs, QueueActionContext>;
}

export interface PgRequests {
  cancel(database: string, pid: number): ActionRequest<PgBackendArgs, PgActionContext>;
  terminate(database: string, pid: number): ActionRequest<PgBackendArgs, PgActionContext>;
}

/** The builders the TUI is given (see TuiActions), bound to their context, so the views never pick an action definition or a context. */
export interface TuiRequests {
  ecs?: EcsRequests;
  rds?: RdsRequests;
  queues?: QueueRequests;
  postgres?: PgRequests;
}

export function ecsRequests(ctx: EcsActionContext): EcsRequests {
  return {
    scale: (cluster, service) => scaleRequest(ctx, cluster, service),
    rollback: (cluster, service) => rollbackRequest(ctx, cluster, service),
    redeploy: (cluster, service) => redeployRequest(ctx, cluster, service),
    autoscaling: (cluster, service, mode) => autoscalingRequest(ctx, cluster, service, mode),
    setEnv: (cluster, service) => setEnvRequest(ctx, cluster, service),
    stopTask: (cluster, service, shown) => stopTaskRequest(ctx, cluster, service, shown),
  };
}

export function rdsRequests(ctx: RdsActionContext): RdsRequests {
  return {
    snapshot: (instance) => snapshotRequest(ctx, instance),
    restore: (snapshot, instance) => restoreRequest(ctx, snapshot, instance),
    restorePitr: (instance, window) => restorePitrRequest(ctx, instance, window),
  };
}

export function queueRequests(ctx: QueueActionContext): QueueRequests {
  return {
    requeue: (redis, queue) => requeueRequest(ctx, redis, queue),
    requeueJobs: (redis, queue, ids) => ({ action: requeueAction, ctx, title: `Requeue ${jobsWord(ids)} of ${queue}`, args: () => ({ redis, queue, ids: [...ids] }) }),
    deleteJobs: (redis, queue, ids) => ({ action: deleteJobsAction, ctx, title: `Delete ${jobsWord(ids)} of ${queue}`, args: () => ({ redis, queue, ids: [...ids] }) }),
    pause: (redis, queue, mode) => ({ action: pauseAction, ctx, title: `${mode === 'pause' ? 'Pause' : 'Resume'} ${queue}`, args: () => ({ redis, queue, mode }) }),
  };
}

export function pgRequests(ctx: PgActionContext): PgRequests {
  return { cancel: (database, pid) => pgCancelRequest(ctx, database, pid), terminate: (database, pid) => pgTerminateRequest(ctx, database, pid) };
}
