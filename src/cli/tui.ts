/**
 * The seam between the CLI (src/) and the terminal UI (views/). src/ never
 * imports views/, so the bundle's entry passes a launcher in. The views get
 * the runtime to draw and an action controller to start guarded actions
 * with; neither lets a view call AWS itself.
 */
import type { Runtime } from '../engine/runtime.js';
import type { Store } from '../engine/store.js';
import type { ConditionFacts } from '../checks/topology.js';
import { ActionController } from '../actions/controller.js';
import type { EcsActionContext } from '../actions/ecs/context.js';
import type { ExecutorDeps } from '../actions/executor.js';
import { ecsRequests, type EcsRequests } from '../actions/requests.js';
import { ecsActionContext, executorDeps, sleep } from './actionSetup.js';
import type { OpenedEnvironment } from './environment.js';

export interface TuiActions {
  controller: ActionController<EcsActionContext>;
  requests: EcsRequests;
  /** one-line caveats worth reading before confirming (e.g. the lock only guards this machine) */
  notes(): readonly string[];
}

export interface TuiOptions {
  runtime: Runtime;
  /** NO_COLOR, --no-color or a monochrome terminal */
  noColor: boolean;
  /** absent when this environment cannot act on ECS */
  actions?: TuiActions;
}

/** Shows the dashboard until the user quits; resolves after the terminal is restored. */
export type LaunchTui = (opts: TuiOptions) => Promise<void>;

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

export interface TuiActionSession {
  actions: TuiActions;
  /**
   * After the dashboard closed: an action still running (the operator quit
   * while ECS was rolling out) finishes its own part (the call, the journal's
   * outcome, the lock), stops watching, and says so in one line on stderr.
   */
  settle(report: (line: string) => void): Promise<void>;
}

// How long quitting waits for an action's call and journal entry before giving up on them.
const SETTLE_MS = 30_000;

export function tuiActions(opened: OpenedEnvironment, runtime: Runtime, processEnv: NodeJS.ProcessEnv): TuiActionSession | undefined {
  if (!opened.ecsControl) return undefined;
  // Aborted when the dashboard closes: verification stops waiting, nothing else is cut short.
  const quitting = new AbortController();
  const base = ecsActionContext(opened, liveConditionFacts(runtime.store));
  const ctx: EcsActionContext = {
    ...base,
    // the header's environment: the identity arrives after start-up
    get env() {
      return runtime.env;
    },
    sleep: (ms, signal) => sleep(ms, AbortSignal.any([signal, quitting.signal])),
  };
  const notes: string[] = [];
  // Opening the journal and reaching Redis for the lock must not delay the dashboard.
  const pending = executorDeps(opened, processEnv, (line) => notes.push(line));
  const deps: ExecutorDeps = {
    journal: { append: async (entry) => (await pending).journal.append(entry) },
    lock: { acquire: async (key, ttlMs) => (await pending).lock.acquire(key, ttlMs) },
    get awsArn() {
      const id = runtime.env.identity;
      return id.startsWith('arn:') ? id : undefined;
    },
  };
  const controller = new ActionController(ctx, deps);

  return {
    actions: { controller, requests: ecsRequests, notes: () => notes },
    async settle(report) {
      const running = controller.getState();
      if (running.phase === 'running') {
        report(`${running.plan?.title ?? 'the action'} is under way; opsdeck stops watching it once its call is journaled…`);
        quitting.abort(new Error('opsdeck was closed'));
        const settled = await new Promise<boolean>((resolve) => {
          const done = (ok: boolean) => {
            clearTimeout(timer);
            unsubscribe();
            resolve(ok);
          };
          const timer = setTimeout(() => done(false), SETTLE_MS);
          const unsubscribe = controller.subscribe(() => {
            if (controller.getState().phase !== 'running') done(true);
          });
          if (controller.getState().phase !== 'running') done(true);
        });
        const end = controller.getState();
        const target = running.plan?.target.display ?? 'the service';
        if (!settled) report(`no answer after ${SETTLE_MS / 1000} s; check ${target} and \`opsdeck audit\``);
        else if (end.result?.verify && !end.result.verify.ok) {
          // verification was cut short by the exit, not by what ECS did
          report(`the call was made and journaled; opsdeck stopped watching before ${target} settled (last seen: ${end.progress?.message ?? 'nothing yet'})`);
        } else if (end.result) report(`${end.result.outcome}: ${end.result.message}`);
        else if (end.error) report(`failed: ${end.error}`);
      } else {
        quitting.abort(new Error('opsdeck was closed'));
        // a plan still being read is dropped; nothing was sent
        controller.close();
      }
      await (await pending).close();
    },
  };
}
