/**
 * The runbook screen's application layer: the runbooks (built in and the
 * team's), which apply now (the first `check` judged by the same judge as a
 * run's, on the findings the dashboard holds), the runs a crash or a failed
 * step left, and every runbook run the action controller holds, step by step.
 *
 * A run is the CLI's: one `runbookAction` planned as a whole and confirmed
 * with one phrase in the action box (`controller.begin`); its port is built
 * here from the session's contexts, as src/cli/runbookContext.ts builds the
 * CLI's. An `ask` step waits for `answer`, which a key press calls; nothing
 * here blocks the input loop, and every call answers with one line at once.
 */
import type { ActionController, ActionRequest, RunView } from '../actions/controller.js';
import type { Finding } from '../model/findings.js';
import type { OpenedEnvironment } from '../cli/environment.js';
import { runbookNames } from '../cli/runbookContext.js';
import { ConfigError } from '../config/errors.js';
import { evaluateCondition } from '../runbooks/conditions.js';
import type { RunbookContext } from '../runbooks/context.js';
import { stepKind, type Condition } from '../runbooks/format.js';
import { findRunbook, loadRunbooks, type LoadedRunbook } from '../runbooks/library.js';
import { holderAlive, lastFinishedRun, readRuns, type RunRecord, type StepOutcome } from '../runbooks/records.js';
import { runbookAction, type RunbookArgs, type RunbookParams } from '../runbooks/runbookAction.js';
import { Observable } from '../engine/observable.js';
import { sameData } from '../engine/sameData.js';
import { errorMessage, oneLine } from '../text/sanitize.js';
import type { TuiActionContexts } from './actions.js';
import type { FindingsFeed, Reply, RunbookAskView, RunbookEntry, RunbookRunView, RunbookScreenView, RunbookStepView, TuiIncidentHandle, TuiRunbooksHandle, UnfinishedRunView } from './ports.js';

/** How long each action step's verification may take: the CLI's default for a run (`--timeout 30m`). */
const VERIFY_TIMEOUT_MS = 30 * 60_000;

export interface TuiRunbooksOptions {
  opened: OpenedEnvironment;
  /** the panels: a run's check asks them to read again before it judges */
  runtime: { refresh(): void; clock: { now(): number } };
  controller: ActionController;
  contexts: TuiActionContexts;
  findings: FindingsFeed;
  incident: Pick<TuiIncidentHandle, 'getState' | 'start' | 'note'>;
  processEnv: NodeJS.ProcessEnv;
  /** the config file: the team's runbooks are beside it (none in the demo) */
  configPath?: string;
  /** how long a run's check waits for the checks to run on what the refresh brought */
  freshMs?: number;
}

interface PendingAsk {
  view: RunbookAskView;
  resolve(answer: string): void;
  reject(err: Error): void;
}

const EMPTY: RunbookScreenView = { runbooks: [], unfinished: [], problems: [], runs: [] };

/** The first `check` of a runbook: what "applies now" means. */
function firstCheck(lr: LoadedRunbook): Condition | undefined {
  const step = lr.runbook.steps.find((s) => stepKind(s) === 'check');
  return step && 'check' in step ? step.check : undefined;
}

function doneCount(r: RunRecord): number {
  return r.steps.filter((s) => s.outcome === 'done' || s.outcome === 'skipped').length;
}

export class TuiRunbooks implements TuiRunbooksHandle {
  private readonly view = new Observable<RunbookScreenView>(EMPTY);
  private library: LoadedRunbook[] = [];
  private problems: string[] = [];
  private records: RunRecord[] = [];
  private applies = new Map<string, RunbookEntry['applies']>();
  private judgedAt: number | undefined;
  private judging = 0;
  /** per run record id: each step's status as the run reported it */
  private readonly statuses = new Map<string, Map<string, { status: RunbookStepView['status']; message?: string }>>();
  private readonly asks = new Map<string, PendingAsk>();
  private readonly ended = new Set<number>();
  private readonly closing = new AbortController();
  private offFindings: (() => void) | undefined;
  private readonly offController: () => void;
  private shown = false;

  constructor(private readonly opts: TuiRunbooksOptions) {
    this.offController = opts.controller.subscribe(() => this.publish());
    // read once as the session opens, so `:runbook NAME` knows the names before the screen was ever shown
    this.load();
    this.publish();
  }

  getState = this.view.get;
  subscribe = this.view.subscribe;

  open(): void {
    if (this.shown) return;
    this.shown = true;
    // the files are read off the key press
    setImmediate(() => this.reload());
    // the marks follow the findings while the screen is open
    this.offFindings = this.opts.findings.subscribe(() => this.judge());
  }

  close(): void {
    this.shown = false;
    this.offFindings?.();
    this.offFindings = undefined;
  }

  /** The session closes: a question still waiting stops the run (it is recorded and can be resumed). */
  dispose(): void {
    this.close();
    this.closing.abort(new Error('opsdeck was closed'));
    for (const a of this.asks.values()) a.reject(new Error('opsdeck was closed before the question was answered'));
    this.asks.clear();
    this.offController();
  }

  start(name: string): Reply {
    const found = findRunbook(this.library, name);
    if (!found) return { ok: false, message: `no runbook "${oneLine(name, 40)}" (known: ${this.library.map((r) => r.runbook.name).join(', ') || 'none'})` };
    return this.begin(found, undefined);
  }

  resume(runId: string): Reply {
    const run = this.records.find((r) => r.id === runId);
    if (!run) return { ok: false, message: `no unfinished run "${oneLine(runId, 60)}" here` };
    const busy = this.busyReason(run);
    if (busy) return { ok: false, message: busy };
    const found = findRunbook(this.library, run.runbook);
    if (!found) return { ok: false, message: `run ${run.id} is of runbook "${run.runbook}", which is no longer in the library` };
    return this.begin(found, run);
  }

  answer(runId: string, choice: string): Reply {
    const pending = this.asks.get(runId);
    if (!pending) return { ok: false, message: 'no question of this run is waiting' };
    if (!pending.view.choices.includes(choice)) return { ok: false, message: `answer one of: ${pending.view.choices.join(', ')}` };
    this.asks.delete(runId);
    pending.resolve(choice);
    this.publish();
    return { ok: true, message: `answered "${choice}": the run goes on` };
  }

  private begin(found: LoadedRunbook, resume: RunRecord | undefined): Reply {
    const name = found.runbook.name;
    const no = this.opts.controller.blocking(name);
    if (no) return { ok: false, message: no };
    const req: ActionRequest<RunbookArgs, RunbookContext> = {
      action: runbookAction,
      ctx: this.context(true),
      title: `${resume ? 'Resume' : 'Run'} runbook ${name}`,
      args: () => ({ runbook: found.runbook, verifyTimeoutMs: VERIFY_TIMEOUT_MS, ...(resume ? { resume } : {}) }),
    };
    this.opts.controller.begin(req);
    return { ok: true, message: '' };
  }

  /** Why an unfinished run cannot be resumed from here now; undefined: it can. */
  private busyReason(run: RunRecord): string | undefined {
    const mine = this.runViews().find((r) => r.runId === run.id && r.stage !== 'finished');
    if (mine) return `run ${run.id} is under way here`;
    if (run.status === 'running' && run.pid !== process.pid && holderAlive(run)) return `under way in process ${run.pid}`;
    return undefined;
  }

  /** The run's port, from the session's contexts; `running`: a run's (its checks ask the panels to read again first). */
  private context(running: boolean): RunbookContext {
    const o = this.opts;
    const base = o.contexts.base;
    const self = this;
    let runId: string | undefined;
    return {
      get env() {
        return base.env;
      },
      now: () => base.now(),
      sleep: (ms, signal) => base.sleep(ms, AbortSignal.any([signal, this.closing.signal])),
      ...(o.contexts.ecs && o.opened.config.ecs.length ? { ecs: o.contexts.ecs } : {}),
      ...(o.contexts.rds && o.opened.config.rds.length ? { rds: o.contexts.rds } : {}),
      ...(o.contexts.queues ? { queues: o.contexts.queues } : {}),
      ...(o.contexts.postgres ? { postgres: o.contexts.postgres } : {}),
      ...runbookNames(o.opened),
      findings: (signal) => self.findings(running, signal),
      incident: {
        open: () => o.incident.getState().status?.title,
        start(title) {
          const reply = o.incident.start(title);
          if (!reply.ok) throw new Error(reply.message);
        },
        note: (text) => void o.incident.note(text),
      },
      ask: (stepId, question, choices, signal) => {
        if (runId === undefined) return Promise.reject(new Error(`step ${stepId} asked before the run started`));
        return self.ask(runId, { stepId, question: oneLine(question, 300), choices }, signal);
      },
      lastRun: (runbook) => lastFinishedRun(base.env.name, runbook, o.processEnv),
      stateEnv: o.processEnv,
      step(id, key, status, message) {
        runId = id;
        self.stepped(id, key, status, message);
      },
    };
  }

  private async findings(running: boolean, signal: AbortSignal): Promise<Finding[]> {
    const feed = this.opts.findings;
    if (running) {
      // judged on what the panels read now, not at their last poll (a check right after an action)
      const asked = this.opts.runtime.clock.now();
      this.opts.runtime.refresh();
      await this.until(() => (feed.checkedAt?.() ?? feed.getState().evaluatedAt ?? -Infinity) > asked, this.opts.freshMs ?? 2_000, signal);
    }
    if (feed.getState().evaluatedAt === undefined) await this.until(() => feed.getState().evaluatedAt !== undefined, 10_000, signal);
    if (feed.getState().evaluatedAt === undefined) throw new Error('the checks have not run yet in this session');
    return feed.getState().findings.map((t) => t.finding);
  }

  /** Resolves when `done` holds after a change of the findings, or after `ms`. */
  private until(done: () => boolean, ms: number, signal: AbortSignal): Promise<void> {
    if (done() || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        off();
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      const off = this.opts.findings.subscribe(() => {
        if (done()) finish();
      });
      signal.addEventListener('abort', finish, { once: true });
    });
  }

  private ask(runId: string, view: RunbookAskView, signal: AbortSignal): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const gone = () => {
        if (this.asks.get(runId)?.view !== view) return;
        this.asks.delete(runId);
        reject(signal.reason instanceof Error ? signal.reason : new Error('the run was stopped'));
        this.publish();
      };
      if (signal.aborted) return gone();
      signal.addEventListener('abort', gone, { once: true });
      this.asks.set(runId, {
        view,
        resolve: (a) => {
          signal.removeEventListener('abort', gone);
          resolve(a);
        },
        reject,
      });
      this.publish();
    });
  }

  private stepped(runId: string, key: string, status: 'running' | StepOutcome, message: string | undefined): void {
    let steps = this.statuses.get(runId);
    if (!steps) this.statuses.set(runId, (steps = new Map()));
    // a background step's verification reports while the run goes on: it stays `started`, its line moves
    const kept = status === 'running' && steps.get(key)?.status === 'started' ? 'started' : status;
    steps.set(key, { status: kept, ...(message !== undefined ? { message: oneLine(message, 400) } : {}) });
    this.publish();
  }

  /** The library and the unfinished runs, read again, and the marks judged. */
  private reload(): void {
    this.load();
    this.judge();
    this.publish();
  }

  /** The library and the unfinished runs; a bad team file is named, the built-ins still listed. */
  private load(): void {
    this.problems = [];
    try {
      this.library = loadRunbooks(this.opts.configPath);
    } catch (err) {
      this.problems = err instanceof ConfigError ? err.problems.map((p) => oneLine(p, 300)) : [oneLine(errorMessage(err), 300)];
      try {
        this.library = loadRunbooks(undefined);
      } catch {
        this.library = [];
      }
    }
    const env = this.opts.contexts.base.env.name;
    this.records = readRuns(this.opts.processEnv).filter((r) => r.environment === env && r.status !== 'done');
  }

  /** "Applies now": each runbook's first check, judged as a run would judge it, on the findings held now. */
  private judge(): void {
    const round = ++this.judging;
    const rb = this.context(false);
    const signal = this.closing.signal;
    void Promise.all(
      this.library.map(async (lr): Promise<[string, RunbookEntry['applies']]> => {
        const c = firstCheck(lr);
        if (!c) return [lr.runbook.name, undefined];
        try {
          const r = await evaluateCondition(c, rb, signal);
          return [lr.runbook.name, { holds: r.holds, seen: oneLine(r.seen, 200) }];
        } catch (err) {
          return [lr.runbook.name, { holds: false, seen: `could not be judged: ${oneLine(errorMessage(err), 160)}` }];
        }
      }),
    ).then((marks) => {
      if (round !== this.judging) return;
      this.applies = new Map(marks);
      this.judgedAt = this.opts.runtime.clock.now();
      this.publish();
    });
  }

  private runViews(): RunbookRunView[] {
    const runs = this.opts.controller.getState().runs ?? [];
    return runs.filter((r) => r.plan.action === 'runbook').map((r) => this.runView(r));
  }

  private runView(r: RunView): RunbookRunView {
    const params = r.plan.params as RunbookParams;
    const seen = this.statuses.get(params.runId);
    const steps = params.steps.map((s): RunbookStepView => {
      const got = seen?.get(s.key);
      const status: RunbookStepView['status'] = got?.status ?? (s.done ? 'done-before' : 'pending');
      const message = got?.message ?? (s.done ? 'done in the run resumed' : s.nothingToDo);
      return { key: s.key, title: oneLine(s.title, 300), kind: s.kind, status, ...(message !== undefined ? { message } : {}) };
    });
    const ask = this.asks.get(params.runId)?.view;
    const end = r.result ? { outcome: r.result.outcome, message: oneLine(r.result.message, 400) } : r.error ? { outcome: 'failed' as const, message: oneLine(r.error, 400) } : {};
    return { run: r.id, runId: params.runId, runbook: params.runbook.name, title: oneLine(r.title, 200), stage: r.stage, steps, ...(ask ? { ask } : {}), ...end };
  }

  private publish(): void {
    const runs = this.runViews();
    // a run that ended may have left a record to resume, or finished one
    const newlyEnded = runs.filter((r) => r.stage === 'finished' && !this.ended.has(r.run));
    for (const r of newlyEnded) this.ended.add(r.run);
    if (newlyEnded.length && this.shown) setImmediate(() => this.reload());
    const unfinished = this.records.map((r): UnfinishedRunView => {
      const busy = this.busyReason(r);
      return { id: r.id, runbook: r.runbook, by: r.by, startedAt: r.startedAt, done: doneCount(r), ...(busy ? { busy } : {}) };
    });
    const runbooks = this.library.map((lr): RunbookEntry => {
      const applies = this.applies.get(lr.runbook.name);
      const description = lr.runbook.description?.trim() ? oneLine(lr.runbook.description.trim(), 600) : undefined;
      return { name: lr.runbook.name, title: oneLine(lr.runbook.title, 200), origin: lr.origin, steps: lr.runbook.steps.length, ...(description ? { description } : {}), ...(applies ? { applies } : {}) };
    });
    const next: RunbookScreenView = { runbooks, unfinished, problems: this.problems, runs, ...(this.judgedAt !== undefined ? { judgedAt: this.judgedAt } : {}) };
    if (!sameData(next, this.view.get())) this.view.set(next);
  }
}

/** The runbooks of one opened environment, on its action session. */
export function tuiRunbooks(opts: TuiRunbooksOptions): TuiRunbooks {
  return new TuiRunbooks(opts);
}
