/**
 * Incident mode as the dashboard drives it: start, note, end, and a status
 * the header draws (elapsed time, the next escalation mark). A one-second
 * timer records the escalation marks as they pass and re-reads the status,
 * so an incident started or ended from another terminal shows up here too.
 * Every call answers with one line for the message bar; nothing throws into
 * a key handler.
 *
 * Team mode (`attachTeam`): the environment's incident is the one in the team
 * store, followed live (team/incidentsLive.ts); a key press queues the write
 * and answers at once, and the header redraws when the store's notification
 * brings the result (or another operator's note).
 */
import type { Finding } from '../model/findings.js';
import type { ActionObserver } from '../actions/executor.js';
import { endIncident, IncidentError, IncidentRecorder, startIncident } from '../incident/index.js';
import { operatorLabel } from '../incident/incident.js';
import { clockUtc } from '../incident/format.js';
import { infoOf } from '../team/incidents.js';
import type { TeamDashboardSession } from '../team/incidentsLive.js';
import { hostname } from 'node:os';
import { duration } from '../incident/format.js';
import { errorMessage, oneLine } from '../text/sanitize.js';
import { Observable } from '../engine/observable.js';
import { sameData } from '../engine/sameData.js';
import type { IncidentView, PresenceSummary, Reply, TeamIncidentView, TuiIncidentHandle } from './ports.js';
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
  private readonly by: string;
  private team: { session: TeamDashboardSession; recorder: IncidentRecorder; unfollow: () => void } | undefined;

  constructor(private readonly opts: TuiIncidentOptions) {
    this.now = opts.now ?? Date.now;
    this.by = opts.by ?? operatorLabel();
    this.recorder = new IncidentRecorder({ env: opts.env, now: this.now, onError: (line) => (this.problem = line), by: this.by });
    this.refresh();
  }

  /**
   * The team store's incident of the environment shown, or (undefined) the
   * state directory's again. The caller owns the session and closes it.
   */
  attachTeam(session: TeamDashboardSession | undefined): void {
    this.team?.unfollow();
    this.team = undefined;
    if (session) {
      const { live } = session;
      const recorder = new IncidentRecorder({
        env: this.opts.env,
        now: this.now,
        by: this.by,
        target: {
          open: () => {
            const inc = live.state.get().incident;
            return inc && infoOf(inc, this.opts.env, session.store.where);
          },
          write: (entry) => (live.append(entry), true),
        },
      });
      const offState = live.state.subscribe(() => this.refresh());
      const offPresence = session.presence.view.subscribe(() => this.refresh());
      this.team = { session, recorder, unfollow: () => (offState(), offPresence()) };
    }
    this.refresh();
  }

  /** The recorder of the incident in force: the team's when attached. */
  private get rec(): IncidentRecorder {
    return this.team?.recorder ?? this.recorder;
  }

  /** The open incident as of the last tick or call. */
  getState = this.view.get;
  subscribe = this.view.subscribe;

  /** Every action the dashboard plans and runs, on the open incident's timeline. */
  get observer(): ActionObserver {
    return { planned: (p) => void this.rec.planned(p), confirmed: (p) => void this.rec.confirmed(p), outcome: (p, res) => void this.rec.outcome(p, res) };
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
    this.rec.tick();
    this.refresh(true);
    this.problem = undefined;
  }

  /** A fresh list of findings: the ones that changed go on the timeline. */
  findings(list: readonly Finding[]): void {
    // a shared incident's findings are recorded by its opener's dashboard alone, not once per dashboard
    const shared = this.team?.session.live.state.get().incident;
    if (shared && shared.openedBy !== this.by) return;
    this.rec.findings(list);
  }

  defaultTitle(): string {
    return `Incident in ${this.opts.environment()}`;
  }

  start(title: string): Reply {
    const chosen = title.trim() || this.defaultTitle();
    if (this.team) return this.startShared(this.team.session, chosen);
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

  /** Opens the environment's incident in the team store, or joins the one someone else opened meanwhile. */
  private startShared(session: TeamDashboardSession, title: string): Reply {
    const env = this.opts.environment();
    const open = session.live.state.get().incident;
    if (open) return this.reply(false, `${openedLine(open)} is already open; n adds your note to it, i ends it`);
    void session.live
      .write(async (i) => {
        const r = await i.start(env, title, this.now());
        if (!r.started) await i.join(env, this.now());
        await session.live.sync();
        return r;
      })
      .then(
        (r) => {
          if (!r.started) return;
          this.rec.findings(this.opts.findings());
          const info = infoOf(r.incident, this.opts.env, session.store.where);
          // the draft reads the shared timeline, findings included: queued after their write
          void session.live.write((i) => i.record(r.incident, this.opts.env)).then(
            (rec) => this.tell(env, () => incidentStarted(info, { env: this.opts.env, by: this.by, rec })),
            () => this.tell(env, () => incidentStarted(info, { env: this.opts.env, by: this.by })),
          );
        },
        () => undefined,
      );
    return this.reply(true, `starting the team incident "${title}" in ${env} (joined instead if someone just opened one) · n adds a note, i ends it`);
  }

  note(text: string): Reply {
    if (!this.rec.open()) return this.reply(false, 'no incident is open: i starts one (notes go to its timeline)');
    if (!text.trim()) return { ok: false, message: 'the note was empty: nothing recorded' };
    this.problem = undefined;
    const entry = this.rec.note(text);
    const open = this.rec.open();
    const shared = this.team?.session.live;
    const row = shared?.state.get().incident;
    if (entry && open && shared && row) {
      // the draft reads the shared timeline with this note on it: queued after the note's write
      void shared.write((i) => i.record(row, this.opts.env)).then(
        (rec) => this.tell(open.environment, () => incidentNoted(open, entry.text, Date.parse(entry.time), entry.by, { rec })),
        () => this.tell(open.environment, () => incidentNoted(open, entry.text, Date.parse(entry.time), entry.by)),
      );
    } else if (entry && open) this.tell(open.environment, () => incidentNoted(open, entry.text, Date.parse(entry.time), entry.by, { env: this.opts.env }));
    this.refresh();
    return entry ? this.reply(true, 'noted on the incident timeline') : this.reply(false, 'the note could not be recorded');
  }

  end(): Reply {
    if (this.team) return this.endShared(this.team.session);
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

  private endShared(session: TeamDashboardSession): Reply {
    const open = session.live.state.get().incident;
    if (!open) return this.reply(false, 'no incident is open in the team store');
    const env = this.opts.environment();
    void session.live.write((i) => i.end(env, this.opts.env, this.now())).then(
      (ended) => this.tell(env, () => incidentEnded(ended.incident, this.by)),
      () => undefined,
    );
    return { ok: true, message: `ending the team incident after ${duration(this.now() - open.openedAt)}; review: ${infoOf(open, this.opts.env, session.store.where).reviewPath}` };
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
    const status = this.rec.status();
    const problem = (withProblem ? this.problem : undefined) ?? this.team?.session.live.state.get().problem;
    const team = this.team && status ? teamView(this.team.session, this.by) : undefined;
    const presence = this.team && presenceOf(this.team.session);
    const next: IncidentView = { ...(status ? { status } : {}), ...(problem ? { problem } : {}), ...(team ? { team } : {}), ...(presence ? { presence } : {}) };
    // the one-second tick with no incident open (or nothing new) must not cost the dashboard a frame
    if (!sameData(next, this.view.get())) this.view.set(next);
  }
}

function openedLine(inc: { title: string; env: string; openedBy: string; openedAt: number }): string {
  return `incident "${inc.title}" in ${inc.env} (opened by ${inc.openedBy} at ${clockUtc(inc.openedAt).slice(0, 5)} UTC)`;
}

/** The shared incident's other operators and its newest note, from the events already read. */
function teamView(session: TeamDashboardSession, me: string): TeamIncidentView {
  const events = session.live.state.get().events;
  const others = [...new Set(events.map((e) => e.operator).filter((o) => o !== me))];
  // anyone's, this operator's too: two dashboards of one OS user on one host are told apart by nothing else
  const note = [...events].reverse().find((e) => e.entry.kind === 'note');
  const lastNote = note && note.entry.kind === 'note' ? { by: oneLine(note.operator, 80), text: oneLine(note.entry.text, 500), at: Date.parse(note.entry.time) } : undefined;
  return { with: others.map((o) => oneLine(o, 80)), ...(lastNote ? { lastNote } : {}) };
}

function presenceOf(session: TeamDashboardSession): PresenceSummary {
  const v = session.presence.view.get();
  const here = hostname();
  const others = v.others.map((o) => (o.host === here ? o.operator.replace(/@[^@]*$/, '') : o.operator));
  return { others: [...new Set(others)], locks: v.locks, ...(v.approvals !== undefined ? { approvals: v.approvals } : {}) };
}
