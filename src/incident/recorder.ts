/**
 * What the TUI and the action path call to feed the open incident's timeline.
 * Every method is a no-op while no incident is open, so callers never ask
 * first. The open incident is looked up on each call (one small file read):
 * it may have been started or ended from another terminal.
 *
 * Writes are synchronous and fsynced: when a method returns, the entry is on
 * disk. A failing disk never throws into the caller (a TUI keypress, an
 * action's outcome); it goes to `onError` and the method returns undefined.
 */
import type { Finding, Severity } from '../model/findings.js';
import type { Plan } from '../actions/types.js';
import type { RunResult } from '../actions/executor.js';
import { readIfExists } from '../state/exclusiveFile.js';
import { errorMessage, oneLine } from '../text/sanitize.js';
import { dueMarks, ESCALATION_MARKS, nextMark, type EscalationMark } from './escalation.js';
import { currentPointerPath, operatorLabel, readIncident } from './incident.js';
import { appendEntry, readTimeline } from './timeline.js';
import type { ActionEntry, ActionPhase, FindingEntry, IncidentInfo, NoteEntry, TimelineEntry } from './types.js';

type Env = Record<string, string | undefined>;

interface RecorderOptions {
  env?: Env;
  /** epoch ms */
  now?: () => number;
  /** a write that failed, as one line */
  onError?: (message: string) => void;
  by?: string;
  /** team mode: the incident kept elsewhere (the team store), instead of the state directory's */
  target?: RecorderTarget;
}

/** Where a recorder's entries go when not to the state directory's timeline; `write` queues and answers at once. */
export interface RecorderTarget {
  open(): IncidentInfo | undefined;
  write(entry: TimelineEntry): boolean;
}

interface FindingChange {
  checkId: string;
  subject: string;
  from: Severity | null;
  to: Severity;
  message: string;
  figure?: string;
}

interface ActionEvent {
  phase: ActionPhase;
  action: string;
  target: string;
  summary: string;
  message?: string;
}

/** For a header line: "INCIDENT 12:04 api down — next: 30 min in 17:56". */
export interface IncidentStatus {
  id: string;
  title: string;
  startedAt: number;
  elapsedMs: number;
  next?: EscalationMark & { inMs: number };
}

// Outside text is cut here so one runaway log message cannot bloat the timeline.
const MESSAGE_MAX = 500;
const NOTE_MAX = 2000;

export class IncidentRecorder {
  private readonly env: Env;
  private readonly now: () => number;
  private readonly by: string;
  private cached: IncidentInfo | undefined;
  /** severities last seen per check and subject, for the incident they belong to */
  private seen = { id: '', severity: new Map<string, Severity>() };
  /** escalation minutes known to be in the timeline, for the incident they belong to */
  private marks = { id: '', minutes: new Set<number>() };

  constructor(private readonly opts: RecorderOptions = {}) {
    this.env = opts.env ?? process.env;
    this.now = opts.now ?? Date.now;
    this.by = opts.by ?? operatorLabel();
  }

  /** The open incident, or undefined. */
  open(): IncidentInfo | undefined {
    if (this.opts.target) return this.opts.target.open();
    let pointer: string | null;
    try {
      pointer = readIfExists(currentPointerPath(this.env));
    } catch (err) {
      this.fail(err);
      return undefined;
    }
    const id = pointer?.trim();
    if (!id) return (this.cached = undefined);
    if (this.cached?.id === id) return this.cached;
    const rec = readIncident(id, { env: this.env });
    if (!rec || rec.endedAt !== undefined) return (this.cached = undefined);
    const { entries: _e, problems: _p, ...info } = rec;
    return (this.cached = info);
  }

  status(now = this.now()): IncidentStatus | undefined {
    const inc = this.open();
    if (!inc) return undefined;
    const next = nextMark(inc.startedAt, now);
    return { id: inc.id, title: inc.title, startedAt: inc.startedAt, elapsedMs: now - inc.startedAt, ...(next ? { next } : {}) };
  }

  finding(change: FindingChange): FindingEntry | undefined {
    const entry: FindingEntry = {
      kind: 'finding',
      time: this.iso(),
      checkId: oneLine(change.checkId, 120),
      subject: oneLine(change.subject, 200),
      from: change.from,
      to: change.to,
      message: oneLine(change.message, MESSAGE_MAX),
    };
    if (change.figure) entry.figure = oneLine(change.figure, 120);
    return this.write(entry);
  }

  /**
   * Pass every fresh list of findings; the ones whose severity changed since
   * the last list are recorded. A finding first seen during the incident is
   * recorded when it is not ok, with `from: null`.
   */
  findings(list: readonly Finding[]): FindingEntry[] {
    const inc = this.open();
    if (!inc) return [];
    if (this.seen.id !== inc.id) this.seen = { id: inc.id, severity: new Map() };
    const out: FindingEntry[] = [];
    for (const f of list) {
      const key = `${f.checkId}\u0000${f.subject}`;
      const before = this.seen.severity.get(key);
      this.seen.severity.set(key, f.severity);
      if (before === f.severity || (before === undefined && f.severity === 'ok')) continue;
      const e = this.finding({ checkId: f.checkId, subject: f.subject, from: before ?? null, to: f.severity, message: f.message, ...(f.figure ? { figure: f.figure } : {}) });
      if (e) out.push(e);
    }
    return out;
  }

  action(event: ActionEvent): ActionEntry | undefined {
    const entry: ActionEntry = {
      kind: 'action',
      time: this.iso(),
      phase: event.phase,
      action: oneLine(event.action, 60),
      target: oneLine(event.target, 200),
      summary: oneLine(event.summary, MESSAGE_MAX),
    };
    if (event.message) entry.message = oneLine(event.message, MESSAGE_MAX);
    return this.write(entry);
  }

  /** The plan was shown to the operator. */
  planned(plan: Plan): ActionEntry | undefined {
    return this.action({ phase: plan.refusal ? 'refused' : 'planned', ...fromPlan(plan), ...(plan.refusal ? { message: plan.refusal } : {}) });
  }

  /** The operator typed the phrase; the executor is about to run it. */
  confirmed(plan: Plan): ActionEntry | undefined {
    return this.action({ phase: 'confirmed', ...fromPlan(plan) });
  }

  /** What `runAction` returned. */
  outcome(plan: Plan, result: RunResult): ActionEntry | undefined {
    return this.action({ phase: result.outcome, ...fromPlan(plan), message: result.message });
  }

  note(text: string): NoteEntry | undefined {
    const clean = oneLine(text, NOTE_MAX);
    if (!clean) return undefined;
    return this.write({ kind: 'note', time: this.iso(), text: clean, by: this.by });
  }

  /** Records the escalation marks passed by `now` (once each); call it every second or so. */
  tick(now = this.now()): TimelineEntry[] {
    const inc = this.open();
    // a team incident's marks are written by whoever ends it
    if (!inc || this.opts.target) return [];
    if (this.marks.id !== inc.id) this.marks = { id: inc.id, minutes: new Set() };
    const known = [...this.marks.minutes].map((minutes) => ({ kind: 'escalation' as const, time: '', minutes, text: '' }));
    if (dueMarks(inc.startedAt, now, known).length === 0) return [];
    // another process (a second TUI, `incident status`) may have written it already
    try {
      const due = dueMarks(inc.startedAt, now, readTimeline(inc.timelinePath).entries);
      for (const m of due) appendEntry(inc.timelinePath, m);
      for (const m of ESCALATION_MARKS) if (inc.startedAt + m.minutes * 60_000 <= now) this.marks.minutes.add(m.minutes);
      return due;
    } catch (err) {
      this.fail(err);
      return [];
    }
  }

  private write<E extends TimelineEntry>(entry: E): E | undefined {
    const inc = this.open();
    if (!inc) return undefined;
    if (this.opts.target) return this.opts.target.write(entry) ? entry : undefined;
    try {
      appendEntry(inc.timelinePath, entry);
      return entry;
    } catch (err) {
      this.fail(err);
      return undefined;
    }
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private fail(err: unknown): void {
    this.opts.onError?.(`incident timeline: ${errorMessage(err)}`);
  }
}

function fromPlan(plan: Plan): Pick<ActionEvent, 'action' | 'target' | 'summary'> {
  return { action: plan.action, target: plan.target.display, summary: plan.summary };
}
