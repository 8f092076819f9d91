/**
 * What the keys do on the approvals screen: V (and `:approvals`) opens it,
 * j/k move over the requests or scroll the open plan, Enter reads a plan,
 * Y / N ask for the request's id typed out (as `opsdeck approve ID` does) and
 * Enter on it hands the decision to the feed, which decides through the
 * command line's code in the background. Self-approval is said before
 * anything is typed; the store refuses it again at the decision.
 */
import { editLine, type KeyPress } from '../src/dashboard/keys.js';
import type { DispatchContext } from './dispatchContext.js';
import { say } from './dispatchContext.js';
import { approvalTarget } from './approvalsScreen.js';

type Ctx = Pick<DispatchContext, 'getState' | 'dispatch' | 'approvals'>;

export function openApprovals(ctx: Ctx): void {
  if (!ctx.approvals) return ctx.dispatch({ type: 'message', text: 'approvals need an environment opsdeck can act on (ECS, RDS or queues) with approvals and a team store', tone: 'warn' });
  ctx.dispatch({ type: 'approvals', open: true });
}

/** j / k / pages: the list's selection, or the open plan's scroll. */
export function moveApprovals(ctx: Ctx, step: number): void {
  const s = ctx.getState().approvals;
  if (!s || !ctx.approvals) return;
  if (s.open !== null) return ctx.dispatch({ type: 'approvalScroll', delta: step, max: ctx.approvals.maxScroll() });
  ctx.dispatch({ type: 'approvalsSelect', delta: step, count: ctx.approvals.view().rows.length });
}

export function openApprovalPlan(ctx: Ctx): void {
  const s = ctx.getState().approvals;
  const row = s && ctx.approvals ? ctx.approvals.view().rows[s.selected] : undefined;
  if (!row) return ctx.dispatch({ type: 'message', text: 'no request is selected', tone: 'muted' });
  ctx.dispatch({ type: 'approvalOpen', id: row.id });
}

/** Y / N: the plan opens (the approver decides on what they read) and the id is asked for. */
export const askDecision =
  (verdict: 'approved' | 'rejected') =>
  (ctx: Ctx): void => {
    const s = ctx.getState().approvals;
    if (!s || !ctx.approvals) return;
    const view = ctx.approvals.view();
    if (view.unavailable) return ctx.dispatch({ type: 'message', text: view.unavailable, tone: 'warn' });
    const row = approvalTarget(view, s);
    if (!row) return ctx.dispatch({ type: 'message', text: s.open !== null ? `request ${s.open} no longer waits` : 'no request is selected', tone: 'muted' });
    if (row.refusal) return ctx.dispatch({ type: 'message', text: `refused: ${row.refusal}`, tone: 'warn' });
    if (s.open !== row.id) ctx.dispatch({ type: 'approvalOpen', id: row.id });
    ctx.dispatch({ type: 'approvalAsk', ask: { verdict, text: '' } });
  };

/** A key while the id is typed; Enter alone, or Esc, cancels as the command line's prompt does. */
export function approvalAskKey(press: KeyPress, ctx: Ctx): void {
  const s = ctx.getState().approvals;
  const ask = s?.ask;
  if (!s || !ask || !ctx.approvals) return;
  const edit = editLine(ask.text, press);
  if (edit.kind === 'text') return ctx.dispatch({ type: 'approvalAsk', ask: { ...ask, text: edit.text } });
  ctx.dispatch({ type: 'approvalAsk', ask: null });
  const id = s.open;
  if (edit.kind === 'cancel' || ask.text === '' || id === null) return ctx.dispatch({ type: 'message', text: 'nothing was decided', tone: 'muted' });
  say(ctx, ctx.approvals.decide(id, ask.verdict, ask.text));
}
