/**
 * The runbook screen (B): every runbook with whether it applies now (its
 * first check, judged by the run's own judge on the findings the dashboard
 * holds), the runs a crash, ctrl+c or a failed step left (Enter plans the
 * rest again), and the runs under way here, each at its step. It draws the
 * state src/dashboard/runbooks.ts keeps; the runs go through the action box.
 */
import type { RunbookEntry, RunbookRunView, RunbookScreenView, RunbookStepView, UnfinishedRunView } from '../src/dashboard/ports.js';
import { oneLine } from '../src/dashboard/text.js';
import type { Line } from './text.js';
import { fitLine, seg, truncate, windowStart } from './text.js';
import type { Tone } from './theme.js';
import { GLYPH } from './theme.js';
import { age } from './format.js';
import { wrapText } from './actionOverlay.js';

export type RunbookRow = { kind: 'runbook'; entry: RunbookEntry } | { kind: 'unfinished'; run: UnfinishedRunView } | { kind: 'run'; run: RunbookRunView };

/** The rows Enter acts on, in screen order: the runbooks, the unfinished runs, the runs here. */
export function runbookRows(view: RunbookScreenView): RunbookRow[] {
  return [
    ...view.runbooks.map((entry): RunbookRow => ({ kind: 'runbook', entry })),
    ...view.unfinished.map((run): RunbookRow => ({ kind: 'unfinished', run })),
    ...view.runs.map((run): RunbookRow => ({ kind: 'run', run })),
  ];
}

export function rowKey(row: RunbookRow): string {
  if (row.kind === 'runbook') return `runbook:${row.entry.name}`;
  if (row.kind === 'unfinished') return `unfinished:${row.run.id}`;
  return `run:${row.run.run}`;
}

/** The selected row: the one with `key`, else the first that applies now, else the first. */
export function selectedRow(rows: readonly RunbookRow[], key: string | null): number {
  const at = key === null ? -1 : rows.findIndex((r) => rowKey(r) === key);
  if (at >= 0) return at;
  const applies = rows.findIndex((r) => r.kind === 'runbook' && r.entry.applies?.holds);
  return Math.max(0, applies);
}

const STEP_MARK: Record<RunbookStepView['status'], [string, Tone]> = {
  pending: ['·', 'muted'],
  running: ['…', 'accent'],
  started: ['◔', 'accent'],
  done: [GLYPH.ok, 'ok'],
  'done-before': [GLYPH.ok, 'muted'],
  skipped: ['-', 'muted'],
  failed: [GLYPH.crit, 'crit'],
  refused: [GLYPH.warn, 'warn'],
  aborted: [GLYPH.warn, 'warn'],
};

export function stepMark(status: RunbookStepView['status']): [string, Tone] {
  return STEP_MARK[status];
}

/** "step 3/6 roll-back:api", "asks: Is the cause fixed?", or how it ended: the run in a few words. */
export function runProgressText(run: RunbookRunView): string {
  if (run.ask) return `asks: ${oneLine(run.ask.question)}`;
  if (run.stage === 'finished') return run.outcome ?? 'ended';
  const i = run.steps.findIndex((s) => s.status === 'running');
  if (i >= 0) return `step ${i + 1}/${run.steps.length} ${run.steps[i]!.key}`;
  const done = run.steps.filter((s) => s.status !== 'pending').length;
  return run.stage === 'calling' && done === 0 ? 'starting…' : `${done}/${run.steps.length} steps`;
}

function appliesCell(e: RunbookEntry, judged: boolean): [string, Tone, boolean] {
  if (!e.applies) return [judged ? '' : '…', 'muted', false];
  return e.applies.holds ? ['● applies now', 'warn', true] : ['not now', 'muted', false];
}

function runbookLine(e: RunbookEntry, selected: boolean, judged: boolean, nameW: number, width: number): Line {
  const [now, tone, bold] = appliesCell(e, judged);
  const line: Line = [seg(selected ? ' ▶ ' : '   ', 'accent', { bold: true }), seg(e.name.padEnd(nameW), selected ? 'focus' : 'text', { bold: selected }), seg(` ${now.padEnd(13)} `, tone, { bold }), seg(`${String(e.steps).padStart(2)} steps  `, 'muted'), seg(e.origin === 'team' ? 'team  ' : '', 'accent'), seg(e.title)];
  return fitLine(line, width);
}

function unfinishedLine(r: UnfinishedRunView, selected: boolean, now: number, width: number): Line {
  const started = Date.parse(r.startedAt);
  const when = Number.isFinite(started) ? `started ${age(Math.max(0, now - started))} ago` : `started ${r.startedAt}`;
  return fitLine(
    [seg(selected ? ' ▶ ' : '   ', 'accent', { bold: true }), seg(`${r.runbook}  `, selected ? 'focus' : 'text', { bold: selected }), seg(`${r.done} step(s) done · ${when} · by ${r.by}`, 'muted'), seg(r.busy ? `  (${r.busy})` : '', 'warn'), seg(`  ${r.id}`, 'muted')],
    width,
  );
}

function runLine(r: RunbookRunView, selected: boolean, width: number): Line {
  const ended = r.stage === 'finished';
  const [glyph, tone]: [string, Tone] = ended ? (r.outcome === 'done' ? [GLYPH.ok, 'ok'] : r.outcome === 'failed' ? [GLYPH.crit, 'crit'] : [GLYPH.warn, 'warn']) : r.ask ? ['?', 'warn'] : ['⟳', 'accent'];
  return fitLine([seg(selected ? ' ▶ ' : '   ', 'accent', { bold: true }), seg(`${glyph} `, tone, { bold: true }), seg(`${r.runbook}  `, selected ? 'focus' : 'text', { bold: selected }), seg(runProgressText(r), tone)], width);
}

/** What the selected row says at more length: the runbook's description and why it applies or not; a run's latest step. */
function detailLines(row: RunbookRow | undefined, width: number): Line[] {
  if (!row) return [];
  const w = Math.max(20, width - 4);
  const para = (text: string, tone?: Tone, max = 3) => wrapText(text, w).slice(0, max).map((r) => fitLine([seg('   '), seg(r, tone)], width));
  if (row.kind === 'runbook') {
    const e = row.entry;
    const out = e.description ? para(e.description, undefined) : [];
    if (e.applies) out.push(...para(`${e.applies.holds ? 'applies now' : 'does not apply now'}: ${e.applies.seen}`, e.applies.holds ? 'warn' : 'muted', 2));
    out.push(...para('enter plans every step (nothing runs until its phrase is typed)', 'muted', 1));
    return out;
  }
  if (row.kind === 'unfinished') return para(row.run.busy ? `it cannot be resumed here: ${row.run.busy}` : 'enter plans the steps not done yet against the current state (as opsdeck runbook resume)', 'muted', 2);
  const current = row.run.steps.find((s) => s.status === 'running') ?? [...row.run.steps].reverse().find((s) => s.status !== 'pending');
  const out = current ? para(`${current.key}: ${current.message ?? current.title}`, undefined, 2) : [];
  if (row.run.message) out.push(...para(row.run.message, undefined, 2));
  out.push(...para('enter (or a) shows its box: every step, and its question when it asks', 'muted', 1));
  return out;
}

export interface RunbookScreenInput {
  view: RunbookScreenView;
  selectedKey: string | null;
  env: string;
  now: number;
  width: number;
  height: number;
  /** read-only mode took Enter away */
  canRun: boolean;
}

export function runbookScreen(input: RunbookScreenInput): Line[] {
  const { view, width, height, now } = input;
  const rows = runbookRows(view);
  const at = selectedRow(rows, input.selectedKey);
  const judged = view.judgedAt !== undefined;
  const title: Line = [seg(' RUNBOOKS ', 'accent', { inverse: true, bold: true }), seg(` ${input.env} · ${view.runbooks.length} runbook(s) · `, 'muted'), seg(judged ? `judged ${age(Math.max(0, now - view.judgedAt!))} ago on the current findings` : 'judging on the current findings…', 'muted')];
  const head: Line[] = [fitLine(title, width)];
  if (!input.canRun) head.push(fitLine([seg(' read-only: runbooks can be read here, not run', 'warn')], width));
  for (const p of view.problems) head.push(fitLine([seg(` ${GLYPH.warn} ${p}`, 'warn')], width));
  const nameW = Math.min(24, Math.max(8, ...view.runbooks.map((e) => e.name.length)));
  const list: { line: Line; index: number }[] = [];
  rows.forEach((row, i) => {
    if (row.kind === 'runbook') list.push({ line: runbookLine(row.entry, i === at, judged, nameW, width), index: i });
  });
  const unfinished = rows.flatMap((row, i) => (row.kind === 'unfinished' ? [{ line: unfinishedLine(row.run, i === at, now, width), index: i }] : []));
  const runs = rows.flatMap((row, i) => (row.kind === 'run' ? [{ line: runLine(row.run, i === at, width), index: i }] : []));
  const sections: { heading?: Line; items: { line: Line; index: number }[] }[] = [{ items: list }];
  if (unfinished.length) sections.push({ heading: fitLine([seg(' NOT FINISHED ', 'warn', { bold: true }), seg('a crash, ctrl+c or a failed step stopped them; enter resumes', 'muted')], width), items: unfinished });
  if (runs.length) sections.push({ heading: fitLine([seg(' RUNS HERE ', 'accent', { bold: true }), seg('enter or a shows the box', 'muted')], width), items: runs });
  const body: { line: Line; index?: number }[] = [];
  for (const s of sections) {
    if (s.heading) body.push({ line: [] }, { line: s.heading });
    body.push(...s.items);
  }
  if (rows.length === 0) body.push({ line: fitLine([seg('   no runbook: none is built in here and runbooks/ beside the config holds none', 'muted')], width) });
  let detail = [[], ...detailLines(rows[at], width)];
  // the list wins over the description, the selected row stays in view
  const room = Math.max(1, height - head.length - 1);
  if (body.length + detail.length > room) detail = detail.slice(0, Math.max(0, Math.min(detail.length, room - body.length)));
  const listRoom = Math.max(1, room - detail.length);
  const sel = Math.max(0, body.findIndex((b) => b.index === at));
  const start = windowStart(body.length, sel, listRoom);
  const shown = body.slice(start, start + listRoom).map((b) => b.line);
  return [...head, [], ...shown, ...detail].slice(0, height).map((l) => (l.length ? l : fitLine([seg('')], width)));
}

/** One row per step, windowed on the step under way: `height` rows at most, with what is above and below counted. */
export function stepLines(steps: readonly RunbookStepView[], width: number, height: number): Line[] {
  const focus = Math.max(0, steps.findIndex((s) => s.status === 'running' || s.status === 'pending'));
  const current = steps.some((s) => s.status === 'running' || s.status === 'pending') ? focus : steps.length - 1;
  const keyW = Math.min(28, Math.max(6, ...steps.map((s) => s.key.length)));
  const row = (s: RunbookStepView, i: number): Line => {
    const [mark, tone] = STEP_MARK[s.status];
    const what = s.status === 'pending' ? s.title : (s.message ?? s.title);
    const status = s.status === 'done-before' ? 'done before' : s.status;
    return fitLine([seg(` ${mark} `, tone, { bold: true }), seg(`${String(i + 1).padStart(2)} `, 'muted'), seg(truncate(s.key, keyW).padEnd(keyW), tone), seg(` ${status.padEnd(11)} `, tone), seg(oneLine(what), s.status === 'pending' ? 'muted' : 'text')], width);
  };
  if (steps.length <= height) return steps.map(row);
  const visible = Math.max(1, height - 2);
  const start = windowStart(steps.length, current, visible);
  const out: Line[] = [fitLine([seg(start > 0 ? `   ↑ ${start} step(s) above` : '   first step', 'muted')], width)];
  for (let i = start; i < Math.min(steps.length, start + visible); i++) out.push(row(steps[i]!, i));
  const below = steps.length - start - visible;
  out.push(fitLine([seg(below > 0 ? `   ↓ ${below} step(s) below` : '   last step', 'muted')], width));
  return out;
}
