/**
 * What every command of the key registry does: one handler per command, and
 * the compiler refuses a registry command without one (the table is a
 * `Record<CommandId, Handler>`). The dispatcher (keys.ts) decides which
 * command a key is; a handler does it, reaching only its part of the
 * context. Nothing here calls AWS, Redis or PostgreSQL: the guarded actions
 * go to the action controller, which plans and runs them off the key press.
 */
import type { CommandId, KeyPress } from '../src/dashboard/keys.js';
import { PANEL_IDS, PANEL_TITLES } from '../src/model/panels.js';
import type { ActionCommand, DispatchContext, Handler } from './dispatchContext.js';
import { say } from './dispatchContext.js';
import { activePanel } from './state.js';
import { checklistRows, findingKey, OK_FOLD_KEY, rowKey, selectedIndex, type ChecklistRow } from './checklist.js';
import { nextProblem, placeOf, problemOrder, visitMessage } from './problems.js';
import { toneOf } from './theme.js';
import { nextSavedFilter, saveLogs, scrollLogs, toggleLogs, toggleTopErrors, type LogContext } from './logs/commands.js';
import type { ScrollMove } from './logs/window.js';
import { askDrill } from './drillPrompt.js';
import { requestQuit } from './quit.js';
import { actOnJobs, markJob, moveJobs, openJob, openJobs, pauseQueue, reloadJobs } from './jobsKeys.js';
import { askingRun, moveRunbookSelection, openRunbooks, runSelectedRunbook } from './runbookKeys.js';
import { askDecision, moveApprovals, openApprovalPlan, openApprovals } from './approvalKeys.js';

type Move = 'select-down' | 'select-up' | 'page-down' | 'page-up' | 'select-first' | 'select-last';

const LOG_MOVES: Record<Move, ScrollMove | 'follow'> = {
  'select-up': 'up',
  'select-down': 'down',
  'page-up': 'page-up',
  'page-down': 'page-down',
  'select-first': 'top',
  'select-last': 'follow',
};

function stepOf(move: Move, pageSize: number): number {
  const steps: Record<Move, number> = { 'select-down': 1, 'select-up': -1, 'page-down': pageSize, 'page-up': -pageSize, 'select-first': -Infinity, 'select-last': Infinity };
  return steps[move];
}

/** j / k / pages / g / G move whatever is in front: the help, the checklist, the log tail or a panel's rows. */
const move =
  (m: Move): Handler =>
  (ctx) => {
    const state = ctx.getState();
    const step = stepOf(m, ctx.pageSize);
    if (state.help) return ctx.dispatch({ type: 'helpScroll', delta: step, max: ctx.helpMaxScroll });
    if (state.jobs) return moveJobs(ctx, step);
    if (state.runbooks) return moveRunbookSelection(ctx, step);
    if (state.fleet) return ctx.dispatch({ type: 'fleetSelect', delta: step, count: ctx.fleet?.rows().length ?? 0 });
    if (state.approvals) return moveApprovals(ctx, step);
    if (state.checklist && ctx.checklist) {
      const rows = checklistRows(ctx.checklist.items(), state.checklistOkOpen);
      if (rows.length === 0) return;
      const i = Math.max(0, Math.min(rows.length - 1, selectedIndex(rows, state.checklistKey) + step));
      return ctx.dispatch({ type: 'checklistSelect', key: rowKey(rows[i]!) });
    }
    const active = activePanel(state);
    if (active === 'logs' && ctx.logs) return scrollLogs({ ...ctx, logs: ctx.logs }, LOG_MOVES[m]);
    const dir = ctx.fromEnd(active) ? -1 : 1;
    ctx.dispatch({ type: 'select', delta: dir * step, count: ctx.count(active) });
  };

/** The log view's own keys do nothing where no log view is wired (tests of the dispatcher alone). */
const onLogs =
  (fn: (ctx: LogContext) => void): Handler =>
  (ctx) =>
    ctx.logs ? fn({ ...ctx, logs: ctx.logs }) : undefined;

const action =
  (command: ActionCommand): Handler =>
  (ctx) => {
    if (!ctx.actions) return ctx.dispatch({ type: 'message', text: 'this session cannot act: the environment has no ECS, RDS or queue access', tone: 'warn' });
    say(ctx, ctx.actions.start(command));
  };

/** The checklist row the selection is on. */
function checklistRow(ctx: Pick<DispatchContext, 'getState' | 'checklist'>): ChecklistRow | undefined {
  if (!ctx.checklist) return undefined;
  const state = ctx.getState();
  const rows = checklistRows(ctx.checklist.items(), state.checklistOkOpen);
  return rows[selectedIndex(rows, state.checklistKey)];
}

/** Opens or folds the ok rows; the selection stays on their line. */
function toggleFold(ctx: Pick<DispatchContext, 'getState' | 'dispatch'>): void {
  ctx.dispatch({ type: 'checklistOk', open: !ctx.getState().checklistOkOpen });
  ctx.dispatch({ type: 'checklistSelect', key: OK_FOLD_KEY });
}

function fixSelected(ctx: Pick<DispatchContext, 'getState' | 'dispatch' | 'checklist'>): void {
  const list = ctx.checklist;
  if (!list) return;
  const row = checklistRow(ctx);
  if (row?.kind === 'fold') return toggleFold(ctx);
  say(ctx, row ? list.fix(row.item) : { ok: false, message: 'the checklist is empty: nothing to fix' });
}

/** Space, or Enter where read-only mode took the fix away: the fold line opens; a finding's fix says why it is off. */
function foldKey(ctx: DispatchContext, press: KeyPress): void {
  const row = checklistRow(ctx);
  if (row?.kind === 'fold' || press.input === ' ') return toggleFold(ctx);
  if (row) ctx.dispatch({ type: 'message', text: 'read-only: fix is off (to act, restart with --write and without --read-only)', tone: 'warn' });
}

/**
 * The next problem, worst first, wrapping: its panel focused (the open panel
 * follows) and its row selected; in the checklist, its row there.
 */
function visitNextProblem(ctx: DispatchContext): void {
  if (!ctx.checklist) return ctx.dispatch({ type: 'message', text: 'the checks do not run in this session', tone: 'warn' });
  const state = ctx.getState();
  const problems = problemOrder(ctx.checklist.items());
  const next = nextProblem(problems, state.problemKey);
  if (!next) return ctx.dispatch({ type: 'message', text: 'no problem found: every check is ok', tone: 'ok' });
  const key = findingKey(next.item.finding);
  ctx.dispatch({ type: 'visitProblem', key, ...placeOf(next.item, ctx.checklist.snaps(), state.filters) });
  if (state.checklist) ctx.dispatch({ type: 'checklistSelect', key });
  ctx.dispatch({ type: 'message', text: visitMessage(next.item, next.index, problems.length), tone: toneOf(next.item.finding.severity) });
}

/** Enter on the fleet: the shown environment closes the screen, another goes through `:env`'s switch. */
function openFleetRow(ctx: DispatchContext): void {
  const at = ctx.getState().fleet;
  const row = at && ctx.fleet?.rows()[at.selected];
  if (!row || !ctx.fleet) return;
  ctx.dispatch({ type: 'fleet', open: false });
  if (row.environment === ctx.fleet.current()) return;
  if (!ctx.environments) return ctx.dispatch({ type: 'message', text: 'this session cannot switch environments', tone: 'warn' });
  say(ctx, ctx.environments.switchTo(row.environment));
}

function showAction(ctx: Pick<DispatchContext, 'dispatch' | 'actions' | 'drill' | 'runbooks'>): void {
  // a runbook's question holds its run: it comes first
  if (ctx.actions?.show(askingRun(ctx))) return ctx.dispatch({ type: 'hideAction', hidden: false });
  if (ctx.drill?.busy()) return ctx.dispatch({ type: 'drill', open: true });
  ctx.dispatch({ type: 'message', text: 'no action is running', tone: 'muted' });
}

/** The plan in the confirmation box, by the rows the box shows now. */
const scrollPlan =
  (step: (page: number) => number): Handler =>
  (ctx) =>
    ctx.dispatch({ type: 'planScroll', delta: step(ctx.planPage), max: ctx.planMaxScroll });

export const HANDLERS: Record<CommandId, Handler> = {
  quit: (ctx, press) => requestQuit(ctx, press),
  help: (ctx) => ctx.dispatch({ type: 'help' }),
  'focus-next': (ctx) => ctx.dispatch({ type: 'cycle', delta: 1 }),
  'focus-prev': (ctx) => ctx.dispatch({ type: 'cycle', delta: -1 }),
  'focus-panel': (ctx, press) => {
    const id = PANEL_IDS[Number(press.input) - 1];
    if (id) ctx.dispatch({ type: 'focus', id });
  },
  open: (ctx) => ctx.dispatch({ type: 'open' }),
  back: (ctx) => ctx.dispatch({ type: 'back' }),
  'select-down': move('select-down'),
  'select-up': move('select-up'),
  'page-down': move('page-down'),
  'page-up': move('page-up'),
  'select-first': move('select-first'),
  'select-last': move('select-last'),
  filter: (ctx) => ctx.dispatch({ type: 'startEntry', kind: 'filter' }),
  'command-line': (ctx) => ctx.dispatch({ type: 'startEntry', kind: 'command' }),
  refresh: (ctx) => {
    if (ctx.getState().jobs) return reloadJobs(ctx, { input: 'r' });
    if (ctx.getState().fleet && ctx.fleet) {
      ctx.fleet.refresh();
      return ctx.dispatch({ type: 'message', text: 'checking every environment again', tone: 'muted' });
    }
    const active = activePanel(ctx.getState());
    ctx.refresh(active);
    ctx.dispatch({ type: 'message', text: `refreshing ${PANEL_TITLES[active]}`, tone: 'muted' });
  },
  'show-action': showAction,
  checklist: (ctx) => {
    if (!ctx.checklist) ctx.dispatch({ type: 'message', text: 'the checks do not run in this session', tone: 'warn' });
    else ctx.dispatch({ type: 'checklist' });
  },
  'checklist-fix': fixSelected,
  'checklist-fold': foldKey,
  'next-problem': visitNextProblem,
  runbooks: openRunbooks,
  fleet: (ctx) => {
    if (!ctx.fleet) return ctx.dispatch({ type: 'message', text: 'the fleet is not available in this session', tone: 'warn' });
    ctx.dispatch({ type: 'fleet', open: true });
  },
  'fleet-open': openFleetRow,
  approvals: openApprovals,
  'approval-open': openApprovalPlan,
  'approval-approve': askDecision('approved'),
  'approval-reject': askDecision('rejected'),
  'runbook-run': runSelectedRunbook,
  incident: (ctx) => {
    const inc = ctx.incident;
    if (!inc) return ctx.dispatch({ type: 'message', text: 'incident mode is not available in this session', tone: 'warn' });
    ctx.dispatch({ type: 'startEntry', kind: inc.status() ? 'end-incident' : 'incident-title' });
  },
  'incident-note': (ctx) => {
    if (!ctx.incident?.status()) ctx.dispatch({ type: 'message', text: 'no incident is open: i starts one (notes go to its timeline)', tone: 'warn' });
    else ctx.dispatch({ type: 'startEntry', kind: 'note' });
  },
  'log-errors': onLogs((ctx) => toggleLogs(ctx, 'errorsOnly')),
  'log-context': onLogs((ctx) => toggleLogs(ctx, 'context')),
  'log-wrap': onLogs((ctx) => toggleLogs(ctx, 'wrap')),
  'log-top': onLogs(toggleTopErrors),
  'log-save': onLogs(saveLogs),
  'log-saved-filter': onLogs(nextSavedFilter),
  scale: action('scale'),
  rollback: action('rollback'),
  redeploy: action('redeploy'),
  autoscaling: action('autoscaling'),
  'set-env': action('set-env'),
  'stop-task': action('stop-task'),
  'rds-snapshot': action('rds-snapshot'),
  'rds-restore': action('rds-restore'),
  'rds-pitr': action('rds-pitr'),
  'rds-drill': askDrill,
  requeue: action('requeue'),
  'pg-cancel': action('pg-cancel'),
  'pg-terminate': action('pg-terminate'),
  'queue-jobs': openJobs,
  'job-open': openJob,
  'job-mark': markJob,
  'job-requeue': actOnJobs('job-requeue'),
  'job-delete': actOnJobs('job-delete'),
  'queue-pause': pauseQueue,
  'plan-down': scrollPlan(() => 1),
  'plan-up': scrollPlan(() => -1),
  'plan-page-down': scrollPlan((page) => page),
  'plan-page-up': scrollPlan((page) => -page),
  'plan-top': scrollPlan(() => -Infinity),
  'plan-bottom': scrollPlan(() => Infinity),
};
