/**
 * The guarded actions of one environment as the dashboard wires them: the
 * requests per system, bound to contexts that read the header's environment,
 * one controller, the executor's journal and lock (opened in the background),
 * and what quitting does to an action still running.
 */
import type { Runtime } from '../engine/runtime.js';
import type { Store } from '../engine/store.js';
import type { ConditionFacts } from '../checks/topology.js';
import { ActionController } from '../actions/controller.js';
import type { ActionContext } from '../actions/types.js';
import type { EcsActionContext } from '../actions/ecs/context.js';
import type { RdsActionContext } from '../actions/rds/context.js';
import type { QueueActionContext } from '../actions/queues/context.js';
import type { PgActionContext } from '../actions/postgres/context.js';
import type { ActionObserver, ExecutorDeps } from '../actions/executor.js';
import { ecsRequests, pgRequests, queueRequests, rdsRequests, type TuiRequests } from '../actions/requests.js';
import type { QueueControl } from '../sources/redis/control.js';
import { ecsActionContext, executorDeps, resourceLocator, sleep } from '../cli/actionSetup.js';
import { deferredLock } from '../actions/lockSelect.js';
import type { OpenedEnvironment } from '../cli/environment.js';
import { tuiDrill } from './drill.js';
import { deferredGate, tuiApprovalRequester, tuiApprovals } from './approvals.js';
import { TuiJobs } from './jobs.js';
import type { Observed, TuiActions } from './ports.js';
import { Observable } from '../engine/observable.js';
import { teamStatusLine } from '../team/sharedJournal.js';

/**
 * Topology facts for `condition()` from what the panels already show, read
 * at the moment the plan is made. Only fresh data counts: a panel that failed
 * or went stale leaves its facts out, so the condition fails closed.
 */
export function liveConditionFacts(store: Pick<Store, 'get'>): ConditionFacts {
  const fresh = <K extends 'queues' | 'postgres' | 'health'>(id: K) => {
    const s = store.get(id);
    return s.status === 'ok' ? s.data : undefined;
  };
  return {
    get queues() {
      return fresh('queues');
    },
    get postgres() {
      return fresh('postgres');
    },
    get health() {
      return fresh('health');
    },
  };
}

/** The contexts the requests are bound to: a runbook run's steps act through the same ones. */
export interface TuiActionContexts {
  /** the header's environment, the clock, a sleep that ends when opsdeck closes */
  base: ActionContext;
  ecs?: EcsActionContext;
  rds?: RdsActionContext;
  queues?: QueueActionContext;
  postgres?: PgActionContext;
}

export interface TuiActionSession {
  actions: TuiActions;
  contexts: TuiActionContexts;
  /**
   * After the dashboard closed: an action still running (the operator quit
   * while ECS was rolling out, or a restore was still creating) finishes its
   * own part (the call, the journal's outcome, the lock), stops watching,
   * and says so in one line on stderr.
   */
  settle(report: (line: string) => void): Promise<void>;
}

/**
 * The one answer to "may an action start now": undefined, or why not in one
 * line. With a `target` (a service, instance or queue name) only what holds
 * that target counts: an open box, or a call still under way on it. A change
 * being watched blocks nothing. Without one: anything under way at all (for
 * quitting and switching environments).
 */
export function actionBusy(controller: Pick<ActionController, 'blocking'>, target?: string): string | undefined {
  return controller.blocking(target);
}

// How long quitting waits for an action's call and journal entry before giving up on them.
const SETTLE_MS = 30_000;

/** What the dashboard's actions reach besides the opened environment's own controls. */
interface TuiControls {
  /** the queues the requeue action moves jobs in: the sandbox's in the demo, the config's Redis otherwise */
  queues?: QueueControl;
  /** told of every plan shown, confirmation and outcome (the incident timeline) */
  observer?: ActionObserver;
}

export function tuiActions(opened: OpenedEnvironment, runtime: Runtime, processEnv: NodeJS.ProcessEnv, controls: TuiControls = {}): TuiActionSession | undefined {
  // its connections open on first use, so having it costs a dashboard nothing
  const pgAdmin = opened.postgresAdmin?.();
  if (!opened.ecsControl && !opened.rdsControl && !controls.queues && !pgAdmin) return undefined;
  // Aborted when the dashboard closes: verification stops waiting, nothing else is cut short.
  const quitting = new AbortController();
  // Every context reads the header's environment (the identity arrives after
  // start-up; a spread would copy it once) and stops waiting when opsdeck closes.
  const live = <T extends object>(extra: T): T & ActionContext =>
    Object.defineProperties(extra, {
      env: { get: () => runtime.env, enumerable: true },
      now: { value: () => Date.now(), enumerable: true },
      sleep: { value: (ms: number, signal: AbortSignal) => sleep(ms, AbortSignal.any([signal, quitting.signal])), enumerable: true },
    }) as T & ActionContext;
  const requests: TuiRequests = {};
  const contexts: TuiActionContexts = { base: live({}) };
  if (opened.ecsControl) {
    const { condition, ruleFor, maxTasksFor, ecs, lastGoodSteadyMs, journalRecords } = ecsActionContext(opened, liveConditionFacts(runtime.store), processEnv);
    contexts.ecs = live({ ecs, condition, ruleFor, maxTasksFor, lastGoodSteadyMs, journalRecords });
    requests.ecs = ecsRequests(contexts.ecs);
  }
  if (opened.rdsControl) requests.rds = rdsRequests((contexts.rds = live({ rds: opened.rdsControl })));
  if (controls.queues) requests.queues = queueRequests((contexts.queues = live({ queues: controls.queues })));
  if (pgAdmin) requests.postgres = pgRequests((contexts.postgres = live({ postgres: pgAdmin })));
  const notes: string[] = [];
  // Opening the journal and reaching Redis for the lock must not delay the dashboard.
  const pending = executorDeps(opened, processEnv, (line) => notes.push(line), 'dashboard');
  const deps: ExecutorDeps = {
    journal: { append: async (entry) => (await pending).journal.append(entry) },
    lock: deferredLock(pending.then((d) => d.lock)),
    locate: resourceLocator(opened),
    get awsArn() {
      const id = runtime.env.identity;
      return id.startsWith('arn:') ? id : undefined;
    },
    ...(controls.observer ? { observer: controls.observer } : {}),
  };
  const gate = deferredGate(opened, pending);
  if (gate) deps.approvals = gate;
  const controller = new ActionController(deps, tuiApprovalRequester(opened, pending, () => runtime.env, processEnv));
  const team = teamLine(pending);
  const drill = tuiDrill(opened, processEnv, () => runtime.env.readOnly);
  const jobs = controls.queues ? new TuiJobs(controls.queues) : undefined;
  const approvals = tuiApprovals(opened, pending, () => runtime.env, processEnv);

  return {
    actions: { controller, requests, notes: () => notes, busy: (target) => actionBusy(controller, target), ...(drill ? { drill } : {}), ...(jobs ? { jobs } : {}), team, approvals },
    contexts,
    async settle(report) {
      if (drill?.busy()) {
        // as the CLI's ctrl-c: stop waiting, delete what the drill created (or leave its record for `drill cleanup`)
        report(`stopping the backup drill of ${drill.getState().instance}: deleting what it created…`);
        drill.abort();
        await drill.settled();
        const end = drill.getState();
        const cleanup = end.report?.cleanup;
        if (cleanup && cleanup.status !== 'deleted' && cleanup.status !== 'none') report(`drill clean-up: ${cleanup.message}`);
        else report(end.report ? `backup drill ${end.report.outcome}: ${end.report.message}` : (end.error ?? 'the backup drill stopped'));
      }
      approvals.close();
      const running = controller.unfinished();
      quitting.abort(new Error('opsdeck was closed'));
      // a plan still being read is dropped; nothing was sent
      controller.close();
      if (running.length > 0) {
        for (const r of running) report(`${r.title} is under way; opsdeck stops watching it once its call is journaled…`);
        const settled = await controller.stopWatching(SETTLE_MS);
        const ended = new Map((controller.getState().runs ?? []).map((r) => [r.id, r]));
        for (const r of running) {
          const end = ended.get(r.id);
          const target = r.plan.target.display;
          if (!settled && end?.stage !== 'finished') report(`no answer after ${SETTLE_MS / 1000} s; check ${target} and \`opsdeck audit\``);
          else if (end?.result?.verify && !end.result.verify.ok) {
            // verification was cut short by the exit, not by what the system did
            report(`the call was made and journaled; opsdeck stopped watching before ${target} settled (last seen: ${end.progress?.message ?? 'nothing yet'})`);
          } else if (end?.result) report(`${end.result.outcome}: ${end.result.message}`);
          else if (end?.error) report(`failed: ${end.error}`);
        }
      }
      await pgAdmin?.close();
      await (await pending).close();
    },
  };
}

/** The team store's state for the header, once the journal is open; undefined without a team store. */
function teamLine(pending: ReturnType<typeof executorDeps>): Observed<string | undefined> {
  const line = new Observable<string | undefined>(undefined);
  void pending.then(
    (d) => {
      const status = d.team?.status;
      if (!status) return;
      const follow = () => line.set(teamStatusLine(status.get()));
      follow();
      status.subscribe(follow);
    },
    () => undefined,
  );
  return { getState: line.get, subscribe: line.subscribe };
}
