/**
 * The TUI's side of an action, kept out of the views: a key press only
 * calls `begin` or `key`, which start work here; the views draw `getState()`.
 * Phases: input (ask for a number, a revision, an id) → planning → confirm
 * (the typed phrase) → running (progress) → finished.
 *
 * One controller runs any action, one at a time: each request carries the
 * context its action needs (ECS, RDS or queue access), so the dashboard has
 * one overlay and one place where a running action is tracked.
 */
import type { KeyPress } from '../keys/registry.js';
import { editLine } from '../keys/lineEditor.js';
import { Observable } from '../engine/observable.js';
import { errorMessage } from '../text/sanitize.js';
import { confirmKey, startConfirm, type ConfirmState } from './confirm.js';
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

export interface ActionUiState {
  phase: ActionPhase;
  title?: string;
  prompt?: ActionPrompt;
  plan?: Plan;
  confirm?: ConfirmState;
  progress?: VerifyProgress;
  result?: RunResult;
  /** a failure before anything ran (the plan could not be made) */
  error?: string;
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

export class ActionController {
  private readonly store = new Observable<ActionUiState>({ phase: 'idle' });
  private request: AnyRequest | undefined;
  private abort: AbortController | undefined;

  constructor(private readonly deps: ExecutorDeps) {}

  getState = this.store.get;
  subscribe = this.store.subscribe;

  private get state(): ActionUiState {
    return this.store.get();
  }

  get active(): boolean {
    return this.state.phase !== 'idle';
  }

  begin<Args, Ctx extends ActionContext>(req: ActionRequest<Args, Ctx>): void {
    if (this.state.phase === 'planning' || this.state.phase === 'running') return;
    this.request = req as unknown as AnyRequest;
    if (req.prompt) this.set({ phase: 'input', title: req.title, prompt: { ...req.prompt } });
    else this.makePlan('');
  }

  key(press: KeyPress): void {
    const s = this.state;
    switch (s.phase) {
      case 'input':
        return this.promptKey(press);
      case 'confirm': {
        const next = confirmKey(s.confirm!, press);
        if (next.status === 'cancelled') return this.close();
        if (next.status === 'accepted') return this.run(next.typed);
        if (press.return && next.error && next.typed !== '') {
          // journaled like a wrong --confirm; written after the key handler returns (no disk write inside it)
          const plan = s.plan!;
          setImmediate(() => void journalMistypedPhrase(this.deps, plan, next.typed).catch(() => undefined));
        }
        return this.set({ ...s, confirm: next });
      }
      case 'finished':
        if (press.escape || press.return || press.input === 'q') this.close();
        return;
      case 'planning':
        if (press.escape) this.close();
        return;
      default:
        return;
    }
  }

  /** Esc while running does not stop the call: the operator sees how it ends. */
  close(): void {
    if (this.state.phase === 'running') return;
    this.abort?.abort(new Error('closed'));
    this.abort = undefined;
    this.request = undefined;
    this.set({ phase: 'idle' });
  }

  private promptKey(press: KeyPress): void {
    const s = this.state;
    const prompt = s.prompt!;
    // the one line editor: the same keys and the same rule for pasted text as every prompt
    const edit = editLine(prompt.value, press);
    if (edit.kind === 'cancel') return this.close();
    if (edit.kind === 'submit') return this.makePlan(prompt.value);
    if (edit.text !== prompt.value || press.backspace || press.delete) this.set({ ...s, prompt: { ...prompt, value: edit.text, error: undefined } });
  }

  private makePlan(input: string): void {
    const req = this.request!;
    let args: unknown;
    try {
      args = req.args(input);
    } catch (err) {
      if (this.state.prompt) return this.set({ ...this.state, prompt: { ...this.state.prompt, error: errorMessage(err) } });
      return this.set({ phase: 'finished', title: req.title, error: errorMessage(err) });
    }
    const abort = new AbortController();
    this.abort = abort;
    this.set({ phase: 'planning', title: req.title });
    req.action.plan(req.ctx, args, abort.signal).then(
      (plan) => {
        if (abort.signal.aborted) return;
        // read-only and refused plans go straight to the executor, which says why and journals it
        if (req.ctx.env.readOnly || plan.refusal) {
          this.set({ phase: 'planning', title: plan.title, plan });
          return this.run(undefined, plan);
        }
        this.set({ phase: 'confirm', title: plan.title, plan, confirm: startConfirm(plan.tier, plan.phrase) });
        // only a plan put before the operator: a refused one reaches the observer once, as the executor's outcome
        notify(this.deps.observer, (o) => o.planned?.(plan));
      },
      (err: unknown) => {
        if (!abort.signal.aborted) this.set({ phase: 'finished', title: req.title, error: `could not plan: ${errorMessage(err)}` });
      },
    );
  }

  private run(typed: string | undefined, planned?: Plan): void {
    const plan = planned ?? this.state.plan!;
    const req = this.request!;
    this.set({ ...this.state, phase: 'running', plan, progress: { message: 'starting…' } });
    runAction(this.deps, {
      action: req.action,
      ctx: req.ctx,
      plan,
      typed,
      onProgress: (progress) => this.set({ ...this.state, progress }),
    }).then(
      (result) => this.set({ ...this.state, phase: 'finished', result }),
      (err: unknown) => this.set({ ...this.state, phase: 'finished', error: errorMessage(err) }),
    );
  }

  private set(next: ActionUiState): void {
    this.store.set(next);
  }
}
