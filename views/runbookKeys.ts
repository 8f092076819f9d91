/**
 * What the keys do on the runbook screen and in a runbook's box: B (and
 * `:runbooks`) opens the screen, j/k move over its rows, Enter plans the
 * selected runbook (or the rest of an unfinished run) in the action box or
 * shows a run's box, and while the box shows a run's question one key
 * answers it. The work is in src/dashboard/runbooks.ts and the controller.
 */
import type { KeyPress } from '../src/dashboard/keys.js';
import type { DispatchContext } from './dispatchContext.js';
import { say } from './dispatchContext.js';
import { rowKey, runbookRows, selectedRow } from './runbookScreen.js';
import { askKeys, shownRunbookRun } from './runbookBox.js';

type Ctx = Pick<DispatchContext, 'getState' | 'dispatch' | 'runbooks' | 'actions'>;

const NO_RUNBOOKS = 'runbooks need an environment opsdeck can act on (ECS, RDS or queues)';

/** B, `:runbooks`: the screen opens (its marks are judged again). */
export function openRunbooks(ctx: Ctx): void {
  if (!ctx.runbooks) return ctx.dispatch({ type: 'message', text: NO_RUNBOOKS, tone: 'warn' });
  ctx.dispatch({ type: 'runbooks', open: true });
}

/** j / k / g / G on the screen: the selection moves over every row. */
export function moveRunbookSelection(ctx: Ctx, step: number): void {
  if (!ctx.runbooks) return;
  const rows = runbookRows(ctx.runbooks.state());
  if (rows.length === 0) return;
  const i = Math.max(0, Math.min(rows.length - 1, selectedRow(rows, ctx.getState().runbookKey) + step));
  ctx.dispatch({ type: 'runbookSelect', key: rowKey(rows[i]!) });
}

/** The box shows run `run` (its steps, its question). */
function showRun(ctx: Ctx, run: number): void {
  if (ctx.actions?.show(run)) ctx.dispatch({ type: 'hideAction', hidden: false });
  else ctx.dispatch({ type: 'message', text: 'that run is no longer held here', tone: 'muted' });
}

/** Enter on the screen: plan the runbook, plan the rest of the unfinished run, or show the run. */
export function runSelectedRunbook(ctx: Ctx): void {
  const rb = ctx.runbooks;
  if (!rb) return ctx.dispatch({ type: 'message', text: NO_RUNBOOKS, tone: 'warn' });
  const rows = runbookRows(rb.state());
  const row = rows[selectedRow(rows, ctx.getState().runbookKey)];
  if (!row) return ctx.dispatch({ type: 'message', text: 'no runbook to run here', tone: 'warn' });
  if (row.kind === 'run') return showRun(ctx, row.run.run);
  // the box is the runbook's: no panel target under it
  ctx.dispatch({ type: 'actionTarget', target: null });
  say(ctx, row.kind === 'runbook' ? rb.start(row.entry.name) : rb.resume(row.run.id));
}

/** `:runbook NAME`: the screen opens on it and, where runbooks may run, it is planned. */
export function runbookCommand(ctx: Ctx & Pick<DispatchContext, 'bindings'>, name: string | undefined): void {
  openRunbooks(ctx);
  if (!ctx.runbooks || name === undefined) return;
  const known = ctx.runbooks.state().runbooks.find((e) => e.name === name.toLowerCase());
  if (!known) return say(ctx, ctx.runbooks.start(name));
  ctx.dispatch({ type: 'runbookSelect', key: `runbook:${known.name}` });
  if (!ctx.bindings.some((b) => b.command === 'runbook-run')) return ctx.dispatch({ type: 'message', text: 'read-only: runbooks can be read here, not run', tone: 'warn' });
  runSelectedRunbook(ctx);
}

/** A run asks (its box or the runs line says so): `a` shows that one first. */
export function askingRun(ctx: Pick<DispatchContext, 'runbooks'>): number | undefined {
  return ctx.runbooks?.state().runs.find((r) => r.ask && r.stage !== 'finished')?.run;
}

/**
 * A key while the box shows a runbook run's question: a choice's key answers
 * it, Esc puts the box away (the run waits). False: no question is shown,
 * the key is the box's as usual.
 */
export function runbookAskKey(press: KeyPress, ctx: Ctx): boolean {
  const rb = ctx.runbooks;
  const actions = ctx.actions;
  if (!rb || !actions) return false;
  const run = shownRunbookRun(actions.state(), rb.state());
  if (!run?.ask) return false;
  if (press.escape) {
    ctx.dispatch({ type: 'hideAction', hidden: true });
    ctx.dispatch({ type: 'message', text: `runbook ${run.runbook} waits for its answer: a shows the question again`, tone: 'warn' });
    return true;
  }
  const keys = askKeys(run.ask.choices);
  const pick = keys.find((k) => k.key === press.input.toLowerCase());
  if (pick) say(ctx, rb.answer(run.runId, pick.choice));
  else ctx.dispatch({ type: 'message', text: `answer with ${keys.map((k) => `${k.key} (${k.choice})`).join(' or ')}`, tone: 'warn' });
  return true;
}
