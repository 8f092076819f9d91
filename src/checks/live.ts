/**
 * The checks, run on what the dashboard's panels already hold: no source is
 * read here. Store updates arrive many times a second (the log tail), so the
 * checks run at most once per `intervalMs`, a moment after the first update
 * of a quiet spell. Any other panel's new data is judged at once: its rows
 * draw the new figures with the verdict on them, so the two never disagree
 * for longer than a tick. A tracker remembers since when each finding has had its
 * severity, which the header shows as an age.
 *
 * It attaches to the store only once something else subscribed to it (the
 * dashboard's first frame), so it never starts the runtime's polling early.
 */
import type { Clock } from '../engine/clock.js';
import type { Store } from '../engine/store.js';
import type { Finding } from '../model/findings.js';
import { PANEL_IDS, type PanelSnapshots } from '../model/panels.js';
import { errorMessage } from '../text/sanitize.js';
import { evaluate, panelInputs, type EvaluateOptions } from './evaluate.js';
import { Observable } from '../engine/observable.js';
import { sameData } from '../engine/sameData.js';
import { CHECKS } from './rules.js';
import { NO_VERDICTS, verdictsOf, type Verdicts } from '../model/verdicts.js';
import { FindingTracker, type FindingChange, type TrackedFinding } from './tracker.js';
import type { CheckDefinition } from './types.js';

export interface LiveFindingsState {
  /** every current finding with its age, the worst first, then the oldest first */
  findings: readonly TrackedFinding[];
  /** the same findings by subject and panel: what the rows and titles draw */
  verdicts: Verdicts;
  /** remarks on the run (a thresholds subject that matches nothing) */
  notes: readonly string[];
  /** when the checks last ran (the runtime's clock); undefined before the first run */
  evaluatedAt?: number;
  /** what changed in the last run */
  changes: readonly FindingChange[];
  /** the last run failed as a whole (never expected: each check's failure is its own unknown finding) */
  error?: string;
}

interface LiveFindingsOptions {
  store: Pick<Store, 'subscribe' | 'getSnapshots' | 'onFirstSubscriber'>;
  clock: Clock;
  /** the environment's name, read at every run (the identity may be replaced, the name is not) */
  env: () => string;
  /** from `checkSettings(config)` */
  settings?: Pick<EvaluateOptions, 'thresholds' | 'postgresHosts' | 'areas' | 'unreconciled' | 'drills' | 'drillPolicy'>;
  intervalMs?: number;
  checks?: readonly CheckDefinition[];
  /** after every run, with the full list (e.g. for the incident timeline) */
  onEvaluated?: (findings: readonly Finding[], changes: readonly FindingChange[]) => void;
}

/** Before the first run: no finding, so no row carries a mark. */
const NO_LIVE_FINDINGS: LiveFindingsState = { findings: [], verdicts: NO_VERDICTS, notes: [], changes: [] };

export class LiveFindings {
  private readonly state = new Observable<LiveFindingsState>(NO_LIVE_FINDINGS);
  private readonly tracker = new FindingTracker();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** real time (Date.now) of the last run, for the at-most-once-per-interval rule */
  private ranAt = -Infinity;
  /** the snapshots the last run judged */
  private judged: PanelSnapshots | undefined;
  private unsubscribe: (() => void) | undefined;
  private disposed = false;
  private readonly intervalMs: number;
  /** when the checks last ran, also when they found what they found before (the state then stays as it was) */
  private lastRunAt: number | undefined;
  /** the findings the current verdicts were built from */
  private verdictsFrom: readonly Finding[] = [];

  constructor(private readonly opts: LiveFindingsOptions) {
    this.intervalMs = opts.intervalMs ?? 1_000;
    opts.store.onFirstSubscriber(() => {
      if (this.disposed || this.unsubscribe) return;
      this.unsubscribe = opts.store.subscribe(this.schedule);
      this.schedule();
    });
  }

  getState = this.state.get;
  subscribe = this.state.subscribe;

  /** When the checks last ran: the state's `evaluatedAt` is when they last found something new. */
  checkedAt = (): number | undefined => this.lastRunAt;

  /** The current findings at `severity`, oldest first. */
  at(severity: Finding['severity']): TrackedFinding[] {
    return this.tracker.at(severity);
  }

  /** Runs the checks on the store's snapshots now. */
  evaluateNow(): void {
    if (this.disposed) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.ranAt = Date.now();
    const snaps = this.opts.store.getSnapshots();
    this.judged = snaps;
    const now = this.opts.clock.now();
    let next: LiveFindingsState;
    try {
      const { data, errors } = panelInputs(snaps);
      const { findings, notes } = evaluate(data, errors, {
        env: this.opts.env(),
        now,
        ...this.opts.settings,
        checks: settled(this.opts.checks ?? CHECKS, snaps),
      });
      const changes = this.tracker.update(findings, now);
      const tracked = this.tracker.current();
      this.lastRunAt = now;
      this.opts.onEvaluated?.(findings, changes);
      // The same verdicts as the last run (a log line came in, nothing else):
      // the same state object, so nothing that draws it does any work.
      const prev = this.state.get();
      if (prev.evaluatedAt !== undefined && prev.error === undefined && changes.length === 0 && sameData(prev.findings, tracked) && sameData(prev.notes, notes)) return;
      // A figure in a message moved (the error rate), no verdict did: the same
      // verdicts object, so the panels drawn from it are not rebuilt.
      const verdicts = prev.evaluatedAt !== undefined && sameVerdicts(this.verdictsFrom, findings) ? prev.verdicts : verdictsOf(findings);
      this.verdictsFrom = findings;
      next = { findings: tracked, verdicts, notes, evaluatedAt: now, changes };
    } catch (err) {
      next = { ...this.state.get(), error: `the checks could not run: ${errorMessage(err)}` };
    }
    this.state.set(next);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.state.dispose();
  }

  /**
   * Runs inside the store's notification when the run is due, so the
   * dashboard, which hears of both in the same moment, draws the new data and
   * its verdicts in one frame rather than two.
   */
  private schedule = (): void => {
    if (this.disposed) return;
    const snaps = this.opts.store.getSnapshots();
    if (snaps === this.judged) return;
    if (this.judged === undefined) {
      // the first run waits a moment: the other panels' first answers are on their way
      this.timer ??= this.later(this.intervalMs);
      return;
    }
    const wait = this.ranAt + this.intervalMs - Date.now();
    if (changedBesideLogs(this.judged, snaps) || wait <= 0) return this.evaluateNow();
    this.timer ??= this.later(wait);
  };

  private later(ms: number): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => this.evaluateNow(), ms);
    t.unref?.();
    return t;
  }
}

/**
 * Whether two runs' findings give the same verdicts: the same severities for
 * the same checks and subjects, and (what `problems` hands the rows) the same
 * findings other than ok.
 */
function sameVerdicts(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.severity !== y.severity || x.checkId !== y.checkId || x.area !== y.area || !sameData(x.ref, y.ref)) return false;
    if (x.severity !== 'ok' && !sameData(x, y)) return false;
  }
  return true;
}

/** Whether a panel other than the log tail has new data since `before` (the tail alone changes many times a second). */
function changedBesideLogs(before: PanelSnapshots, after: PanelSnapshots): boolean {
  return PANEL_IDS.some((id) => id !== 'logs' && before[id] !== after[id]);
}

/**
 * The checks whose panels have answered at least once. A panel still loading
 * has not been looked at yet: judging it "unknown" would put a wave of
 * unknowns on an incident's timeline every time the dashboard opens.
 */
function settled(checks: readonly CheckDefinition[], snaps: PanelSnapshots): CheckDefinition[] {
  return checks.filter((c) => c.reads.every((id) => snaps[id].status !== 'loading'));
}
