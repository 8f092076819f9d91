/**
 * What the views see of the dashboard's application layer: the shapes they
 * draw and the handles their keys call. Types only, so importing them pulls
 * nothing (no AWS SDK, no ioredis) into the views' module graph; the values
 * views may use come from this folder's small re-export modules.
 */
import type { Runtime } from '../engine/runtime.js';
import type { ActionController } from '../actions/controller.js';
import type { TuiRequests } from '../actions/requests.js';
import type { LiveFindingsState } from '../checks/live.js';
import type { IncidentStatus } from '../incident/recorder.js';
import type { DrillReport, DrillStepId, StepStatus } from '../drills/types.js';
import type { JobDetail, JobList } from '../model/jobs.js';
import type { Severity } from '../model/findings.js';
import type { RunStage } from '../actions/controller.js';
import type { RunOutcome } from '../actions/executor.js';
import type { Tier } from '../actions/types.js';

export type { ActionPhase, ActionUiState, RunView, RunStage } from '../actions/controller.js';
export type { RunOutcome } from '../actions/executor.js';
export type { Tier } from '../actions/types.js';
export type { LiveFindingsState } from '../checks/live.js';
export type { TrackedFinding } from '../checks/tracker.js';
export type { IncidentStatus } from '../incident/recorder.js';

/** What every handler and controller of the dashboard answers: one line for the message bar. */
export interface Reply {
  ok: boolean;
  /** one line for the operator */
  message: string;
}

/** What the dashboard needs from the runtime; tests pass a bare store. */
export type DashboardRuntime = Pick<Runtime, 'store' | 'env' | 'clock' | 'refresh'>;

/** Something the views read with useSyncExternalStore. */
export interface Observed<T> {
  getState(): T;
  subscribe(listener: () => void): () => void;
}

export interface TuiActions {
  controller: ActionController;
  /** one set per system this session can act on; absent: its keys say why nothing happens */
  requests: TuiRequests;
  /** one-line caveats worth reading before confirming (e.g. the lock only guards this machine) */
  notes(): readonly string[];
  /**
   * Why an action on `target` (a service, instance or queue name) cannot
   * start now, in one line; undefined: it can. Only an open box or a call
   * still under way on the same target holds it; a watched change does not.
   * Without a target: anything under way at all. The one place that
   * question is answered.
   */
  busy(target?: string): string | undefined;
  /** the backup drill (D on the RDS panel); absent without RDS access */
  drill?: TuiDrillHandle;
  /** the failed-job browser (J on the Queues panel); absent without queues */
  jobs?: TuiJobsHandle;
  /** team mode: "team store unreachable: recording locally (N unsent)" while it is, else undefined */
  team?: Observed<string | undefined>;
  /** the runbook screen (src/dashboard/runbooks.ts) */
  runbooks?: TuiRunbooksHandle;
  /** the approvals screen (src/dashboard/approvalsFeed.ts): another operator's requests, read and decided */
  approvals?: TuiApprovalsHandle;
}

/** One pending approval request as the approvals screen lists it; its text is sanitized. */
export interface ApprovalRow {
  id: string;
  /** "user@host (aws identity)" */
  requester: string;
  action: string;
  target: string;
  tier: Tier;
  summary: string;
  /** how old the request was, and how long it had to wait, when the list was read (the store's clock, not the dashboard's) */
  ageMs: number;
  expiresInMs: number;
  /** the request as `opsdeck approve ID` shows it: who, why, and the plan the requester confirmed */
  lines: readonly string[];
  /** why this operator may not decide on it (their own request); absent: they may */
  refusal?: string;
}

export interface ApprovalsView {
  /** one line: why there is no list here (no approvals configured, no team store) */
  unavailable?: string;
  rows: readonly ApprovalRow[];
  /** the list was read at least once */
  read?: boolean;
  /** the last read failed: one line */
  error?: string;
  /** a decision under way: "approving ABC123…" */
  deciding?: string;
  /** the last decision's answer, as the command line's */
  result?: Reply;
}

/** The approvals screen's feed: the store read every few seconds while the screen is open; decisions through the CLI's code. */
export interface TuiApprovalsHandle extends Observed<ApprovalsView> {
  open(): void;
  close(): void;
  refresh(): void;
  /** decides in the background (the answer arrives as `result`); `typed` is what the operator typed, checked as `opsdeck approve` checks it */
  decide(id: string, verdict: 'approved' | 'rejected', typed: string): Reply;
}

/** What the job browser wants shown: a queue's failed jobs, and one of them open. */
export interface JobsWanted {
  redis: string;
  queue: string;
  id?: string | null;
}

export interface JobsView {
  redis?: string;
  queue?: string;
  /** a read of the list is under way */
  loading: boolean;
  list?: JobList;
  /** one line: why the list could not be read */
  listError?: string;
  detail?: { id: string; loading: boolean; job?: JobDetail; error?: string };
}

/** The job browser's data as the jobs screen and its keys reach it. */
export interface TuiJobsHandle extends Observed<JobsView> {
  /** what the view state shows now; reads in the background what is not read yet */
  want(w: JobsWanted | null): void;
  /** reads the list (and the job open) again */
  reload(): void;
}

/** The live findings as the dashboard reads them. */
export type FindingsFeed = Observed<LiveFindingsState> & {
  /** when the checks last ran; the state keeps its `evaluatedAt` (and identity) while the verdicts stay the same */
  checkedAt?(): number | undefined;
};

/**
 * What the dashboard shows of one environment. The action controller and the
 * findings belong to it: switching environments replaces all three at once.
 */
export interface ShownEnvironment<R extends DashboardRuntime = DashboardRuntime> {
  runtime: R;
  /** absent when this environment cannot act on anything */
  actions?: TuiActions;
  /** the checks, run on what the panels hold */
  findings?: FindingsFeed;
}

/** One environment as the application layer holds it: the whole runtime, to stop it. */
export type TuiEnvironment = ShownEnvironment<Runtime>;

/** `:env NAME` on the command line: another environment of the config, without a restart. */
export interface EnvironmentSwitcher {
  /** the config's environments, in its order */
  names(): readonly string[];
  /** why there is nothing to switch to (the demo's sandbox); `switchTo` then refuses */
  unavailable?: string;
  /**
   * Opens `name`, starts watching it and stops watching the one shown; on a
   * failure the one shown stays. Rejects with a one-line Error.
   */
  switchTo(name: string): Promise<TuiEnvironment>;
}

export interface IncidentView {
  /** the open incident; undefined when none is open */
  status?: IncidentStatus;
  /** the timeline could not be read or written at the last tick */
  problem?: string;
  /** team mode: the shared incident's other operators and their last note */
  team?: TeamIncidentView;
  /** team mode: who else has this environment open, the locks held, the approvals pending */
  presence?: PresenceSummary;
}

export interface TeamIncidentView {
  /** the other operators who wrote to the incident, "user@host" */
  with: string[];
  /** the newest note, whoever wrote it */
  lastNote?: { by: string; text: string; at: number };
}

export interface PresenceSummary {
  /** the other dashboards on this environment: "user@host", or "user" on this host */
  others: string[];
  /** live locks of this environment: who holds which target */
  locks: { holder: string; target: string }[];
  /** pending approval requests; undefined when the store has no approvals */
  approvals?: number;
}

/** Incident mode as the keys and the header reach it. */
export interface TuiIncidentHandle extends Observed<IncidentView> {
  start(title: string): Reply;
  end(): Reply;
  note(text: string): Reply;
  defaultTitle(): string;
}

export interface DrillStepView {
  step: DrillStepId;
  status: 'pending' | 'running' | StepStatus;
  /** epoch ms, while running: the screen draws the elapsed time from it */
  startedAt?: number;
  durationMs?: number;
  message?: string;
}

export interface DrillView {
  phase: 'idle' | 'starting' | 'running' | 'finished' | 'failed';
  instance?: string;
  steps: readonly DrillStepView[];
  /** the latest progress line */
  latest?: string;
  report?: DrillReport;
  /** why the drill did not run or broke off (one line) */
  error?: string;
  /** abort was asked for; the drill is cleaning up */
  stopping?: boolean;
}

/** The backup drill as the keys and the drill screen reach it. */
export interface TuiDrillHandle extends Observed<DrillView> {
  busy(): boolean;
  /** why `instance` cannot be drilled here, in one line; undefined: it can */
  refusal(instance: string): string | undefined;
  phrase(instance: string): string | undefined;
  start(instance: string, confirm?: string): Reply;
  abort(why?: string): void;
}

/** A runbook as the screen lists it. */
export interface RunbookEntry {
  name: string;
  title: string;
  description?: string;
  origin: 'built-in' | 'team';
  steps: number;
  /** its first `check` judged on the current findings; absent: it has none (or they are not judged yet) */
  applies?: { holds: boolean; seen: string };
}

export interface RunbookStepView {
  key: string;
  /** one line: the step as its plan reads */
  title: string;
  kind: string;
  /** `started`: a background step whose verification is awaited at the end; `done-before`: done in the run resumed */
  status: 'pending' | 'running' | 'started' | 'done' | 'done-before' | 'skipped' | 'failed' | 'refused' | 'aborted';
  message?: string;
}

/** An `ask` step waiting for the operator: one key answers it. */
export interface RunbookAskView {
  stepId: string;
  question: string;
  choices: readonly string[];
}

/** A runbook run the action controller holds (confirmed, running or finished and not read). */
export interface RunbookRunView {
  /** the controller's run (RunView.id) */
  run: number;
  /** the run record's id */
  runId: string;
  runbook: string;
  title: string;
  stage: RunStage;
  steps: readonly RunbookStepView[];
  ask?: RunbookAskView;
  outcome?: RunOutcome;
  message?: string;
}

/** A run a crash, ctrl+c or a failed step left unfinished in this environment. */
export interface UnfinishedRunView {
  id: string;
  runbook: string;
  by: string;
  startedAt: string;
  /** steps done or skipped */
  done: number;
  /** why it cannot be resumed from here (still under way in another process); absent: it can */
  busy?: string;
}

export interface RunbookScreenView {
  runbooks: readonly RunbookEntry[];
  unfinished: readonly UnfinishedRunView[];
  /** a runbook file that could not be read (one line each) */
  problems: readonly string[];
  /** when the marks were judged (the runtime's clock) */
  judgedAt?: number;
  runs: readonly RunbookRunView[];
}

/** The runbook screen as the keys reach it; every call answers at once, the work goes on in the controller. */
export interface TuiRunbooksHandle extends Observed<RunbookScreenView> {
  /** the screen opens: the library and the unfinished runs are read again, the marks judged (in the background) */
  open(): void;
  close(): void;
  /** plans the runbook as a whole in the action box */
  start(name: string): Reply;
  /** plans the rest of an unfinished run against the current state */
  resume(runId: string): Reply;
  /** the operator's answer to the run's question */
  answer(runId: string, choice: string): Reply;
}

/** One environment on the `:fleet` screen: its verdict, counts and first problems. */
export interface FleetRow {
  environment: string;
  status: Severity;
  counts: Record<Severity, number>;
  /** the worst findings, the environment's name left off the subject */
  top: readonly { severity: Severity; subject: string; message: string }[];
  identity?: string;
  /** why it could not be checked */
  error?: string;
  /** not checked yet */
  pending?: boolean;
}

export interface FleetView {
  rows: readonly FleetRow[];
  /** when the last round finished */
  checkedAt?: number;
  /** a round is under way */
  running: boolean;
}

/** The `:fleet` screen's feed (src/dashboard/fleet.ts): checks while open, every ~45 s. */
export interface TuiFleetHandle extends Observed<FleetView> {
  open(): void;
  close(): void;
  /** a round now (r on the screen) */
  refresh(): Promise<void>;
}

export interface TuiOptions extends TuiEnvironment {
  /** NO_COLOR, --no-color or a monochrome terminal */
  noColor: boolean;
  /** incident mode: i starts or ends one, n adds a note; the header shows its clock */
  incident?: TuiIncidentHandle;
  environments?: EnvironmentSwitcher;
  fleet?: TuiFleetHandle;
}

/** Shows the dashboard until the user quits; resolves after the terminal is restored. */
export type LaunchTui = (opts: TuiOptions) => Promise<void>;
