/**
 * The dashboard. Reads the store, keeps view state in React, routes keys
 * through one dispatcher, and draws a frame that is always one row shorter
 * than the terminal (a frame as tall as the terminal makes Ink clear the
 * screen on every update, which flickers). A guarded action draws over the
 * body from the action controller's state; the controller does the work.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Box, useInput } from 'ink';
import type { Key } from 'ink';
import type { ActionUiState, DashboardRuntime, TuiFleetHandle, EnvironmentSwitcher, IncidentView, LiveFindingsState, TuiActions, TuiIncidentHandle, FindingsFeed } from '../src/dashboard/ports.js';
import { ShownEnvironments } from '../src/dashboard/shown.js';
import type { KeyBinding } from '../src/dashboard/keys.js';
import { activeBindings, KEY_BINDINGS } from '../src/dashboard/keys.js';
import { DEFAULT_LOG_SAVE_DIRS } from '../src/dashboard/logs.js';
import { NO_VERDICTS, type Verdicts } from '../src/model/verdicts.js';
import type { PanelId, PanelSnapshots } from '../src/model/panels.js';
import { Lines, ThemeContext } from './Lines.js';
import { themeFor } from './theme.js';
import type { Line } from './text.js';
import { fitLine, seg } from './text.js';
import { useAgeClock, useBoth, useTerminalSize } from './hooks.js';
import { createViewStore, initialViewState } from './state.js';
import type { ViewState } from './state.js';
import type { DispatchContext } from './dispatchContext.js';
import { SYSTEM, overlayShown } from './overlay.js';
import { handleKey, scopeOf, toKeyPress } from './keys.js';
import { computeLayout } from './layout.js';
import type { Layout } from './layout.js';
import { framePanel, summaryLine } from './PanelFrame.js';
import { entryLine, headerLines, hintLine, presenceLine } from './chrome.js';
import { helpContent, helpMaxScroll, helpView } from './help.js';
import { rowCount, selectsFromEnd } from './panels/index.js';
import { activePanel } from './state.js';
import { overlayFooter, overlayView, runPanel, runsLine, wrapText } from './actionOverlay.js';
import { liveLines, targetOf } from './actionStart.js';
import { logBoxOf } from './logs/box.js';
import { checklistItems, checklistView, criticalLine } from './checklist.js';
import { placeOf, problemOrder } from './problems.js';
import { incidentLine, teamNoteLine } from './incidentLine.js';
import { endQuestion } from './prompt.js';
import { startFix } from './fixStart.js';
import { drillRunningLine, drillScreen } from './drillScreen.js';
import { drillAskLine } from './drillPrompt.js';
import { jobsScreen } from './jobsScreen.js';
import { fleetScreen } from './fleetScreen.js';
import { runbookScreen, runProgressText } from './runbookScreen.js';
import { runbookBox, runbookFooter, shownRunbookRun } from './runbookBox.js';
import { approvalsScreen } from './approvalsScreen.js';
import { useActionKeys, useIncidentKeys } from './hooksKeys.js';
import { useApprovalsScreen, useDrillScreen, useFleetScreen, useJobsScreen, useRunbooksScreen, type Drawn } from './screenFeeds.js';

/** What the dashboard needs from the runtime; tests pass a bare store. */
export type AppRuntime = DashboardRuntime;

interface AppProps {
  runtime: AppRuntime;
  noColor: boolean;
  /** the single exit path, owned by the launcher */
  onQuit: () => void;
  /** the key table; tests pass their own to exercise read-only filtering */
  bindings?: readonly KeyBinding[];
  /** initial view state, for tests and for reopening where the user was */
  initialState?: Partial<ViewState>;
  /** the guarded actions; absent when this session cannot act */
  actions?: TuiActions;
  /** where S saves the log lines, first that takes it; default: the current directory, then the state directory */
  logSaveDirs?: readonly (string | (() => string))[];
  /** the checks on the panels' data: the header's critical line, the panels' marks, the checklist (c) */
  findings?: FindingsFeed;
  /** incident mode (i, n); absent: those keys say it is not available */
  incident?: TuiIncidentHandle;
  /** `:env NAME`; absent: this session cannot switch */
  environments?: EnvironmentSwitcher;
  /** `:fleet` (F): every environment's verdict, checked in the background while shown */
  fleet?: TuiFleetHandle;
}

const IDLE: ActionUiState = { phase: 'idle' };
const idle = () => IDLE;
const noSubscribe = () => () => undefined;
const noTeamTrouble = () => undefined;
const NO_FINDINGS: LiveFindingsState = { findings: [], verdicts: NO_VERDICTS, notes: [], changes: [] };
const noFindings = () => NO_FINDINGS;
const NO_INCIDENT: IncidentView = {};
const noIncident = () => NO_INCIDENT;

/** What the body shows: rows of lines, or (the grid) rows of panels side by side. */
type Body = { kind: 'lines'; lines: readonly Line[] } | { kind: 'grid'; rows: { id: PanelId; width: number; lines: readonly Line[] }[][] };

type FrameInput = Parameters<typeof framePanel>[0];
type PanelCache = Map<string, { input: FrameInput; lines: Line[] }>;

/**
 * framePanel, kept while its input is the same (the same snapshot object,
 * size, time, selection, verdicts): a key that moves the selection in one
 * panel, or new data in another, does not rebuild this one, and its lines
 * keep their identity so the memoised views below do not re-render them.
 */
function cachedPanel(cache: PanelCache, input: FrameInput): Line[] {
  const key = `${input.id}:${input.detail ? 'd' : 'g'}`;
  const hit = cache.get(key);
  if (hit && sameInput(hit.input, input)) return hit.lines;
  const lines = framePanel(input);
  cache.set(key, { input, lines });
  return lines;
}

function sameInput(a: FrameInput, b: FrameInput): boolean {
  const ka = Object.keys(a) as (keyof FrameInput)[];
  return ka.length === Object.keys(b).length && ka.every((k) => Object.is(a[k], b[k]));
}

/** The text and tones of a frame: equal strings mean the terminal would show the same. */
function frameText(header: readonly Line[], body: Body, footer: readonly Line[]): string {
  const lines = (ls: readonly Line[]) => ls.map((l) => l.map((g) => `${g.tone ?? ''}|${g.bold ? 1 : 0}${g.inverse ? 1 : 0}|${g.text}`).join('\u0000')).join('\n');
  const b = body.kind === 'lines' ? lines(body.lines) : body.rows.map((r) => r.map((c) => `${c.width}\n${lines(c.lines)}`).join('\u0001')).join('\u0002');
  return `${lines(header)}\u0003${b}\u0003${lines(footer)}`;
}

// Lines re-render only when their array changes: a cached panel's do not.
const MemoLines = memo(Lines);

function BodyView({ body }: { body: Body }) {
  if (body.kind === 'lines') return <MemoLines lines={body.lines} />;
  return (
    <Box flexDirection="column">
      {body.rows.map((row, r) => (
        <Box key={r} flexDirection="row">
          {row.map((cell) => (
            <MemoLines key={cell.id} width={cell.width} lines={cell.lines} />
          ))}
        </Box>
      ))}
    </Box>
  );
}

function bodyOf(layout: Layout, snaps: PanelSnapshots, state: ViewState, now: number, verdicts: Verdicts, cache: PanelCache): Body {
  const common = (id: PanelId) => ({
    id,
    snap: snaps[id],
    now,
    filter: state.filters[id] ?? '',
    selected: state.selection[id] ?? 0,
    focused: id === state.focus,
    ...(id === 'logs' ? { logView: state.logs } : {}),
    verdicts,
  });
  if (layout.kind === 'detail') {
    const { cell } = layout;
    return { kind: 'lines', lines: cachedPanel(cache, { ...common(cell.id), width: cell.width, height: cell.height, detail: true }) };
  }
  if (layout.kind === 'grid') {
    return { kind: 'grid', rows: layout.rows.map((row) => row.map((cell) => ({ id: cell.id, width: cell.width, lines: cachedPanel(cache, { ...common(cell.id), width: cell.width, height: cell.height, detail: false }) }))) };
  }
  const lines: Line[] = [];
  for (const item of layout.items) {
    if (item.kind === 'summary') lines.push(summaryLine({ ...common(item.id), width: layout.width }));
    else lines.push(...cachedPanel(cache, { ...common(item.id), width: layout.width, height: item.height, detail: false }));
  }
  return { kind: 'lines', lines };
}

export function App(props: AppProps) {
  const { noColor, onQuit, bindings = KEY_BINDINGS, initialState, logSaveDirs = DEFAULT_LOG_SAVE_DIRS, incident, environments } = props;
  // The store is the truth for the key handler (see DispatchContext); React re-renders from it.
  const storeRef = useRef<ReturnType<typeof createViewStore> | null>(null);
  // a view reopened where the operator was is theirs: the dashboard does not move it
  storeRef.current ??= createViewStore({ ...initialViewState, moved: initialState?.focus !== undefined || Boolean(initialState?.detail), ...initialState });
  const viewStore = storeRef.current;
  const state = useSyncExternalStore(viewStore.subscribe, viewStore.getState);
  const dispatch = viewStore.dispatch;
  // The environment shown: `:env NAME` swaps the runtime, its actions and its findings together.
  const shownRef = useRef<ShownEnvironments | null>(null);
  shownRef.current ??= new ShownEnvironments({ runtime: props.runtime, ...(props.actions ? { actions: props.actions } : {}), ...(props.findings ? { findings: props.findings } : {}) }, environments, (reply, switched) => {
    if (switched) dispatch({ type: 'environmentSwitched' });
    dispatch({ type: 'message', text: reply.message, tone: reply.ok ? 'ok' : 'warn' });
  });
  const environmentsShown = shownRef.current;
  const { shown, switching } = useSyncExternalStore(environmentsShown.subscribe, environmentsShown.getState);
  const { runtime, actions, findings } = shown;
  // the panels and their verdicts together: the checks run inside the store's notification
  const [snaps, checks] = useBoth(runtime.store.subscribe, runtime.store.getSnapshots, findings?.subscribe ?? noSubscribe, findings?.getState ?? noFindings);
  const action = useSyncExternalStore(actions?.controller.subscribe ?? noSubscribe, actions?.controller.getState ?? idle);
  const incidentView = useSyncExternalStore(incident?.subscribe ?? noSubscribe, incident?.getState ?? noIncident);
  const teamTrouble = useSyncExternalStore(actions?.team?.subscribe ?? noSubscribe, actions?.team?.getState ?? noTeamTrouble);
  // each screen's feed: its view, opened while shown, and the handle its keys reach
  const drawn = (useRef<Drawn | null>(null).current ??= { jobsMaxScroll: 0, approvalsMaxScroll: 0 });
  const { view: drillView, keys: drillKeys } = useDrillScreen(actions, runtime);
  const { feed: jobsFeed, view: jobsView, keys: jobsKeys } = useJobsScreen(actions, state, viewStore.getState, runtime, drawn);
  const { view: fleetView, keys: fleetKeys } = useFleetScreen(props.fleet, state.fleet !== null, runtime);
  const { view: runbookView, keys: runbookKeys } = useRunbooksScreen(actions, state.runbooks);
  const { view: approvalsView, keys: approvalKeys } = useApprovalsScreen(actions, state.approvals !== null, drawn);
  // Set when the time alone changed what the screen shows (see useAgeClock).
  const [ageTick, setAgeTick] = useState(0);
  // Read the clock when an age on screen is due or data arrives, so ages never lag behind updatedAt.
  const now = useMemo(() => runtime.clock.now(), [runtime.clock, ageTick, snaps, checks]);
  const { columns, rows } = useTerminalSize();
  const theme = themeFor(noColor);
  const overlayOpen = overlayShown(action.phase, state.actionHidden);

  const active = useMemo(() => activeBindings({ readOnly: runtime.env.readOnly }, bindings), [runtime.env.readOnly, bindings]);
  const hidden = bindings.length - active.length;
  const hiddenBindings = useMemo(() => bindings.filter((b) => !active.includes(b)), [bindings, active]);
  // The box's target: the run it shows keeps its own, whatever was started since.
  const actionTarget = targetOf(action, state.actionTarget);
  const targetPanel = actionTarget?.panel ?? 'ecs';
  // What a panel shows may have changed once a run ends: read it now rather than at the next poll.
  const refreshed = useRef(new Set<number>());
  useEffect(() => {
    for (const r of action.runs ?? []) {
      if (r.stage !== 'finished' || refreshed.current.has(r.id)) continue;
      refreshed.current.add(r.id);
      runtime.refresh(runPanel(r, targetPanel));
      // the job browser shows what a requeue or delete left, without the marks it acted on
      if (viewStore.getState().jobs && r.plan.target.kind === 'queue') {
        jobsFeed?.reload();
        dispatch({ type: 'jobsUnmark' });
      }
    }
    if (action.phase === 'finished' && action.run === undefined) runtime.refresh(targetPanel);
  }, [action, runtime, targetPanel, jobsFeed, viewStore, dispatch]);

  // One frame row is left free: see the comment at the top.
  const total = Math.max(3, rows - 1);
  const width = Math.max(20, columns);
  const critical = useMemo(() => checks.findings.filter((t) => t.finding.severity === 'crit'), [checks]);
  const problems = useMemo(() => problemOrder(checks.findings), [checks]);
  // Problems first: until the operator moves, the worst finding's panel is the focused (expanded) one, its row
  // selected. Moved in the same tick the findings arrive, so no frame shows them beside the wrong panel expanded.
  useEffect(() => {
    if (!findings) return undefined;
    const follow = () => {
      const worst = problemOrder(findings.getState().findings)[0];
      if (worst && !viewStore.getState().moved) dispatch({ type: 'autoFocus', ...placeOf(worst, runtime.store.getSnapshots(), viewStore.getState().filters) });
    };
    follow();
    return findings.subscribe(follow);
  }, [findings, runtime, viewStore, dispatch]);
  const help = useMemo(() => helpContent(active, runtime.env.readOnly ? hidden : 0), [active, hidden, runtime.env.readOnly]);
  const panelCache = (useRef<PanelCache | null>(null).current ??= new Map());
  // The whole frame at time `at`: what is drawn, and what the age clock
  // compares a second later to know whether the time alone changed the screen.
  const compose = (at: number) => {
    // On a very small terminal the panels win: the header drops rows from its
    // end (who, the critical line, the incident) down to its first row
    // (environment and badges), then the hint bar and the message go.
    let header = headerLines(runtime.env, snaps, at, width, {
      rows: [incidentLine(incidentView, width), teamNoteLine(incidentView, width), presenceLine(incidentView.presence, width), criticalLine(critical, at, width)],
      ...(switching ? { switching } : {}),
      ...(teamTrouble ? { team: teamTrouble } : {}),
    });
    const footer: Line[] = [];
    // a message wraps to three rows: what it names (a review's path, the environments) must be readable at 80 columns
    if (state.message && !state.entry) for (const row of wrapText(state.message.text, width).slice(0, 3)) footer.push(fitLine([seg(row, state.message.tone)], width));
    // every confirmed action not read yet, in one line: how far each is, how each ended
    const runbookRun = (id: number) => runbookView.runs.find((r) => r.run === id);
    const runs = overlayOpen ? undefined : runsLine(action.runs ?? [], width, (r) => {
      const rb = runbookRun(r.id);
      return rb && runProgressText(rb);
    });
    // the box shows a runbook run: its steps and its question
    const shownRun = overlayOpen ? shownRunbookRun(action, runbookView) : undefined;
    if (runs) footer.push(runs);
    const drillLine = state.drill ? undefined : drillRunningLine(drillView, width);
    if (drillLine) footer.push(drillLine);
    if (shownRun) footer.push(runbookFooter(shownRun, width));
    else if (overlayOpen) footer.push(overlayFooter(action, width, SYSTEM[targetPanel]));
    else if (state.drillAsk && !state.help) footer.push(drillAskLine(state.drillAsk, width));
    else if (state.entry && !state.help) footer.push(entryLine(state.entry, width, { question: endQuestion(incidentView.status), ...(incident ? { placeholder: incident.defaultTitle() } : {}) }));
    else footer.push(hintLine(scopeOf(state), active, width, activePanel(state), { problems: problems.length }));
    if (total - header.length - footer.length < 6) header = header.slice(0, Math.max(1, total - footer.length - 6));
    while (!state.entry && footer.length > 0 && total - header.length - footer.length < 2) footer.pop();
    const bodyHeight = Math.max(1, total - header.length - footer.length);
    const layout = computeLayout({ width, height: bodyHeight, focus: state.focus, detail: state.detail });
    let body: Body;
    let jobsMaxScroll = 0;
    let approvalsMaxScroll = 0;
    // The box as drawn now: the key handler scrolls its plan by what the screen shows.
    const boxTargetName = !actionTarget ? undefined : actionTarget.panel === 'ecs' ? actionTarget.service : actionTarget.panel === 'rds' ? (actionTarget.snapshot ?? actionTarget.instance) : actionTarget.panel === 'queues' ? actionTarget.queue : String(actionTarget.pid);
    const box = shownRun
      ? runbookBox({ run: shownRun, state: action, width, maxHeight: bodyHeight, quitArmed: state.quitArmed })
      : overlayOpen
      ? overlayView({ state: action, width, maxHeight: bodyHeight, live: liveLines(actionTarget, action, snaps), system: SYSTEM[targetPanel], targetName: boxTargetName, notes: actions?.notes(), quitArmed: state.quitArmed, scroll: state.planScroll })
      : undefined;
    if (box) {
      // Under the box, while there is room, the target's panel keeps moving: the operator watches the change land.
      const rest = bodyHeight - box.lines.length;
      const p = targetPanel;
      const below = rest >= 6 ? cachedPanel(panelCache, { id: p, snap: snaps[p], width, height: rest, now: at, focused: false, detail: rest >= 14, filter: state.filters[p] ?? '', selected: state.selection[p] ?? 0, verdicts: checks.verdicts }) : [];
      body = { kind: 'lines', lines: [...box.lines, ...below] };
    } else if (state.help) body = { kind: 'lines', lines: helpView(help, width, bodyHeight, state.helpScroll) };
    else if (state.runbooks) {
      const canRun = active.some((b) => b.command === 'runbook-run');
      body = { kind: 'lines', lines: runbookScreen({ view: runbookView, selectedKey: state.runbookKey, env: runtime.env.name, now: at, width, height: bodyHeight, canRun }) };
    }
    else if (state.approvals) {
      const screen = approvalsScreen(approvalsView, state.approvals, { env: runtime.env.name, width, height: bodyHeight, canApprove: active.some((b) => b.command === 'approval-approve') });
      approvalsMaxScroll = screen.maxScroll;
      body = { kind: 'lines', lines: screen.lines };
    }
    else if (state.fleet) body = { kind: 'lines', lines: fleetScreen(fleetView, state.fleet.selected, { now: at, width, height: bodyHeight }) };
    else if (state.drill && drillView.phase !== 'idle') body = { kind: 'lines', lines: drillScreen(drillView, { now: at, width, height: bodyHeight }) };
    else if (state.jobs) {
      const screen = jobsScreen(state.jobs, jobsView, { now: at, width, height: bodyHeight });
      jobsMaxScroll = screen.maxScroll;
      body = { kind: 'lines', lines: screen.lines };
    }
    else if (state.checklist) {
      const canFix = actions !== undefined && active.some((b) => b.command === 'checklist-fix');
      // when the checks last ran, not when they last found something new (that keeps the state as it was)
      const checkedAt = findings?.checkedAt?.() ?? checks.evaluatedAt;
      const list = checklistView({ findings: checks.findings, selectedKey: state.checklistKey, okOpen: state.checklistOkOpen, width, height: bodyHeight, now: at, env: runtime.env.name, notes: checks.notes, canFix, ...(checkedAt !== undefined ? { evaluatedAt: checkedAt } : {}), ...(checks.error ? { error: checks.error } : {}) });
      body = { kind: 'lines', lines: list };
    } else body = bodyOf(layout, snaps, state, at, checks.verdicts, panelCache);
    return { header, footer, bodyHeight, layout, body, box, jobsMaxScroll, approvalsMaxScroll };
  };
  const { header, footer, bodyHeight, layout, body, box, jobsMaxScroll, approvalsMaxScroll } = compose(now);
  drawn.jobsMaxScroll = jobsMaxScroll;
  drawn.approvalsMaxScroll = approvalsMaxScroll;
  useAgeClock(
    now,
    frameText(header, body, footer),
    () => {
      const next = compose(runtime.clock.now());
      return frameText(next.header, next.body, next.footer);
    },
    () => setAgeTick((n) => n + 1),
  );

  // The log box as drawn now: the key handler scrolls by what the screen shows.
  const logBox = logBoxOf(layout, snaps.logs.status === 'error');

  const incidentKeys = useIncidentKeys(incident);
  const actionKeys = useActionKeys(actions, runtime, viewStore.getState, dispatch);
  const ctxRef = useRef<DispatchContext | null>(null);
  ctxRef.current = {
    getState: viewStore.getState,
    dispatch,
    bindings: active,
    count: (id) => rowCount(id, runtime.store.getSnapshots()[id].data as never, viewStore.getState().filters[id] ?? ''),
    fromEnd: selectsFromEnd,
    pageSize: Math.max(1, bodyHeight - 6),
    helpMaxScroll: helpMaxScroll(help, bodyHeight),
    planMaxScroll: box?.maxScroll ?? 0,
    planPage: box?.page ?? 1,
    quit: onQuit,
    refresh: (panel) => runtime.refresh(panel),
    hidden: hiddenBindings,
    ...(runtime.env.readOnlyCure ? { readOnlyCure: runtime.env.readOnlyCure } : {}),
    logs: {
      data: () => runtime.store.getSnapshots().logs.data,
      box: () => logBox,
      now: () => runtime.clock.now(),
      saveDirs: () => logSaveDirs,
    },
    ...(findings
      ? {
          checklist: {
            items: () => checklistItems(findings.getState().findings),
            fix: (t) => startFix({ finding: t.finding, actions: environmentsShown.current.actions, snaps: runtime.store.getSnapshots(), dispatch }),
            snaps: () => runtime.store.getSnapshots(),
          },
        }
      : {}),
    ...(incidentKeys ? { incident: incidentKeys } : {}),
    ...(fleetKeys ? { fleet: fleetKeys } : {}),
    ...(environmentsShown.canSwitch ? { environments: { list: () => environmentsShown.list(), switchTo: (name: string) => environmentsShown.switchTo(name) } } : {}),
    ...(drillKeys ? { drill: drillKeys } : {}),
    ...(runbookKeys ? { runbooks: runbookKeys } : {}),
    ...(approvalKeys ? { approvals: approvalKeys } : {}),
    ...(jobsKeys ? { jobs: jobsKeys } : {}),
    ...(actionKeys ? { actions: actionKeys } : {}),
  };
  const onInput = useCallback((input: string, key: Key) => {
    if (ctxRef.current) handleKey(toKeyPress(input, key), ctxRef.current);
  }, []);
  useInput(onInput, { isActive: true });


  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={width} height={total} overflow="hidden">
        <Lines lines={header} />
        <Box height={bodyHeight} flexDirection="column" overflow="hidden">
          <BodyView body={body} />
        </Box>
        <Lines lines={footer} />
      </Box>
    </ThemeContext.Provider>
  );
}
