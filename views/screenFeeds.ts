/**
 * Each screen's feed as the dashboard wires it: the subscription that draws
 * it, the effect that opens it while the screen is shown (its reads run on
 * the feed's own timer, never in a render), and the narrow handle its keys
 * reach (dispatchContext.ts). App.tsx calls one hook per screen.
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ApprovalsView, DashboardRuntime, DrillView, FleetView, JobsView, RunbookScreenView, TuiActions, TuiFleetHandle } from '../src/dashboard/ports.js';
import type { ApprovalKeys, DrillKeys, FleetKeys, JobsKeys, RunbookKeys } from './dispatchContext.js';
import type { ViewState } from './state.js';

const noSubscribe = () => () => undefined;
const NO_DRILL: DrillView = { phase: 'idle', steps: [] };
const noDrill = () => NO_DRILL;
const NO_JOBS: JobsView = { loading: false };
const noJobs = () => NO_JOBS;
const NO_FLEET: FleetView = { rows: [], running: false };
const noFleet = () => NO_FLEET;
const NO_RUNBOOKS: RunbookScreenView = { runbooks: [], unfinished: [], problems: [], runs: [] };
const noRunbooks = () => NO_RUNBOOKS;
const NO_APPROVALS: ApprovalsView = { rows: [] };
const noApprovals = () => NO_APPROVALS;

/** A feed that reads only while its screen is shown: opened on show, closed on hide or unmount. */
function useOpenWhileShown(feed: { open(): void; close(): void } | undefined, shown: boolean): void {
  useEffect(() => {
    if (!shown || !feed) return undefined;
    feed.open();
    return () => feed.close();
  }, [shown, feed]);
}

/** What a screen drew last: how far its text scrolls, for the keys that scroll it. */
export interface Drawn {
  jobsMaxScroll: number;
  approvalsMaxScroll: number;
}

/** The failed-job browser: its reads follow the view state, after the key press that changed it. */
export function useJobsScreen(actions: TuiActions | undefined, state: ViewState, getState: () => ViewState, runtime: DashboardRuntime, drawn: Drawn) {
  const feed = actions?.jobs;
  const view = useSyncExternalStore(feed?.subscribe ?? noSubscribe, feed?.getState ?? noJobs);
  const want = state.jobs ? `${state.jobs.redis}\u0000${state.jobs.queue}\u0000${state.jobs.open ?? ''}` : '';
  useEffect(() => {
    const j = getState().jobs;
    feed?.want(j ? { redis: j.redis, queue: j.queue, id: j.open } : null);
  }, [feed, want, getState]);
  const keys = useMemo<JobsKeys | undefined>(
    () => feed && { view: () => feed.getState(), reload: () => feed.reload(), queues: () => runtime.store.getSnapshots().queues.data, maxScroll: () => drawn.jobsMaxScroll },
    [feed, runtime, drawn],
  );
  return { feed, view, keys };
}

/** `:fleet`: the checks run while the screen is shown, on the feed's own timer. */
export function useFleetScreen(fleet: TuiFleetHandle | undefined, shown: boolean, runtime: DashboardRuntime) {
  const view = useSyncExternalStore(fleet?.subscribe ?? noSubscribe, fleet?.getState ?? noFleet);
  useOpenWhileShown(fleet, shown);
  const keys = useMemo<FleetKeys | undefined>(() => fleet && { rows: () => fleet.getState().rows, current: () => runtime.env.name, refresh: () => void fleet.refresh() }, [fleet, runtime]);
  return { view, keys };
}

/** The runbook screen: its marks are judged while it is open. */
export function useRunbooksScreen(actions: TuiActions | undefined, shown: boolean) {
  const runbooks = actions?.runbooks;
  const view = useSyncExternalStore(runbooks?.subscribe ?? noSubscribe, runbooks?.getState ?? noRunbooks);
  useOpenWhileShown(runbooks, shown);
  const keys = useMemo<RunbookKeys | undefined>(
    () => runbooks && { state: () => runbooks.getState(), start: (name) => runbooks.start(name), resume: (id) => runbooks.resume(id), answer: (id, choice) => runbooks.answer(id, choice) },
    [runbooks],
  );
  return { view, keys };
}

/** The backup drill's screen and question. */
export function useDrillScreen(actions: TuiActions | undefined, runtime: DashboardRuntime) {
  const drill = actions?.drill;
  const view = useSyncExternalStore(drill?.subscribe ?? noSubscribe, drill?.getState ?? noDrill);
  const keys = useMemo<DrillKeys | undefined>(
    () =>
      drill && {
        state: () => drill.getState(),
        busy: () => drill.busy(),
        refusal: (instance) => drill.refusal(instance),
        phrase: (instance) => drill.phrase(instance),
        start: (instance, confirm) => drill.start(instance, confirm),
        abort: () => drill.abort('ctrl-c'),
        rds: () => runtime.store.getSnapshots().rds.data,
      },
    [drill, runtime],
  );
  return { view, keys };
}

/** The approvals screen: the team store is read every few seconds while it is shown. */
export function useApprovalsScreen(actions: TuiActions | undefined, shown: boolean, drawn: Drawn) {
  const approvals = actions?.approvals;
  const view = useSyncExternalStore(approvals?.subscribe ?? noSubscribe, approvals?.getState ?? noApprovals);
  useOpenWhileShown(approvals, shown);
  const keys = useMemo<ApprovalKeys | undefined>(
    () =>
      approvals && {
        view: () => approvals.getState(),
        decide: (id, verdict, typed) => approvals.decide(id, verdict, typed),
        maxScroll: () => drawn.approvalsMaxScroll,
      },
    [approvals, drawn],
  );
  return { view, keys };
}
