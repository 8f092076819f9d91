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
  settings?: Pick<EvaluateOptions, 'thresholds' | 'postgresHosts' | 'areas' | 'unreconciled'>;
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
  private timerSoon = false;
  /** the snapshots the last run judged */
  private judged: PanelSnapshots | undefined;
  private unsubscribe: (() => void) | undefined;
  private disposed = false;
  private readonly intervalMs: number;

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

  /** The current findings at `severity`, oldest first. */
  at(severity: Finding['severity']): TrackedFinding[] {
    return this.tracker.at(severity);
  }

  /** Runs the checks on the store's snapshots now. */
  evaluateNow(): void {
    if (this.disposed) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerSoon = false;
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
      next = { findings: this.tracker.current(), verdicts: verdictsOf(findings), notes, evaluatedAt: now, changes };
      this.opts.onEvaluated?.(findings, changes);
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

  private schedule = (): void => {
    if (this.disposed || this.timerSoon) return;
    const soon = this.judged !== undefined && changedBesideLogs(this.judged, this.opts.store.getSnapshots());
    if (this.timer !== undefined && !soon) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerSoon = soon;
    this.timer = setTimeout(() => {
      this.timerSoon = false;
      this.evaluateNow();
    }, soon ? 0 : this.intervalMs);
    this.timer.unref?.();
  };
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
