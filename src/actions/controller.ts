/**
 * The TUI's side of an action, kept out of the views: a key press only
 * calls `begin` or `key`, which start work here; the views draw `getState()`.
 * Phases of the box: input (ask for a number, a revision, an id) → planning
 * → confirm (for a destructive or approval-guarded plan first the reason
 * line, reason.ts, then the typed phrase); once confirmed the action becomes a run:
 * running (its call, then watching the change take effect) → finished.
 *
 * One box at a time, several runs at once: a restore watched for an hour
 * must not stand between the operator and a rollback of a crash-looping
 * service. Each request carries the context its action needs (ECS, RDS or
 * queue access). What may start is answered by `blocking` (the dashboard's
 * `busy`): only an open box, or a call still under way on the same target
 * (the executor's lock says the same at confirmation). A later action on a
 * watched target supersedes that watch in the executor (src/actions/watches.ts).
 */
import type { KeyPress } from '../keys/registry.js';
import { editLine } from '../keys/lineEditor.js';
import { Observable } from '../engine/observable.js';
import { errorMessage } from '../text/sanitize.js';
import { confirmKey, startConfirm, type ConfirmState } from './confirm.js';
import { givenReason, reasonAsked, reasonKey, startReason, type ReasonState } from './reason.js';
import { journalMistypedPhrase, notify, runAction, type ExecutorDeps, type RunResult } from './executor.js';
import type { ActionContext, ActionDefinition, Plan, VerifyProgress } from './types.js';

export type ActionPhase = 'idle' | 'input' | 'planning' | 'confirm' | 'running' | 'finished';

export interface ActionPrompt {
  label: string;
  value: string;
  /** what the value must look like, shown on a bad Enter */
  hint: string;
  error?: string;
}

/**
 * A confirmed action: `calling` while its call may be under way (the
 * target's lock is held), `watching` once verification reads the target
 * (no lock: another action may start), then `finished`.
 */
export type RunStage = 'calling' | 'watching' | 'finished';

export interface RunView {
  id: number;
  title: string;
  plan: Plan;
  stage: RunStage;
  progress?: VerifyProgress;
  result?: RunResult;
  error?: string;
  /** what the caller said the action was started on (the views' panel target) */
  tag?: unknown;
}

export interface ActionUiState {
  phase: ActionPhase;
  title?: string;
  prompt?: ActionPrompt;
  plan?: Plan;
  confirm?: ConfirmState;
  /** the reason line, asked before the phrase (confirm phase) of a destructive or approval-guarded plan */
  reason?: ReasonState;
  progress?: VerifyProgress;
  result?: RunResult;
  /** a failure before anything ran (the plan could not be made) */
  error?: string;
  /** the run the box shows (phases running and finished) */
  run?: number;
  tag?: unknown;
  /** the runs not dismissed yet, oldest first: running ones, and finished ones not read */
  runs?: readonly RunView[];
}

/** An action, the context it runs in, and how the prompt's text becomes its arguments. */
export interface ActionRequest<Args, Ctx extends ActionContext = ActionContext> {
  action: ActionDefinition<Args, Ctx>;
  ctx: Ctx;
  title: string;
  prompt?: Omit<ActionPrompt, 'error'>;
  /** builds the arguments from the prompt text; throws a one-line Error on bad input */
  args(input: string): Args;
}

// The controller only hands a request's context to that request's own action.
type AnyRequest = ActionRequest<unknown, ActionContext>;

/** The box before its action is confirmed: input, planning, confirm, or a plan that could not be made. */
type Front = Omit<ActionUiState, 'runs' | 'run' | 'progress' | 'result'> & { phase: 'idle' | 'input' | 'planning' | 'confirm' | 'finished' };

interface Running {
  abort: AbortController;
  /** stop watching as soon as the call is done (quitting while it was still being made) */
  stopWhenWatching: boolean;
}

const BOX_OPEN = new Set<ActionPhase>(['input', 'planning', 'confirm']);

/**
 * The two-person rule in the dashboard: once the phrase is typed, the plan
 * is recorded as a request and the run waits for another operator's
 * decision; approved, it runs with that approval.
 */
export interface ApprovalRequester {
  /** `reason`: the operator's, from the box's reason line */
  request(plan: Plan, reason: string | undefined): Promise<{ id: string }>;
  /** resolves when decided: approved, or why not (rejected, expired, stopped) */
  decided(id: string, signal: AbortSignal): Promise<{ approved: true } | { approved: false; message: string }>;
}

export class ActionController {
  private readonly store = new Observable<ActionUiState>({ phase: 'idle', runs: [] });
  private request: AnyRequest | undefined;
  private abort: AbortController | undefined;
  private front: Front = { phase: 'idle' };
  private runs: RunView[] = [];
  private readonly running = new Map<number, Running>();
  private shown: number | undefined;
  private seq = 0;

  constructor(
    private readonly deps: ExecutorDeps,
    private readonly approvals?: ApprovalRequester,
  ) {}

  getState = this.store.get;
  subscribe = this.store.subscribe;

  get active(): boolean {
    return this.getState().phase !== 'idle';
  }

  /**
   * Why an action on `target` (a service, instance or queue name; omitted:
   * any) cannot start now, in one line; undefined: it can. The box holds one
   * action at a time; a call still under way holds its target. A watched
   * change holds nothing: a new action on its target supersedes the watch.
   */
  blocking(target?: string): string | undefined {
    if (BOX_OPEN.has(this.front.phase)) return `${this.front.title ?? 'an action'} is open: confirm or cancel it first (esc)`;
    const open = this.runs.filter((r) => r.stage !== 'finished');
    if (target === undefined) {
      const first = open[0];
      return first ? `${first.title} is ${first.stage === 'calling' ? 'under way' : 'being watched'}${open.length > 1 ? ` (and ${open.length - 1} more)` : ''}` : undefined;
    }
    const calling = open.find((r) => r.stage === 'calling' && (r.plan.target.name === target || r.plan.target.display === target));
    return calling ? `the call of ${calling.title} is still under way on ${target}: wait until it is made (a shows it)` : undefined;
  }

  /** The runs not finished yet, oldest first. */
  unfinished(): RunView[] {
    return this.runs.filter((r) => r.stage !== 'finished');
  }

  begin<Args, Ctx extends ActionContext>(req: ActionRequest<Args, Ctx>, tag?: unknown): void {
    if (BOX_OPEN.has(this.front.phase)) return;
    this.request = req as unknown as AnyRequest;
    this.shown = undefined;
    const t = tag === undefined ? {} : { tag };
    if (req.prompt) this.setFront({ phase: 'input', title: req.title, prompt: { ...req.prompt }, ...t });
    else {
      this.front = { phase: 'idle', ...t };
      this.makePlan('');
    }
  }

  key(press: KeyPress): void {
    const s = this.front;
    switch (s.phase) {
      case 'input':
        return this.promptKey(press);
      case 'confirm': {
        if (s.reason && !s.reason.entered) {
          const reason = reasonKey(s.reason, press);
          return reason === 'cancelled' ? this.close() : this.setFront({ ...s, reason });
        }
        const next = confirmKey(s.confirm!, press);
        if (next.status === 'cancelled') return this.close();
        if (next.status === 'accepted') return this.run(next.typed);
        if (press.return && next.error && next.typed !== '') {
          // journaled like a wrong --confirm; written after the key handler returns (no disk write inside it)
          const plan = s.plan!;
          setImmediate(() => void journalMistypedPhrase(this.deps, plan, next.typed).catch(() => undefined));
          notify(this.deps.observer, (o) => o.mistyped?.(plan));
        }
        return this.setFront({ ...s, confirm: next });
      }
      case 'planning':
        if (press.escape) this.close();
        return;
      case 'finished':
        return this.close();
      default:
        // the box shows a run: a finished one is put away by any key, a running one goes on
        if (this.getState().phase === 'finished') this.close();
        return;
    }
  }

  /**
   * Cancels the box (a prompt, a plan being read or shown), or puts away the
   * finished run it shows. Esc while running does not stop the call: the
   * operator sees how it ends.
   */
  close(): void {
    if (this.front.phase !== 'idle') {
      this.abort?.abort(new Error('closed'));
      this.abort = undefined;
      this.request = undefined;
      return this.setFront({ phase: 'idle' });
    }
    const shown = this.runs.find((r) => r.id === this.shown);
    if (shown?.stage === 'finished') this.dismiss(shown.id);
  }

  /** The box shows a run: `id`, or the oldest finished one not read, else the newest running one. */
  show(id?: number): boolean {
    if (this.front.phase !== 'idle') return false;
    const pick = id !== undefined ? this.runs.find((r) => r.id === id) : (this.runs.find((r) => r.stage === 'finished') ?? this.runs.at(-1));
    if (!pick) return false;
    this.shown = pick.id;
    this.publish();
    return true;
  }

  /** A finished run read (or noticed): it leaves the list. */
  dismiss(id: number): void {
    const run = this.runs.find((r) => r.id === id);
    if (!run || run.stage !== 'finished') return;
    this.runs = this.runs.filter((r) => r.id !== id);
    if (this.shown === id) this.shown = undefined;
    this.publish();
  }

  /**
   * Quitting: every watch stops (the change goes on in AWS; the executor
   * journals the verification as aborted); a call still being made is let
   * finish and journaled first. Resolves once no run is left unfinished, or
   * after `timeoutMs`, with whether they all ended.
   */
  async stopWatching(timeoutMs: number): Promise<boolean> {
    for (const r of this.unfinished()) {
      const own = this.running.get(r.id);
      if (!own) continue;
      if (r.stage === 'watching') own.abort.abort(new Error('opsdeck was closed'));
      else own.stopWhenWatching = true;
    }
    if (this.unfinished().length === 0) return true;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        off();
        resolve(ok);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      const off = this.subscribe(() => {
        if (this.unfinished().length === 0) done(true);
      });
    });
  }

  private promptKey(press: KeyPress): void {
    const s = this.front;
    const prompt = s.prompt!;
    // the one line editor: the same keys and the same rule for pasted text as every prompt
    const edit = editLine(prompt.value, press);
    if (edit.kind === 'cancel') return this.close();
    if (edit.kind === 'submit') return this.makePlan(prompt.value);
    if (edit.text !== prompt.value || press.backspace || press.delete) this.setFront({ ...s, prompt: { ...prompt, value: edit.text, error: undefined } });
  }

  private makePlan(input: string): void {
    const req = this.request!;
    const tag = this.front.tag === undefined ? {} : { tag: this.front.tag };
    let args: unknown;
    try {
      args = req.args(input);
    } catch (err) {
      if (this.front.prompt) return this.setFront({ ...this.front, prompt: { ...this.front.prompt, error: errorMessage(err) } });
      return this.setFront({ phase: 'finished', title: req.title, error: errorMessage(err), ...tag });
    }
    const abort = new AbortController();
    this.abort = abort;
    this.setFront({ phase: 'planning', title: req.title, ...tag });
    req.action.plan(req.ctx, args, abort.signal).then(
      (plan) => {
        if (abort.signal.aborted) return;
        // read-only and refused plans go straight to the executor, which says why and journals it
        if (req.ctx.env.readOnly || plan.refusal) return this.run(undefined, plan);
        const reason = reasonAsked(plan, this.deps.approvals?.required(plan) ?? false) ? { reason: startReason() } : {};
        this.setFront({ phase: 'confirm', title: plan.title, plan, confirm: startConfirm(plan.tier, plan.phrase), ...reason, ...tag });
        // only a plan put before the operator: a refused one reaches the observer once, as the executor's outcome
        notify(this.deps.observer, (o) => o.planned?.(plan));
      },
      (err: unknown) => {
        if (!abort.signal.aborted) this.setFront({ phase: 'finished', title: req.title, error: `could not plan: ${errorMessage(err)}`, ...tag });
      },
    );
  }

  private run(typed: string | undefined, planned?: Plan): void {
    const plan = planned ?? this.front.plan!;
    const req = this.request!;
    const reason = planned ? undefined : givenReason(this.front.reason);
    const id = ++this.seq;
    const own: Running = { abort: new AbortController(), stopWhenWatching: false };
    this.running.set(id, own);
    this.runs = [...this.runs, { id, title: plan.title, plan, stage: 'calling', progress: { message: 'starting…' }, ...(this.front.tag === undefined ? {} : { tag: this.front.tag }) }];
    this.request = undefined;
    this.abort = undefined;
    this.front = { phase: 'idle' };
    this.shown = id;
    this.publish();
    const go = async (): Promise<RunResult> => {
      const approval = await this.approved(id, plan, typed, reason, own.abort.signal);
      if (approval.refused) return approval.refused;
      return runAction(this.deps, {
        action: req.action,
        ctx: req.ctx,
        plan,
        typed,
        ...(approval.id !== undefined ? { approval: approval.id } : {}),
        ...(reason !== undefined ? { reason } : {}),
        signal: own.abort.signal,
        // verification reports from its first read on: the call is made, the lock released
        onProgress: (progress) => {
          if (own.stopWhenWatching) own.abort.abort(new Error('opsdeck was closed'));
          this.update(id, { stage: 'watching', progress });
        },
      });
    };
    go().then(
      (result) => this.update(id, { stage: 'finished', result }),
      (err: unknown) => this.update(id, { stage: 'finished', error: errorMessage(err) }),
    );
  }

  /** Where the environment asks for approvals and the phrase was right: the request, then the wait; else nothing to wait for. */
  private async approved(id: number, plan: Plan, typed: string | undefined, reason: string | undefined, signal: AbortSignal): Promise<{ id?: string; refused?: RunResult }> {
    if (!this.approvals || !this.deps.approvals?.required(plan) || typed !== plan.phrase || plan.refusal) return {};
    const refused = (message: string): { refused: RunResult } => ({ refused: { outcome: 'refused', message, requestIds: [] } });
    let request: { id: string };
    try {
      request = await this.approvals.request(plan, reason);
    } catch (err) {
      return refused(errorMessage(err));
    }
    this.update(id, { progress: { message: `waiting for approval (request ${request.id}): another operator reads the plan and approves it on their approvals screen (V) or with opsdeck approve ${request.id} (their header counts it as pending)`, awaitingApproval: true } });
    const d = await this.approvals.decided(request.id, signal);
    if (!d.approved) return refused(`request ${request.id}: ${d.message}; nothing was done`);
    this.update(id, { progress: { message: `approved (request ${request.id}): running…` } });
    return { id: request.id };
  }

  private update(id: number, patch: Partial<RunView>): void {
    if (patch.stage === 'finished') this.running.delete(id);
    this.runs = this.runs.map((r) => (r.id === id ? { ...r, ...patch } : r));
    this.publish();
  }

  private setFront(next: Front): void {
    this.front = next;
    this.publish();
  }

  /** One state for the views: the box (the front, else the run it shows) and the list of runs. */
  private publish(): void {
    const runs = this.runs;
    if (this.front.phase !== 'idle') return this.store.set({ ...this.front, runs });
    const r = runs.find((x) => x.id === this.shown);
    if (!r) return this.store.set({ phase: 'idle', runs });
    this.store.set({
      phase: r.stage === 'finished' ? 'finished' : 'running',
      title: r.title,
      plan: r.plan,
      run: r.id,
      runs,
      ...(r.progress ? { progress: r.progress } : {}),
      ...(r.result ? { result: r.result } : {}),
      ...(r.error ? { error: r.error } : {}),
      ...(r.tag !== undefined ? { tag: r.tag } : {}),
    });
  }
}
