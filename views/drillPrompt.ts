/**
 * The drill's question: D on the RDS panel asks (y/N, or the typed
 * ENV/INSTANCE in a protected environment) and the answer starts it; the
 * drill runs in the session (src/dashboard/drill.ts), its screen is
 * drillScreen.ts. The phrase is typed through the one line editor.
 */
import { editLine, type KeyPress } from '../src/dashboard/keys.js';
import { selectedRdsRow } from './panels/rdsTables.js';
import type { DispatchContext } from './dispatchContext.js';
import { say } from './dispatchContext.js';
import type { ViewState } from './state.js';
import type { Line } from './text.js';
import { fitLine, seg } from './text.js';

type DrillContext = Pick<DispatchContext, 'getState' | 'dispatch' | 'drill'> & Partial<Pick<DispatchContext, 'actions'>>;

/** D: show the running drill, or ask to start one on the selected instance. */
export function askDrill(ctx: DrillContext): void {
  const d = ctx.drill;
  if (!d) return ctx.dispatch({ type: 'message', text: 'the backup drill is not available here: the environment has no RDS access', tone: 'warn' });
  if (d.busy() || (d.state().phase !== 'idle' && ctx.getState().drill)) return ctx.dispatch({ type: 'drill', open: true });
  const s = ctx.getState();
  const row = selectedRdsRow(d.rds(), s.filters.rds ?? '', s.selection.rds ?? 0);
  const instance = row?.kind === 'snapshot' ? row.snapshot.instanceId : row?.instance.id;
  if (!instance) return ctx.dispatch({ type: 'message', text: 'select an instance on the RDS panel to drill', tone: 'warn' });
  // the same rule as every action: only an open box, or a call under way on this instance, waits
  const no = ctx.actions?.busy(instance) ?? d.refusal(instance);
  if (no) return ctx.dispatch({ type: 'message', text: no, tone: 'warn' });
  const phrase = d.phrase(instance);
  ctx.dispatch({ type: 'drillAsk', ask: { instance, text: '', ...(phrase !== undefined ? { phrase } : {}) } });
}

/** A key while the question is shown: y (or the phrase and Enter) starts, anything else cancels. */
export function drillAskKey(press: KeyPress, ctx: DrillContext): void {
  const ask = ctx.getState().drillAsk;
  if (!ask) return;
  let yes: boolean;
  if (ask.phrase !== undefined) {
    const edit = editLine(ask.text, press);
    if (edit.kind === 'text') return ctx.dispatch({ type: 'drillAsk', ask: { ...ask, text: edit.text } });
    yes = edit.kind === 'submit' && ask.text !== '';
  } else yes = press.input === 'y' || press.input === 'Y';
  ctx.dispatch({ type: 'drillAsk', ask: null });
  if (!yes || !ctx.drill) return ctx.dispatch({ type: 'message', text: 'the drill was not started', tone: 'muted' });
  const reply = ctx.drill.start(ask.instance, ask.phrase !== undefined ? ask.text : undefined);
  if (!reply.ok) return say(ctx, reply);
  ctx.dispatch({ type: 'drill', open: true });
}

/** The question on the bottom row. */
export function drillAskLine(ask: NonNullable<ViewState['drillAsk']>, width: number): Line {
  const what = `Run the backup drill of ${ask.instance}? It restores a snapshot to a throwaway instance and deletes it afterwards`;
  if (ask.phrase === undefined) return fitLine([seg(`${what} `, 'warn', { bold: true }), seg('[y/N]', 'focus', { bold: true })], width);
  return fitLine([seg(`Type ${ask.phrase} to run the backup drill (Esc cancels): `, 'warn', { bold: true }), seg(ask.text), seg(' ', 'text', { inverse: true })], width);
}
