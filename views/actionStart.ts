/**
 * From a key to an action on what the panel has selected: the ECS service,
 * the RDS instance or snapshot, the queue. Read at the key press from the
 * store (the selection is clamped to the rows the panel draws); the request
 * builders come from the session, bound to their context. Also the line the
 * overlay shows about the target as the panels see it now.
 */
import type { ActionUiState, Reply, TuiActions } from '../src/dashboard/ports.js';
import type { PanelSnapshots } from '../src/model/panels.js';
import type { ActionCommand } from './dispatchContext.js';
import type { ActionTarget, ViewAction, ViewState } from './state.js';
import type { Line } from './text.js';
import { seg } from './text.js';
import { count } from './format.js';
import { fullySuspended } from '../src/model/autoscaling.js';
import { selectedService } from './panels/ecsTable.js';
import { selectedRdsRow } from './panels/rdsTables.js';
import { filterQueues } from './panels/QueuesPanel.js';
import { selectedSession } from './panels/PostgresPanel.js';

interface StartInput {
  command: ActionCommand;
  /** the job browser's chosen ids (job-requeue, job-delete) */
  jobs?: readonly string[];
  actions: TuiActions;
  snaps: PanelSnapshots;
  state: ViewState;
  dispatch(a: ViewAction): void;
}

const noData = (what: string) => `the ${what} panel has no data yet: wait for the first poll`;
const no = (message: string): Reply => ({ ok: false, message });
/** An action that started says nothing: its box is what the operator reads. */
const STARTED: Reply = { ok: true, message: '' };

/** Starts the action; refused with a one-line reason when it cannot. */
export function startAction(input: StartInput): Reply {
  const why = whyNot(input);
  return why === undefined ? STARTED : no(why);
}

function whyNot({ command, actions, snaps, state, dispatch, jobs }: StartInput): string | undefined {
  const { requests, controller } = actions;
  const begin = (target: ActionTarget, go: (tag: ActionTarget) => void) => {
    // another target's change being watched is no reason to wait: only an open box, or a call under way on this target
    const busy = actions.busy(targetName(target));
    if (busy) return busy;
    dispatch({ type: 'actionTarget', target });
    go(target);
    return undefined;
  };
  if (command === 'scale' || command === 'rollback' || command === 'redeploy' || command === 'autoscaling' || command === 'set-env' || command === 'stop-task') {
    const ecs = requests.ecs;
    if (!ecs) return 'this session cannot act on ECS: the environment has no ECS access';
    const data = snaps.ecs.data;
    const filter = state.filters.ecs ?? '';
    const svc = selectedService(data, filter, state.selection.ecs ?? 0);
    if (!svc) return data ? (filter ? `no service matches /${filter}: nothing to act on` : 'the ECS panel lists no service to act on') : noData('ECS');
    const target = { panel: 'ecs' as const, cluster: svc.cluster, service: svc.name };
    if (command === 'set-env') return begin(target, (t) => controller.begin(ecs.setEnv(svc.cluster, svc.name), t));
    // the tasks as the detail numbers them; the plan reads them again
    if (command === 'stop-task') return begin(target, (t) => controller.begin(ecs.stopTask(svc.cluster, svc.name, (svc.tasks ?? []).map((x) => x.id)), t));
    if (command !== 'autoscaling') return begin(target, (t) => controller.begin(ecs[command](svc.cluster, svc.name), t));
    // the panel's reading picks suspend or resume; the plan reads the target again and refuses when there is nothing to do
    const mode = svc.autoscaling && fullySuspended(svc.autoscaling) ? 'resume' : 'suspend';
    return begin(target, (t) => controller.begin(ecs.autoscaling(svc.cluster, svc.name, mode), t));
  }
  if (command === 'rds-snapshot' || command === 'rds-restore' || command === 'rds-pitr') {
    const rds = requests.rds;
    if (!rds) return 'this session cannot act on RDS: the environment has no AWS access for RDS';
    const data = snaps.rds.data;
    const filter = state.filters.rds ?? '';
    const row = selectedRdsRow(data, filter, state.selection.rds ?? 0);
    if (!row) return data ? (filter ? `nothing matches /${filter}: nothing to act on` : 'the RDS panel lists nothing to act on') : noData('RDS');
    if (command === 'rds-snapshot' || command === 'rds-pitr') {
      const instance = row.kind === 'snapshot' ? row.snapshot.instanceId : row.instance.id;
      if (command === 'rds-snapshot') return begin({ panel: 'rds', instance }, (t) => controller.begin(rds.snapshot(instance), t));
      const window = [...(data?.instances ?? []), ...(data?.restored ?? [])].find((i) => i.id === instance)?.pitr;
      return begin({ panel: 'rds', instance }, (t) => controller.begin(rds.restorePitr(instance, window), t));
    }
    if (row.kind !== 'snapshot') return `R restores a snapshot: move the selection (j) to one of ${row.instance.id}'s snapshots; P restores the instance as of a time`;
    const { id, instanceId } = row.snapshot;
    return begin({ panel: 'rds', instance: instanceId, snapshot: id }, (t) => controller.begin(rds.restore(id, instanceId), t));
  }
  if (command === 'pg-cancel' || command === 'pg-terminate') {
    const pg = requests.postgres;
    if (!pg) return 'this session cannot act on PostgreSQL: the environment configures no postgres entry';
    const data = snaps.postgres.data;
    const filter = state.filters.postgres ?? '';
    const row = selectedSession(data, filter, state.selection.postgres ?? 0);
    if (!row) return data ? (filter ? `no session matches /${filter}: nothing to act on` : 'the Postgres panel lists no blocked, long or idle-in-transaction session') : noData('Postgres');
    const { pid } = row.session;
    const database = row.db.name;
    return begin({ panel: 'postgres', database, pid }, (t) => controller.begin(command === 'pg-cancel' ? pg.cancel(database, pid) : pg.terminate(database, pid), t));
  }
  const queues = requests.queues;
  if (!queues) return 'this session cannot act on queues: the environment configures no Redis';
  if ((command === 'job-requeue' || command === 'job-delete') && state.jobs) {
    const { redis, queue } = state.jobs;
    const ids = jobs ?? [];
    if (ids.length === 0) return 'no failed job chosen';
    const request = command === 'job-requeue' ? queues.requeueJobs(redis, queue, ids) : queues.deleteJobs(redis, queue, ids);
    return begin({ panel: 'queues', redis, queue }, (t) => controller.begin(request, t));
  }
  const data = snaps.queues.data;
  const filter = state.filters.queues ?? '';
  const list = data ? filterQueues(data, filter) : [];
  // in the job browser its queue, else the panel's selection
  const q = state.jobs ? data?.queues.find((x) => x.redis === state.jobs!.redis && x.name === state.jobs!.queue) : list[Math.max(0, Math.min(state.selection.queues ?? 0, list.length - 1))];
  if (!q) return data ? (filter ? `no queue matches /${filter}: nothing to act on` : 'the Queues panel lists no queue') : noData('Queues');
  if (command === 'queue-pause') return begin({ panel: 'queues', redis: q.redis, queue: q.name }, (t) => controller.begin(queues.pause(q.redis, q.name, q.paused ? 'resume' : 'pause'), t));
  return begin({ panel: 'queues', redis: q.redis, queue: q.name }, (t) => controller.begin(queues.requeue(q.redis, q.name), t));
}

/** The name an action's plan gives its target (the service, the instance, the queue): what `busy` matches. */
export function targetName(t: ActionTarget): string {
  return t.panel === 'ecs' ? t.service : t.panel === 'rds' ? t.instance : t.panel === 'queues' ? t.queue : String(t.pid);
}

/** What a run or the box was started on: the controller keeps it with the run (see `begin`), else the last one started. */
export function targetOf(action: ActionUiState, fallback: ActionTarget | null): ActionTarget | null {
  return (action.tag as ActionTarget | undefined) ?? fallback;
}

/** "api now: desired 3 · running 3 …": the target as its panel sees it while the action runs. */
export function liveLines(target: ActionTarget | null, action: ActionUiState, snaps: PanelSnapshots): Line[] {
  if (!target) return [];
  const now = (name: string, text: string): Line[] => [[seg(`${name} now: `, 'muted'), seg(text, 'muted')]];
  if (target.panel === 'ecs') {
    const svc = snaps.ecs.data?.services.find((x) => x.cluster === target.cluster && x.name === target.service);
    return svc ? now(svc.name, `desired ${svc.desired} · running ${svc.running} · pending ${svc.pending} · rollout ${svc.rollout.toLowerCase().replace('_', ' ')} · ${svc.taskDefinition}`) : [];
  }
  if (target.panel === 'rds') {
    const data = snaps.rds.data;
    if (!data) return [];
    const all = [...data.instances, ...(data.restored ?? [])];
    const plan = action.plan;
    // a restore's target is the new instance: until RDS lists it, say so
    const id = plan?.target.kind === 'db-instance' ? plan.target.name : target.instance;
    const inst = all.find((i) => i.id === id);
    const out: Line[] = inst ? now(inst.id, `${inst.status} · ${inst.instanceClass} · ${inst.engine} ${inst.engineVersion}`) : plan ? now(id, 'not listed by RDS yet') : [];
    const snapId = plan?.creates?.kind === 'db-snapshot' ? plan.creates.id : target.snapshot;
    const snap = snapId ? data.snapshots.find((s) => s.id === snapId) : undefined;
    if (snap) out.push(...now(`snapshot ${snap.id}`, `${snap.status} ${Math.round(snap.progress)}%`));
    return out;
  }
  if (target.panel === 'postgres') {
    const db = snaps.postgres.data?.databases.find((d) => d.name === target.database);
    if (!db) return [];
    const listed = [...db.blocked, ...db.longQueries, ...db.idleInTransaction].find((s) => s.pid === target.pid);
    const blocked = db.blocked.find((s) => s.pid === target.pid);
    return now(`pid ${target.pid}`, listed ? `${listed.state ?? 'unknown'}${blocked ? ` · waits for ${blocked.blockedBy.join(',')}` : ''} · ${db.blocked.length} blocked on ${db.name}` : `not listed on ${db.name} · ${db.blocked.length} blocked`);
  }
  const q = snaps.queues.data?.queues.find((x) => x.redis === target.redis && x.name === target.queue);
  return q ? now(q.name, `waiting ${count(q.waiting)} · active ${count(q.active)} · failed ${count(q.failed)} · ${q.flavor}`) : [];
}
