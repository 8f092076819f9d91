/**
 * The action box while it shows a runbook run: every step with its status
 * (windowed on the step under way, so a long run reads at 80x24), the run's
 * question when an `ask` step waits, and how the run ended. Before that the
 * box is the ordinary one: the whole plan, scrollable, and the one phrase.
 */
import type { ActionUiState, RunbookAskView, RunbookRunView, RunbookScreenView } from '../src/dashboard/ports.js';
import type { Line } from './text.js';
import { fitLine, seg, truncate } from './text.js';
import type { Tone } from './theme.js';
import { GLYPH } from './theme.js';
import { frame } from './PanelFrame.js';
import { wrapText, type OverlayView } from './actionOverlay.js';
import { stepLines } from './runbookScreen.js';

/** The runbook run the box shows now, if it shows one. */
export function shownRunbookRun(action: ActionUiState, view: RunbookScreenView): RunbookRunView | undefined {
  if ((action.phase !== 'running' && action.phase !== 'finished') || action.run === undefined) return undefined;
  return view.runs.find((r) => r.run === action.run);
}

/** The key for each choice: its first letter when those differ, else 1, 2, 3… */
export function askKeys(choices: readonly string[]): { key: string; choice: string }[] {
  const firsts = choices.map((c) => c.charAt(0).toLowerCase());
  const letters = firsts.every((f) => /^[a-z]$/.test(f)) && new Set(firsts).size === firsts.length;
  return choices.map((choice, i) => ({ key: letters ? firsts[i]! : String(i + 1), choice }));
}

const wrapped = (text: string, w: number, tone?: Tone, bold = false): Line[] => wrapText(text, w).map((row) => [seg(row, tone, { bold })]);

function askLines(ask: RunbookAskView, w: number): Line[] {
  const choices: Line = [];
  for (const { key, choice } of askKeys(ask.choices)) choices.push(seg(`[${key}] `, 'accent', { bold: true }), seg(`${truncate(choice, 30)}   `));
  return [[], ...wrapped(`? ${ask.question}`, w, 'warn', true), choices, ...wrapped('the run waits for this answer; esc puts the box away (a shows it again)', w, 'muted')];
}

const ENDED: Record<string, [string, Tone]> = { done: [GLYPH.ok, 'ok'], failed: [GLYPH.crit, 'crit'], refused: [GLYPH.warn, 'warn'], aborted: [GLYPH.warn, 'warn'] };

export function runbookBox(input: { run: RunbookRunView; state: ActionUiState; width: number; maxHeight: number; quitArmed?: boolean }): OverlayView {
  const { run, state } = input;
  const w = Math.max(10, input.width - 4);
  const title: Line = [seg(' '), seg(' RUNBOOK ', 'crit', { inverse: true }), seg(' '), seg(` ${state.plan?.title ?? run.title} `, 'focus', { bold: true })];
  const top: Line[] = state.plan ? wrapped(state.plan.summary, w).slice(0, 2) : [];
  const bottom: Line[] = [];
  if (run.ask) bottom.push(...askLines(run.ask, w));
  else if (run.stage !== 'finished') {
    bottom.push([], ...wrapped('Each step goes through the executor (its own lock, re-read and journal). Esc puts this box away (a shows it again); the run goes on.', w, 'muted'));
    if (input.quitArmed) bottom.push(...wrapped(`${GLYPH.warn} ctrl+c again quits: the step under way finishes its call, the run stops there and is recorded (B resumes it)`, w, 'warn'));
  } else {
    const [glyph, tone] = ENDED[run.outcome ?? 'failed'] ?? ENDED.failed!;
    const label = `${glyph} ${run.outcome ?? 'failed'}  `;
    const rows = wrapText(run.message ?? '', Math.max(10, w - label.length)).slice(0, 4);
    bottom.push([]);
    rows.forEach((row, i) => bottom.push([i === 0 ? seg(label, tone, { bold: true }) : seg(' '.repeat(label.length)), seg(row)]));
  }
  const room = Math.max(1, input.maxHeight - 2);
  const stepRoom = Math.max(3, room - top.length - bottom.length - 1);
  const content = [...top, [], ...stepLines(run.steps, w, stepRoom), ...bottom].slice(0, room);
  return { lines: frame(title, content, input.width, Math.min(input.maxHeight, content.length + 2), true, 'crit'), maxScroll: 0, page: 1 };
}

/** The footer under a runbook run's box: which key answers its question, or what Esc and ctrl+c do to it. */
export function runbookFooter(run: RunbookRunView, width: number): Line {
  const line: Line = [];
  if (run.stage === 'finished') line.push(seg('esc enter', 'accent'), seg(' close  ', 'muted'), seg('any other key', 'accent'), seg(' closes and acts', 'muted'));
  else {
    if (run.ask) for (const { key, choice } of askKeys(run.ask.choices)) line.push(seg(key, 'accent'), seg(` ${truncate(choice, 20)}  `, 'muted'));
    line.push(seg('esc', 'accent'), seg(run.ask ? ' put away (the run waits)  ' : ' put away (the run goes on)  ', 'muted'), seg('ctrl+c ×2', 'accent'), seg(' quit (the run stops, resumable)', 'muted'));
  }
  return fitLine(line, width);
}
