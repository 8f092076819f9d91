/**
 * What a key handler can reach: the view state through getters, and one
 * narrow handle per part of the dashboard (the actions, the log view, the
 * checklist, the incident, the environments, the drill). A handler names the
 * parts it needs (`Pick<DispatchContext, ...>`), so what a key can touch is
 * written in its signature. `say` puts any handler's Reply on the message line.
 */
import type { CommandId, KeyBinding, KeyPress } from '../src/dashboard/keys.js';
import type { ActionPhase, ActionUiState, ApprovalsView, DrillView, FleetRow, IncidentStatus, JobsView, Reply, RunbookScreenView, RunView, TrackedFinding } from '../src/dashboard/ports.js';
import type { QueuesSnapshot } from '../src/model/queues.js';
import type { LogsSnapshot } from '../src/model/logs.js';
import type { PanelId, PanelSnapshots } from '../src/model/panels.js';
import type { RdsSnapshot } from '../src/model/rds.js';
import type { ViewAction, ViewState } from './state.js';
import type { LogBodyBox } from './logs/box.js';

export type ActionCommand = Extract<CommandId, 'scale' | 'rollback' | 'redeploy' | 'autoscaling' | 'set-env' | 'stop-task' | 'rds-snapshot' | 'rds-restore' | 'rds-pitr' | 'requeue' | 'job-requeue' | 'job-delete' | 'queue-pause' | 'pg-cancel' | 'pg-terminate'>;

/** The action controller as the keys reach it. */
export interface ActionKeys {
  phase(): ActionPhase;
  /** why an action on `target` cannot start now; undefined: it can (TuiActions.busy, the one answer) */
  busy(target?: string): string | undefined;
  /** the confirmed actions not finished yet (their call, or watching it take effect) */
  running(): readonly RunView[];
  key(press: KeyPress): void;
  close(): void;
  /** the box's state now: its phase, plan and what is typed */
  state(): ActionUiState;
  /** `a`: the box shows run `id`, else the oldest finished one not read, else the newest; false: there is none */
  show(id?: number): boolean;
  /** starts the action on what the panel has selected; `jobs`: the job browser's chosen ids */
  start(command: ActionCommand, jobs?: readonly string[]): Reply;
}

export interface LogKeys {
  /** the log snapshot now */
  data(): LogsSnapshot | undefined;
  /** the log panel's body as drawn now; undefined when the panel is a one-line summary */
  box(): LogBodyBox | undefined;
  now(): number;
  /** where S writes, first that takes it; a function is called only when reached */
  saveDirs(): readonly (string | (() => string))[];
}

export interface ChecklistKeys {
  /** the findings in the order the screen lists them */
  items(): TrackedFinding[];
  /** starts the finding's suggested fix */
  fix(finding: TrackedFinding): Reply;
  /** what the panels hold now: where the next-problem key finds a finding's row */
  snaps(): PanelSnapshots;
}

export interface IncidentKeys {
  status(): IncidentStatus | undefined;
  start(title: string): Reply;
  end(): Reply;
  note(text: string): Reply;
  defaultTitle(): string;
}

export interface FleetKeys {
  /** the screen's rows, in the order drawn */
  rows(): readonly FleetRow[];
  /** the environment shown now */
  current(): string;
  /** a round of checks now, in the background */
  refresh(): void;
}

export interface EnvironmentKeys {
  /** "environments: prod (shown), staging · :env NAME switches", or why there is nothing to switch to */
  list(): string;
  /** starts the switch; the outcome arrives as a message later */
  switchTo(name: string): Reply;
}

export interface DrillKeys {
  state(): DrillView;
  busy(): boolean;
  refusal(instance: string): string | undefined;
  phrase(instance: string): string | undefined;
  start(instance: string, confirm?: string): Reply;
  abort(): void;
  /** the RDS panel's data, to read the selected instance at the key press */
  rds(): RdsSnapshot | undefined;
}

export interface JobsKeys {
  /** what the job feed holds now */
  view(): JobsView;
  /** reads the list (and the job open) again */
  reload(): void;
  /** the Queues panel's data, to read the selected queue at the key press */
  queues(): QueuesSnapshot | undefined;
  /** how far the open job's detail scrolls, as drawn now */
  maxScroll(): number;
}

/** The approvals screen (src/dashboard/approvalsFeed.ts): what it holds, and the decision, made in the background. */
export interface ApprovalKeys {
  view(): ApprovalsView;
  decide(id: string, verdict: 'approved' | 'rejected', typed: string): Reply;
  /** how far the open plan scrolls, as drawn now */
  maxScroll(): number;
}

/** The runbook screen (src/dashboard/runbooks.ts): each call answers at once, the run goes on in the action box. */
export interface RunbookKeys {
  state(): RunbookScreenView;
  start(name: string): Reply;
  resume(runId: string): Reply;
  answer(runId: string, choice: string): Reply;
}

/**
 * Read through getters: keys can arrive faster than React re-renders (a paste,
 * a fast typist over SSH), so every key must see the state the previous key
 * left, not the state of the last render.
 */
export interface DispatchContext {
  getState: () => ViewState;
  dispatch: (a: ViewAction) => void;
  bindings: readonly KeyBinding[];
  /** rows in a panel after its filter, to keep the selection on a row */
  count: (id: PanelId) => number;
  fromEnd: (id: PanelId) => boolean;
  /** rows a page-down moves */
  pageSize: number;
  /** how far the help overlay can scroll */
  helpMaxScroll: number;
  /** how far the plan in the confirmation box can scroll, and one page of it, as drawn now */
  planMaxScroll: number;
  planPage: number;
  /** ends the session: the launcher's one exit path; keys reach it only through the quit handler */
  quit: () => void;
  refresh: (panel?: PanelId) => void;
  /** bindings read-only mode took away: their keys say why nothing happens */
  hidden?: readonly KeyBinding[];
  /** what lifts read-only here (EnvironmentInfo.readOnlyCure), for the line those keys answer */
  readOnlyCure?: string;
  /** the guarded actions; absent when this session cannot act at all */
  actions?: ActionKeys;
  /** the log view's scrolling, toggles and saving */
  logs?: LogKeys;
  /** the checklist screen's findings and fixes; absent when the checks do not run */
  checklist?: ChecklistKeys;
  /** incident mode; absent when this session has none */
  incident?: IncidentKeys;
  /** `:env`; absent when this session cannot switch */
  environments?: EnvironmentKeys;
  /** the backup drill (D on the RDS panel); absent when this session cannot run one */
  drill?: DrillKeys;
  /** the failed-job browser (J on the Queues panel); absent without queues */
  jobs?: JobsKeys;
  /** the runbook screen (B); absent when this session cannot act */
  runbooks?: RunbookKeys;
  /** the `:fleet` screen (F); absent when this session has no fleet feed */
  fleet?: FleetKeys;
  /** the approvals screen (V); absent when this session cannot act */
  approvals?: ApprovalKeys;
}

/** A command's handler; what it reaches beyond the view state is its own narrow part of the context. */
export type Handler = (ctx: DispatchContext, press: KeyPress) => void;

/** The message line's answer to a Reply; an empty message says nothing. */
export function say(ctx: Pick<DispatchContext, 'dispatch'>, reply: Reply): void {
  if (reply.message) ctx.dispatch({ type: 'message', text: reply.message, tone: reply.ok ? 'ok' : 'warn' });
}
