/**
 * Incident mode as the dashboard drives it: start, note, end, and a status
 * the header draws (elapsed time, the next escalation mark). A one-second
 * timer records the escalation marks as they pass and re-reads the status,
 * so an incident started or ended from another terminal shows up here too.
 * Every call answers with one line for the message bar; nothing throws into
 * a key handler.
 */
import type { Finding } from '../model/findings.js';
import type { ActionObserver } from '../actions/executor.js';
import { endIncident, IncidentError, IncidentRecorder, startIncident } from '../incident/index.js';
import { duration } from '../incident/format.js';
import { errorMessage } from '../text/sanitize.js';
import { Observable } from '../engine/observable.js';
import { sameData } from '../engine/sameData.js';
import type { IncidentView, Reply, TuiIncidentHandle } from './ports.js';
import type { IncidentNotice } from '../notify/events.js';
import { incidentEnded, incidentNoted, incidentStarted } from '../notify/incidentEvents.js';

type Env = Record<string, string | undefined>;

interface TuiIncidentOptions {
  /** where the state directory is (OPSDECK_STATE_DIR) */
  env: Env;
  /** epoch ms */
  now?: () => number;
  /** the environment the dashboard shows, for the start entry and the default title */
  environment: () => string;
  /** the findings the dashboard holds now: recorded at once when an incident starts */
  findings: () => readonly Finding[];
  tickMs?: number;
  by?: string;
  /** an incident started, noted or ended here, for the notification targets: queued in order, never awaited */
  notify?: (environment: string, build: () => IncidentNotice) => void;
}

export class TuiIncident implements TuiIncidentHandle {
  private readonly view = new Observable<IncidentView>({});
  private problem: string | undefined;
  private readonly recorder: IncidentRecorder;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly opts: TuiIncidentOptions) {
    this.now = opts.now ?? Date.now;
    this.recorder = new IncidentRecorder({ env: opts.env, now: this.now, onError: (line) => (this.problem = line), ...(opts.by ? { by: opts.by } : {}) });
    this.refresh();
  }

  /** The open incident as of the last tick or call. */
  getState = this.view.get;
  subscribe = this.view.subscribe;

  /** Every action the dashboard plans and runs, on the open incident's timeline. */
  get observer(): ActionObserver {
    const r = this.recorder;
    return { planned: (p) => void r.planned(p), confirmed: (p) => void r.confirmed(p), outcome: (p, res) => void r.outcome(p, res) };
  }

  /** Starts the one-second timer; `stop` ends it. */
  run(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), this.opts.tickMs ?? 1_000);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.view.dispose();
  }

  /** Records the marks that passed, re-reads the status. */
  tick(): void {
    this.problem = undefined;
    this.recorder.tick();
    this.refresh(true);
    this.problem = undefined;
  }

  /** A fresh list of findings: the ones that changed go on the timeline. */
  findings(list: readonly Finding[]): void {
    this.recorder.findings(list);
  }

  defaultTitle(): string {
    return `Incident in ${this.opts.environment()}`;
  }

  start(title: string): Reply {
    const chosen = title.trim() || this.defaultTitle();
    let info;
    try {
      info = startIncident(chosen, { env: this.opts.env, now: this.now, environment: this.opts.environment(), ...(this.opts.by ? { by: this.opts.by } : {}) });
    } catch (err) {
      return { ok: false, message: err instanceof IncidentError ? err.message.replace(/opsdeck incident end/, 'i (or opsdeck incident end)') : `could not start the incident: ${errorMessage(err)}` };
    }
    // what is already wrong is the first thing the review's timeline should say
    this.recorder.findings(this.opts.findings());
    this.refresh();
    // built after the key handler returned (the status-page draft reads the timeline), queued before what follows
    this.tell(info.environment, () => incidentStarted(info, { env: this.opts.env, ...(this.opts.by ? { by: this.opts.by } : {}) }));
    return this.reply(true, `incident started: ${info.title} · n adds a note, i ends it · timeline ${info.timelinePath}`);
  }

  note(text: string): Reply {
    if (!this.recorder.open()) return this.reply(false, 'no incident is open: i starts one (notes go to its timeline)');
    if (!text.trim()) return { ok: false, message: 'the note was empty: nothing recorded' };
    this.problem = undefined;
    const entry = this.recorder.note(text);
    const open = this.recorder.open();
    if (entry && open) this.tell(open.environment, () => incidentNoted(open, entry.text, Date.parse(entry.time), entry.by));
    this.refresh();
    return entry ? this.reply(true, 'noted on the incident timeline') : this.reply(false, 'the note could not be recorded');
  }

  end(): Reply {
    let ended;
    try {
      ended = endIncident({ env: this.opts.env, now: this.now, ...(this.opts.by ? { by: this.opts.by } : {}) });
    } catch (err) {
      this.refresh();
      return { ok: false, message: err instanceof IncidentError ? err.message : `could not end the incident: ${errorMessage(err)}` };
    }
    this.refresh();
    const inc = ended.incident;
    this.tell(inc.environment, () => incidentEnded(inc, this.opts.by));
    return { ok: true, message: `incident ended after ${duration((inc.endedAt ?? this.now()) - inc.startedAt)}; review: ${ended.reviewPath}` };
  }

  /** A notification is a bystander: it must not fail the operator's call. */
  private tell(environment: string | undefined, build: () => IncidentNotice): void {
    if (!this.opts.notify || environment === undefined) return;
    try {
      this.opts.notify(environment, build);
    } catch {
      // the timeline and the review are what count
    }
  }

  private reply(ok: boolean, message: string): Reply {
    const problem = this.problem;
    this.problem = undefined;
    return problem ? { ok: false, message: `${message} (${problem})` } : { ok, message };
  }

  /** `withProblem`: a failed read or write since the tick began shows in the header until a tick goes well */
  private refresh(withProblem = false): void {
    const status = this.recorder.status();
    const problem = withProblem ? this.problem : undefined;
    const next: IncidentView = { ...(status ? { status } : {}), ...(problem ? { problem } : {}) };
    // the one-second tick with no incident open (or nothing new) must not cost the dashboard a frame
    if (!sameData(next, this.view.get())) this.view.set(next);
  }
}
