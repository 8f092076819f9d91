/**
 * View state: which panel is focused or open, selections, filters, the help
 * overlay, the text being typed and the message line. A pure reducer, so the
 * key handling can be tested without a terminal; effects (quit, refresh) stay
 * in the dispatcher.
 */
import type { PanelId } from '../src/model/panels.js';
import { PANEL_IDS } from '../src/model/panels.js';
import { Observable } from '../src/dashboard/observable.js';
import type { Tone } from './theme.js';

/**
 * Text being typed at the bottom row: a filter, a command, an incident's
 * title or a note. `end-incident` is a y/N question: one key answers it.
 */
export interface Entry {
  kind: 'filter' | 'command' | 'incident-title' | 'note' | 'end-incident';
  text: string;
}

/** What a guarded action was started on: its panel stays in view under the box, and its live state shows in it. */
export type ActionTarget =
  | { panel: 'ecs'; cluster: string; service: string }
  | { panel: 'rds'; instance: string; snapshot?: string }
  | { panel: 'queues'; redis: string; queue: string }
  | { panel: 'postgres'; database: string; pid: number };

/** How the log view reads: following or paused, and what it shows. */
export interface LogViewState {
  /**
   * null: following, the newest line at the bottom. Otherwise paused: the
   * window starts at line `top` (an id, so new lines and lines leaving the
   * buffer do not move it) and `total` is the line count when it paused,
   * to say how many arrived since.
   */
  paused: { top: string; total: number } | null;
  errorsOnly: boolean;
  /** lines around each line the filter keeps */
  context: boolean;
  wrap: boolean;
  /** the top-errors section of the full-screen view; null: shown when it fits beside the lines */
  topErrors: boolean | null;
}

/** The approvals screen (V, :approvals): a row selected, a request's plan open, its id being typed to decide. */
export interface ApprovalsState {
  selected: number;
  /** the request whose plan is open; null: the list */
  open: string | null;
  /** first line of the plan shown */
  scroll: number;
  /** Y or N was pressed: the request's id is being typed, as `opsdeck approve ID` asks */
  ask: { verdict: 'approved' | 'rejected'; text: string } | null;
}

/** The failed-job browser of one queue (J on the Queues panel). */
export interface JobsState {
  redis: string;
  queue: string;
  /** the row selected in the list */
  selected: number;
  /** ids marked with space: Q and X act on these when there are any */
  marked: readonly string[];
  /** the job whose detail is open; null: the list */
  open: string | null;
  /** first line of the detail shown */
  scroll: number;
}

export interface ViewState {
  focus: PanelId;
  detail: PanelId | null;
  help: boolean;
  /** first line of the help shown, when it is taller than the screen */
  helpScroll: number;
  /** how far the plan in the confirmation box is scrolled (rows) */
  planScroll: number;
  entry: Entry | null;
  filters: Partial<Record<PanelId, string>>;
  selection: Partial<Record<PanelId, number>>;
  message: { text: string; tone: Tone } | null;
  actionTarget: ActionTarget | null;
  /** the running action's box is put away (Esc): the dashboard is usable while RDS restores for half an hour */
  actionHidden: boolean;
  logs: LogViewState;
  /** ctrl+c was pressed once while an action runs; a second one quits */
  quitArmed: boolean;
  /** the checklist screen is open */
  checklist: boolean;
  /** the finding selected in it (see checklist.ts findingKey): a key, so a re-ordered list keeps the row */
  checklistKey: string | null;
  /** the checklist's ok rows are shown (folded into one line otherwise) */
  checklistOkOpen: boolean;
  /**
   * The operator has moved (focus, selection, a panel or the checklist
   * opened): from then on the dashboard no longer moves the focus to the
   * worst panel by itself. Cleared by a change of environment.
   */
  moved: boolean;
  /** the finding the next-problem key visited last (checklist.ts findingKey) */
  problemKey: string | null;
  /** the backup drill's screen is shown (Esc hides it; the drill goes on) */
  drill: boolean;
  /** the drill's question on the bottom row: y/N, or the typed phrase of a protected environment */
  drillAsk: { instance: string; phrase?: string; text: string } | null;
  /** the failed-job browser is open on a queue */
  jobs: JobsState | null;
  /** the runbook screen is open */
  runbooks: boolean;
  /** the row selected in it (runbookScreen.ts rowKey): a runbook, an unfinished run, a run under way */
  runbookKey: string | null;
  /** the `:fleet` screen is open, on the selected environment's row */
  fleet: { selected: number } | null;
  /** the approvals screen is open */
  approvals: ApprovalsState | null;
}

export const initialViewState: ViewState = {
  focus: 'ecs',
  detail: null,
  help: false,
  helpScroll: 0,
  planScroll: 0,
  entry: null,
  filters: {},
  selection: {},
  message: null,
  actionTarget: null,
  actionHidden: false,
  logs: { paused: null, errorsOnly: false, context: false, wrap: false, topErrors: null },
  quitArmed: false,
  checklist: false,
  checklistKey: null,
  checklistOkOpen: false,
  moved: false,
  problemKey: null,
  drill: false,
  drillAsk: null,
  jobs: null,
  runbooks: false,
  runbookKey: null,
  fleet: null,
  approvals: null,
};

export type ViewAction =
  | { type: 'focus'; id: PanelId }
  | { type: 'cycle'; delta: number }
  | { type: 'open' }
  | { type: 'back' }
  | { type: 'help'; open?: boolean }
  | { type: 'helpScroll'; delta: number; max: number }
  | { type: 'planScroll'; delta: number; max: number }
  /** `count` is the number of rows after the filter, so the selection stays on a row */
  | { type: 'select'; delta: number; count: number }
  | { type: 'startEntry'; kind: Entry['kind'] }
  | { type: 'editEntry'; text: string }
  | { type: 'endEntry'; keep: boolean }
  | { type: 'message'; text: string; tone?: Tone }
  /** a filter set whole (a saved one), or cleared with null; the selection restarts */
  | { type: 'setFilter'; id: PanelId; text: string | null }
  | { type: 'clearMessage' }
  | { type: 'actionTarget'; target: ActionTarget | null }
  | { type: 'armQuit'; armed: boolean }
  | { type: 'hideAction'; hidden: boolean }
  | { type: 'logs'; patch: Partial<LogViewState> }
  | { type: 'checklist'; open?: boolean }
  | { type: 'checklistSelect'; key: string | null }
  | { type: 'checklistOk'; open: boolean }
  /** the dashboard shows the worst panel by itself: ignored once the operator has moved */
  | { type: 'autoFocus'; id: PanelId; row?: number }
  /** the next-problem key: focus the finding's panel and select its row (clearing a filter that hides it) */
  | { type: 'visitProblem'; key: string; id: PanelId; row?: number; clearFilter: boolean }
  | { type: 'drill'; open: boolean }
  | { type: 'drillAsk'; ask: ViewState['drillAsk'] }
  /** the job browser opens on a queue, or closes */
  | { type: 'jobs'; open: { redis: string; queue: string } | null }
  | { type: 'jobsSelect'; delta: number; count: number }
  | { type: 'jobsMark'; id: string }
  | { type: 'jobsUnmark' }
  | { type: 'jobOpen'; id: string | null }
  | { type: 'jobScroll'; delta: number; max: number }
  | { type: 'runbooks'; open: boolean }
  | { type: 'fleet'; open: boolean }
  | { type: 'fleetSelect'; delta: number; count: number }
  | { type: 'runbookSelect'; key: string | null }
  | { type: 'approvals'; open: boolean }
  | { type: 'approvalsSelect'; delta: number; count: number }
  /** a request's plan opens (its id), or the list comes back (null) */
  | { type: 'approvalOpen'; id: string | null }
  | { type: 'approvalScroll'; delta: number; max: number }
  | { type: 'approvalAsk'; ask: ApprovalsState['ask'] }
  /** another environment is shown: what was selected or filtered in the last one means nothing here */
  | { type: 'environmentSwitched' };

/** The panel keys act on: the open one, else the focused one. */
export function activePanel(s: ViewState): PanelId {
  return s.detail ?? s.focus;
}

/** What the operator does that says they have taken over where the eye goes. */
const MOVES: ReadonlySet<ViewAction['type']> = new Set(['focus', 'cycle', 'open', 'select', 'checklist', 'checklistSelect', 'jobs']);

export function viewReducer(s: ViewState, a: ViewAction): ViewState {
  const next = reduce(s, a);
  return MOVES.has(a.type) && next !== s && !next.moved ? { ...next, moved: true } : next;
}

function reduce(s: ViewState, a: ViewAction): ViewState {
  switch (a.type) {
    case 'focus':
      return { ...s, focus: a.id, detail: s.detail ? a.id : null };
    case 'cycle': {
      const i = PANEL_IDS.indexOf(s.focus);
      const n = PANEL_IDS.length;
      const id = PANEL_IDS[(((i + a.delta) % n) + n) % n]!;
      return { ...s, focus: id, detail: s.detail ? id : null };
    }
    case 'open':
      return { ...s, detail: s.focus };
    case 'back':
      if (s.help) return { ...s, help: false };
      if (s.jobs?.open) return { ...s, jobs: { ...s.jobs, open: null, scroll: 0 } };
      if (s.jobs) return { ...s, jobs: null };
      if (s.runbooks) return { ...s, runbooks: false };
      if (s.fleet) return { ...s, fleet: null };
      if (s.approvals?.open) return { ...s, approvals: { ...s.approvals, open: null, scroll: 0, ask: null } };
      if (s.approvals) return { ...s, approvals: null };
      if (s.checklist) return { ...s, checklist: false };
      if (s.detail) return { ...s, detail: null };
      return s;
    case 'help':
      return { ...s, help: a.open ?? !s.help, helpScroll: 0 };
    case 'planScroll': {
      const next = Math.max(0, Math.min(a.max, s.planScroll + a.delta));
      return next === s.planScroll ? s : { ...s, planScroll: next };
    }
    case 'helpScroll': {
      const next = Math.max(0, Math.min(a.max, s.helpScroll + a.delta));
      return next === s.helpScroll ? s : { ...s, helpScroll: next };
    }
    case 'select': {
      const id = activePanel(s);
      const cur = s.selection[id] ?? 0;
      const next = Math.max(0, Math.min(Math.max(0, a.count - 1), cur + a.delta));
      return next === cur ? s : { ...s, selection: { ...s.selection, [id]: next } };
    }
    case 'startEntry': {
      const text = a.kind === 'filter' ? (s.filters[activePanel(s)] ?? '') : '';
      return { ...s, entry: { kind: a.kind, text } };
    }
    case 'editEntry': {
      if (!s.entry) return s;
      const entry = { ...s.entry, text: a.text };
      if (entry.kind !== 'filter') return { ...s, entry };
      // The filter applies while typing; the selection restarts at the first match.
      const id = activePanel(s);
      return { ...s, entry, filters: { ...s.filters, [id]: a.text }, selection: { ...s.selection, [id]: 0 } };
    }
    case 'endEntry': {
      if (!s.entry) return s;
      if (s.entry.kind === 'filter' && !a.keep) {
        const id = activePanel(s);
        const filters = { ...s.filters };
        delete filters[id];
        return { ...s, entry: null, filters, selection: { ...s.selection, [id]: 0 } };
      }
      return { ...s, entry: null };
    }
    case 'message':
      return { ...s, message: { text: a.text, tone: a.tone ?? 'text' } };
    case 'setFilter': {
      const filters = { ...s.filters };
      if (a.text === null) delete filters[a.id];
      else filters[a.id] = a.text;
      return { ...s, filters, selection: { ...s.selection, [a.id]: 0 } };
    }
    case 'clearMessage':
      return s.message ? { ...s, message: null } : s;
    case 'actionTarget':
      return { ...s, actionTarget: a.target, quitArmed: false, actionHidden: false, planScroll: 0 };
    case 'hideAction':
      return s.actionHidden === a.hidden ? s : { ...s, actionHidden: a.hidden };
    case 'armQuit':
      return s.quitArmed === a.armed ? s : { ...s, quitArmed: a.armed };
    case 'checklist': {
      const open = a.open ?? !s.checklist;
      return open === s.checklist ? s : { ...s, checklist: open, help: false, runbooks: false };
    }
    case 'runbooks':
      return a.open === s.runbooks ? s : { ...s, runbooks: a.open, help: false, checklist: false, drill: false };
    case 'fleet':
      return a.open === (s.fleet !== null) ? s : { ...s, fleet: a.open ? { selected: 0 } : null, help: false, checklist: false, runbooks: false, drill: false, approvals: null };
    case 'fleetSelect': {
      if (!s.fleet) return s;
      const next = Math.max(0, Math.min(Math.max(0, a.count - 1), s.fleet.selected + a.delta));
      return next === s.fleet.selected ? s : { ...s, fleet: { selected: next } };
    }
    case 'approvals':
      return a.open === (s.approvals !== null) ? s : { ...s, approvals: a.open ? { selected: 0, open: null, scroll: 0, ask: null } : null, help: false, checklist: false, runbooks: false, drill: false, fleet: null };
    case 'approvalsSelect': {
      if (!s.approvals) return s;
      const next = Math.max(0, Math.min(Math.max(0, a.count - 1), s.approvals.selected + a.delta));
      return next === s.approvals.selected ? s : { ...s, approvals: { ...s.approvals, selected: next } };
    }
    case 'approvalOpen':
      return s.approvals ? { ...s, approvals: { ...s.approvals, open: a.id, scroll: 0, ask: null } } : s;
    case 'approvalScroll': {
      if (!s.approvals) return s;
      const next = Math.max(0, Math.min(a.max, s.approvals.scroll + a.delta));
      return next === s.approvals.scroll ? s : { ...s, approvals: { ...s.approvals, scroll: next } };
    }
    case 'approvalAsk':
      return s.approvals ? { ...s, approvals: { ...s.approvals, ask: a.ask } } : s;
    case 'runbookSelect':
      return s.runbookKey === a.key ? s : { ...s, runbookKey: a.key };
    case 'drill':
      return s.drill === a.open ? s : { ...s, drill: a.open, help: false };
    case 'drillAsk':
      return { ...s, drillAsk: a.ask };
    case 'checklistSelect':
      return s.checklistKey === a.key ? s : { ...s, checklistKey: a.key };
    case 'checklistOk':
      return s.checklistOkOpen === a.open ? s : { ...s, checklistOkOpen: a.open };
    case 'autoFocus': {
      if (s.moved || s.detail || s.checklist || s.help || (s.focus === a.id && (a.row === undefined || s.selection[a.id] === a.row))) return s;
      return { ...s, focus: a.id, selection: a.row === undefined ? s.selection : { ...s.selection, [a.id]: a.row } };
    }
    case 'visitProblem': {
      const filters = { ...s.filters };
      if (a.clearFilter) delete filters[a.id];
      const selection = a.row === undefined ? s.selection : { ...s.selection, [a.id]: a.row };
      return { ...s, focus: a.id, detail: s.detail ? a.id : null, filters, selection, problemKey: a.key, moved: true };
    }
    case 'jobs':
      return { ...s, help: false, jobs: a.open ? { ...a.open, selected: 0, marked: [], open: null, scroll: 0 } : null };
    case 'jobsSelect': {
      if (!s.jobs) return s;
      const next = Math.max(0, Math.min(Math.max(0, a.count - 1), s.jobs.selected + a.delta));
      return next === s.jobs.selected ? s : { ...s, jobs: { ...s.jobs, selected: next } };
    }
    case 'jobsMark': {
      if (!s.jobs) return s;
      const marked = s.jobs.marked.includes(a.id) ? s.jobs.marked.filter((m) => m !== a.id) : [...s.jobs.marked, a.id];
      return { ...s, jobs: { ...s.jobs, marked } };
    }
    case 'jobsUnmark':
      return s.jobs && s.jobs.marked.length ? { ...s, jobs: { ...s.jobs, marked: [] } } : s;
    case 'jobOpen':
      return s.jobs ? { ...s, jobs: { ...s.jobs, open: a.id, scroll: 0 } } : s;
    case 'jobScroll': {
      if (!s.jobs) return s;
      const next = Math.max(0, Math.min(a.max, s.jobs.scroll + a.delta));
      return next === s.jobs.scroll ? s : { ...s, jobs: { ...s.jobs, scroll: next } };
    }
    case 'environmentSwitched':
      return { ...s, jobs: null, approvals: null, detail: null, filters: {}, selection: {}, actionTarget: null, actionHidden: false, quitArmed: false, checklistKey: null, checklistOkOpen: false, moved: false, problemKey: null, logs: initialViewState.logs };
    case 'logs': {
      const next = { ...s.logs, ...a.patch };
      const same = (Object.keys(next) as (keyof LogViewState)[]).every((k) => next[k] === s.logs[k]);
      return same ? s : { ...s, logs: next };
    }
  }
}

/**
 * The view state as a store: the dispatcher reads `getState` (keys can arrive
 * faster than React re-renders, and each must see what the last one left),
 * React subscribes to it like to every other store.
 */
interface ViewStore {
  getState(): ViewState;
  subscribe(listener: () => void): () => void;
  dispatch(a: ViewAction): void;
}

export function createViewStore(initial: ViewState): ViewStore {
  const state = new Observable(initial);
  return { getState: state.get, subscribe: state.subscribe, dispatch: (a) => state.set(viewReducer(state.get(), a)) };
}
