/**
 * The drill's keys: D on the RDS panel asks (y/N, or the typed ENV/INSTANCE
 * in a protected environment) and starts it; the drill screen has Esc (hide,
 * it goes on) and quit; D or a show it again. Quitting while a drill runs
 * asks once, then stops the drill the way the CLI's ctrl-c does.
 */
import type { DrillReply, DrillView } from '../src/cli/tuiDrill.js';
import type { KeyPress } from '../src/keys/registry.js';
import type { RdsSnapshot } from '../src/model/rds.js';
import { selectedRdsRow } from './panels/rdsTables.js';
import type { ViewAction, ViewState } from './state.js';
import type { Line } from './text.js';
import { fitLine, seg } from './text.js';

/** What the keys reach of `TuiDrill`. */
export interface DrillKeys {
  state(): DrillView;
  refusal(instance: string): string | undefined;
  phrase(instance: string): string | undefined;
  start(instance: string, confirm?: string): DrillReply;
  abort(): void;
  /** the RDS panel's data, to read the selected instance at the key press */
  rds(): RdsSnapshot | undefined;
}

interface Ctx {
  getState: () => ViewState;
  dispatch: (a: ViewAction) => void;
  drill?: DrillKeys;
  quit: () => void;
}

export const drillBusy = (d: DrillKeys | undefined): boolean => d !== undefined && (d.state().phase === 'starting' || d.state().phase === 'running');

/** D: show the running drill, or ask to start one on the selected instance. */
export function drillKey(ctx: Ctx): void {
  const d = ctx.drill;
  if (!d) return ctx.dispatch({ type: 'message', text: 'the backup drill is not available here: the environment has no RDS access', tone: 'warn' });
  if (drillBusy(d) || (d.state().phase !== 'idle' && ctx.getState().drill)) return ctx.dispatch({ type: 'drill', open: true });
  const s = ctx.getState();
  const row = selectedRdsRow(d.rds(), s.filters.rds ?? '', s.selection.rds ?? 0);
  const instance = row?.kind === 'snapshot' ? row.snapshot.instanceId : row?.instance.id;
  if (!instance) return ctx.dispatch({ type: 'message', text: 'select an instance on the RDS panel to drill', tone: 'warn' });
  const no = d.refusal(instance);
  if (no) return ctx.dispatch({ type: 'message', text: no, tone: 'warn' });
  const phrase = d.phrase(instance);
  ctx.dispatch({ type: 'drillAsk', ask: { instance, text: '', ...(phrase !== undefined ? { phrase } : {}) } });
}

/** A key while the question is shown: y (or the phrase and Enter) starts, anything else cancels. */
export function drillAskKey(press: KeyPress, ctx: Ctx): void {
  const ask = ctx.getState().drillAsk;
  if (!ask) return;
  if (ask.phrase !== undefined && !press.escape && !press.return && !press.ctrl) {
    if (press.backspace || press.delete) return ctx.dispatch({ type: 'drillAsk', ask: { ...ask, text: Array.from(ask.text).slice(0, -1).join('') } });
    const typed = press.input.replace(/[\x00-\x1f\x7f-\x9f]/g, '');
    return ctx.dispatch({ type: 'drillAsk', ask: { ...ask, text: ask.text + typed } });
  }
  ctx.dispatch({ type: 'drillAsk', ask: null });
  const yes = ask.phrase !== undefined ? press.return && ask.text !== '' : press.input === 'y' || press.input === 'Y';
  if (!yes || !ctx.drill) return ctx.dispatch({ type: 'message', text: 'the drill was not started', tone: 'muted' });
  const reply = ctx.drill.start(ask.instance, ask.phrase !== undefined ? ask.text : undefined);
  if (!reply.ok) return ctx.dispatch({ type: 'message', text: reply.message, tone: 'warn' });
  ctx.dispatch({ type: 'drill', open: true });
}

/** Quit while a drill runs: the first press asks; the second stops the drill (it cleans up) and quits. True: handled. */
export function drillQuit(press: KeyPress, label: string, ctx: Ctx): boolean {
  if (!drillBusy(ctx.drill)) return false;
  if (!ctx.getState().quitArmed) {
    ctx.dispatch({ type: 'armQuit', armed: true });
    ctx.dispatch({ type: 'message', text: `a backup drill is running: ${label.split(' ')[press.ctrl ? 1 : 0]} again stops it (it deletes what it created) and quits; any other key keeps it`, tone: 'warn' });
    return true;
  }
  ctx.drill!.abort();
  ctx.quit();
  return true;
}

/** The question on the bottom row. */
export function drillAskLine(ask: NonNullable<ViewState['drillAsk']>, width: number): Line {
  const what = `Run the backup drill of ${ask.instance}? It restores a snapshot to a throwaway instance and deletes it afterwards`;
  if (ask.phrase === undefined) return fitLine([seg(`${what} `, 'warn', { bold: true }), seg('[y/N]', 'focus', { bold: true })], width);
  return fitLine([seg(`Type ${ask.phrase} to run the backup drill (Esc cancels): `, 'warn', { bold: true }), seg(ask.text), seg(' ', 'text', { inverse: true })], width);
}
