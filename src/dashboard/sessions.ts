/**
 * The environments the dashboard shows, one at a time. Each is opened into
 * a bundle (runtime, action session, live findings, queue control) and torn
 * down as a whole; `:env NAME` opens the next one before the shown one is
 * stopped, so a failure to open leaves the dashboard as it was.
 */
import { Runtime } from '../engine/runtime.js';
import type { Clock } from '../engine/clock.js';
import { systemClock } from '../engine/clock.js';
import type { Finding } from '../model/findings.js';
import type { ActionObserver } from '../actions/executor.js';
import type { LiveFindings } from '../checks/live.js';
import type { QueueControl } from '../sources/redis/control.js';
import { errorMessage } from '../text/sanitize.js';
import { resolveIdentity, type OpenedEnvironment } from '../cli/environment.js';
import { tuiActions, type TuiActionSession } from './actions.js';
import { findingsFeed } from './findings.js';
import { switchRefusal } from './environmentSwitch.js';
import { TuiIncident } from './incident.js';
import { tuiRunbooks, type TuiRunbooks } from './runbooks.js';
import type { EnvironmentSwitcher, TuiEnvironment, TuiIncidentHandle } from './ports.js';

interface TuiSessionsOptions {
  /** opens an environment of the config by name; undefined: the one the flags chose */
  open(name?: string): Promise<OpenedEnvironment>;
  /** the config's environments; empty when `unavailable` says why */
  names: readonly string[];
  /** why `:env` cannot switch here (the demo) */
  unavailable?: string;
  processEnv: NodeJS.ProcessEnv;
  logSinceMs?: number;
  clock?: Clock;
  /** every action's plan, confirmation and outcome (the incident timeline) */
  observer?: ActionObserver;
  /** every run of the checks, with the full list (the incident timeline) */
  onFindings?: (list: readonly Finding[]) => void;
  /** default: the sandbox's queues in the demo, else the config's Redis (connected on first use) */
  queueControl?: (opened: OpenedEnvironment) => Promise<QueueControl | undefined>;
  /** default: STS, to show the account and ARN in the header */
  identity?: (opened: OpenedEnvironment) => Promise<unknown>;
  /** one line (stderr after the dashboard closed) */
  report?: (line: string) => void;
  /** where a runbook's notes and incident go; default: the state directory's incident, as the CLI's */
  incident?: TuiIncidentHandle;
  /** the config file: the team's runbooks are in runbooks/ beside it */
  configPath?: string;
}

interface Shown {
  name: string;
  view: TuiEnvironment;
  session?: TuiActionSession;
  queues?: QueueControl;
  findings: LiveFindings;
  runbooks?: TuiRunbooks;
}

const defaultQueueControl = (opened: OpenedEnvironment): Promise<QueueControl | undefined> => opened.queueControl();

export class TuiSessions implements EnvironmentSwitcher {
  private shown: Shown | undefined;
  private switching: string | undefined;
  private closed = false;
  readonly unavailable: string | undefined;

  constructor(private readonly opts: TuiSessionsOptions) {
    this.unavailable = opts.unavailable;
  }

  names(): readonly string[] {
    return this.opts.names;
  }

  /** The environment shown; throws before `openFirst`. */
  get current(): TuiEnvironment {
    if (!this.shown) throw new Error('no environment is open yet');
    return this.shown.view;
  }

  async openFirst(): Promise<TuiEnvironment> {
    this.shown = await this.build(await this.opts.open());
    return this.shown.view;
  }

  async switchTo(name: string): Promise<TuiEnvironment> {
    if (this.unavailable) throw new Error(this.unavailable);
    const shown = this.shown;
    if (!shown) throw new Error('no environment is open yet');
    const no = switchRefusal(name, { names: this.opts.names, shown: shown.name, switching: this.switching, actions: shown.view.actions });
    if (no) throw new Error(no);
    this.switching = name;
    try {
      let opened: OpenedEnvironment;
      try {
        opened = await this.opts.open(name);
      } catch (err) {
        throw new Error(`could not open ${name}: ${errorMessage(err)}`);
      }
      const next = await this.build(opened);
      if (this.closed) {
        // the dashboard closed while this one was opening: nobody will show it
        await this.teardown(next);
        throw new Error('opsdeck is closing');
      }
      this.shown = next;
      await this.teardown(shown);
      return next.view;
    } finally {
      this.switching = undefined;
    }
  }

  /** After the dashboard closed: an action still running finishes its part, then everything stops. */
  async close(): Promise<void> {
    this.closed = true;
    const shown = this.shown;
    this.shown = undefined;
    if (shown) await this.teardown(shown);
  }

  private async build(opened: OpenedEnvironment): Promise<Shown> {
    const clock = this.opts.clock ?? systemClock;
    const runtime = new Runtime({ sources: opened.sources, env: opened.info, intervals: opened.intervals, clock, ...(this.opts.logSinceMs !== undefined ? { logSinceMs: this.opts.logSinceMs } : {}) });
    let queues: QueueControl | undefined;
    try {
      queues = await (this.opts.queueControl ?? defaultQueueControl)(opened);
    } catch (err) {
      await opened.sources.close();
      throw new Error(`could not open ${opened.info.name}'s queues: ${errorMessage(err)}`);
    }
    runtime.start();
    // the header shows the account and ARN when STS answers; the panels do not wait for it
    void (this.opts.identity ?? resolveIdentity)(opened).then(
      () => runtime.setEnv(opened.info),
      () => undefined,
    );
    const session = tuiActions(opened, runtime, this.opts.processEnv, { ...(queues ? { queues } : {}), ...(this.opts.observer ? { observer: this.opts.observer } : {}) });
    const calling = () => (session?.actions.controller.unfinished() ?? []).filter((r) => r.stage === 'calling').map((r) => ({ action: r.plan.action, target: r.plan.target.display }));
    const findings = findingsFeed(opened, runtime, clock, this.opts.onFindings, calling);
    const incident = this.opts.incident ?? new TuiIncident({ env: this.opts.processEnv, environment: () => opened.info.name, findings: () => findings.getState().findings.map((t) => t.finding) });
    const runbooks = session && tuiRunbooks({ opened, runtime, controller: session.actions.controller, contexts: session.contexts, findings, incident, processEnv: this.opts.processEnv, ...(this.opts.configPath ? { configPath: this.opts.configPath } : {}) });
    const view: TuiEnvironment = { runtime, findings, ...(session ? { actions: { ...session.actions, ...(runbooks ? { runbooks } : {}) } } : {}) };
    return { name: opened.info.name, view, findings, ...(session ? { session } : {}), ...(queues ? { queues } : {}), ...(runbooks ? { runbooks } : {}) };
  }

  private async teardown(shown: Shown): Promise<void> {
    shown.findings.dispose();
    // a question still waiting stops its run (recorded, resumable) rather than hold the close
    shown.runbooks?.dispose();
    // before the sources close: an action still running needs them to finish its part
    await shown.session?.settle((line) => this.opts.report?.(line));
    await shown.queues?.close().catch(() => undefined);
    await shown.view.runtime.stop();
  }
}

/** The environments of the config the flags name (already read once by `openEnvironment`, so it loads). */
export async function configEnvironmentNames(opts: { config?: string }, processEnv: NodeJS.ProcessEnv): Promise<string[]> {
  const { loadConfig } = await import('../config/load.js');
  const { homedir } = await import('node:os');
  try {
    return Object.keys(loadConfig({ explicit: opts.config, env: processEnv, cwd: process.cwd(), home: homedir() }).config.environments);
  } catch {
    // changed on disk since it was opened: switching offers nothing, the dashboard still runs
    return [];
  }
}
