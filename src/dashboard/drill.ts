/**
 * The backup drill as the dashboard drives it: one at a time, in the
 * background, its steps and latest line kept as a state the drill screen
 * draws. The drill runs from a key press but never inside it: `start`
 * answers with one line at once and the work goes on in a promise. `abort`
 * is the CLI's ctrl-c (the drill deletes what it created, or leaves its
 * record for `opsdeck drill cleanup`).
 */
import { DrillRefused, runDrill } from '../drills/drill.js';
import { drillPhrase, rdsEndpoints, type DrillDeps } from '../drills/setup.js';
import { DRILL_STEPS, type DrillConfig, type DrillProgress } from '../drills/types.js';
import { errorMessage, oneLine } from '../text/sanitize.js';
import { Observable } from '../engine/observable.js';
import type { OpenedEnvironment } from '../cli/environment.js';
import { executorDeps } from '../cli/actionSetup.js';
import type { DrillStepView, DrillView, Reply, TuiDrillHandle } from './ports.js';

/** What a drill of one instance runs on; `close` releases it once the drill ended. */
export interface DrillSetup {
  deps: DrillDeps;
  close(): Promise<void>;
}

export interface TuiDrillOptions {
  /** the instance's drill section; undefined: it has none */
  drillOf(instance: string): DrillConfig | undefined;
  /** the phrase a protected environment asks for; undefined: y/N is enough */
  phraseOf(instance: string): string | undefined;
  readOnly(): boolean;
  /** builds the deps (databases, journal, lock) when a drill starts */
  setup(drill: DrillConfig): Promise<DrillSetup>;
  now?: () => number;
}

const pending = (): DrillStepView[] => DRILL_STEPS.map((step) => ({ step, status: 'pending' }));
const IDLE: DrillView = { phase: 'idle', steps: pending() };

export class TuiDrill implements TuiDrillHandle {
  private readonly view = new Observable<DrillView>(IDLE);
  private abortDrill: AbortController | undefined;
  private abortCleanup_: AbortController | undefined;
  private done: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly opts: TuiDrillOptions) {
    this.now = opts.now ?? Date.now;
  }

  getState = this.view.get;
  subscribe = this.view.subscribe;

  /** A drill is under way (starting, running or cleaning up). */
  busy(): boolean {
    return this.getState().phase === 'starting' || this.getState().phase === 'running';
  }

  /** Why `instance` cannot be drilled here, in one line; undefined: it can. */
  refusal(instance: string): string | undefined {
    if (this.opts.readOnly()) return 'read-only: the backup drill is not available (start with --write)';
    if (this.busy()) return `the drill of ${this.getState().instance} is running: D shows it`;
    if (!this.opts.drillOf(instance)) return `${instance} has no drill section in the config; add rds[].drill with database, user, tables and assertions`;
    return undefined;
  }

  phrase(instance: string): string | undefined {
    return this.opts.phraseOf(instance);
  }

  /** Starts the drill in the background; answers at once. */
  start(instance: string, confirm?: string): Reply {
    const no = this.refusal(instance);
    if (no) return { ok: false, message: no };
    const drill = this.opts.drillOf(instance)!;
    this.abortDrill = new AbortController();
    this.abortCleanup_ = new AbortController();
    this.set({ phase: 'starting', instance, steps: pending(), latest: 'setting up the drill…' });
    this.done = this.run(instance, drill, confirm);
    return { ok: true, message: `backup drill of ${instance} started: Esc hides it, D shows it again` };
  }

  /**
   * ctrl-c: the drill stops waiting and deletes what it created (within a
   * minute, else its record stays for `opsdeck drill cleanup`). Asking again
   * changes nothing: quitting asks after the key did.
   */
  abort(why = 'opsdeck was closed'): void {
    if (!this.busy() || this.abortDrill!.signal.aborted) return;
    this.abortDrill!.abort(new Error(why));
    this.set({ ...this.getState(), stopping: true, latest: 'stopping the drill: deleting what it created…' });
  }

  /** A second interrupt: the clean-up after an abort stops too; what is left stays listed for `opsdeck drill cleanup`. */
  abortCleanup(why = 'interrupted again'): void {
    this.abortCleanup_?.abort(new Error(why));
  }

  /** Resolves once the drill (and its clean-up) ended. */
  settled(): Promise<void> {
    return this.done;
  }

  private async run(instance: string, drill: DrillConfig, confirm: string | undefined): Promise<void> {
    let setup: DrillSetup | undefined;
    try {
      setup = await this.opts.setup(drill);
      if (this.abortDrill!.signal.aborted) throw new Error('interrupted before the drill started: nothing was created');
      this.set({ ...this.getState(), phase: 'running' });
      const report = await runDrill(setup.deps, {
        instance,
        drill,
        ...(confirm !== undefined ? { confirm } : {}),
        signal: this.abortDrill!.signal,
        cleanupSignal: this.abortCleanup_!.signal,
        onProgress: (p) => this.progress(p),
      });
      this.set({ ...this.getState(), phase: 'finished', report, latest: oneLine(report.message) });
    } catch (err) {
      const message = err instanceof DrillRefused ? `refused: ${err.message}` : `the drill broke off: ${errorMessage(err)}`;
      this.set({ ...this.getState(), phase: 'failed', error: oneLine(message) });
    } finally {
      await setup?.close().catch(() => undefined);
    }
  }

  private progress(p: DrillProgress): void {
    const steps = this.getState().steps.map((s): DrillStepView => {
      if (s.step !== p.step) return s;
      if (p.status === 'running') return { step: s.step, status: 'running', startedAt: this.now() - p.elapsedMs, message: oneLine(p.message) };
      if (p.status === 'progress') return { ...s, status: 'running', startedAt: s.startedAt ?? this.now() - p.elapsedMs };
      return { step: s.step, status: p.status, durationMs: p.elapsedMs, message: oneLine(p.message) };
    });
    this.set({ ...this.getState(), steps, latest: oneLine(p.message) });
  }

  private set(view: DrillView): void {
    this.view.set(view);
  }
}

/** The drill wired to an opened environment, as `opsdeck drill backup` wires it (the sandbox: its databases). */
export function tuiDrill(opened: OpenedEnvironment, processEnv: NodeJS.ProcessEnv, readOnly: () => boolean = () => opened.info.readOnly): TuiDrill | undefined {
  if (!opened.rdsControl) return undefined;
  return new TuiDrill({
    drillOf: (instance) => opened.config.rds.find((r) => r.instance === instance)?.drill,
    phraseOf: (instance) => drillPhrase(opened.info, instance),
    readOnly,
    async setup(drill) {
      const closers: (() => Promise<void>)[] = [];
      const close = async () => {
        for (const c of closers.reverse()) await c().catch(() => undefined);
      };
      try {
        const executor = await executorDeps(opened, processEnv, () => undefined, 'dashboard');
        closers.push(() => executor.close());
        const stage = await opened.drillStage(processEnv, true);
        closers.push(() => stage.close());
        const endpoints = stage.endpoints(rdsEndpoints(stage.rds, drill));
        const deps: DrillDeps = { ctx: { env: opened.info, now: stage.now, sleep: stage.sleep, rds: stage.rds }, executor, endpoints, env: processEnv };
        return { deps, close };
      } catch (err) {
        await close();
        throw new Error(`could not set up the drill: ${errorMessage(err)}`);
      }
    },
  });
}
