/**
 * The frame every panel shares: a border with the digit, title, status and
 * filter in it, the error line when the last poll failed, and the body. Pure:
 * returns exactly `height` lines of exactly `width` columns, so the layout can
 * add them up and never exceed the terminal.
 */
import type { PanelId, PanelSnapshot } from '../src/model/panels.js';
import { PANEL_IDS, PANEL_TITLES } from '../src/model/panels.js';
import { dataAgeMs } from '../src/dashboard/panelFacts.js';
import type { Tone } from './theme.js';
import type { LogViewState } from './state.js';
import { GLYPH, toneOf } from './theme.js';
import type { Severity } from '../src/model/findings.js';
import { NO_VERDICTS, type Verdicts } from '../src/model/verdicts.js';
import type { Line, Seg } from './text.js';
import { filterLabel, fit, fitLine, isSelectedLine, lineWidth, seg } from './text.js';
import { age } from './format.js';
import { panelBody, panelSummary } from './panels/index.js';

interface FrameInput {
  id: PanelId;
  snap: PanelSnapshot<unknown>;
  width: number;
  height: number;
  now: number;
  focused: boolean;
  detail: boolean;
  filter: string;
  selected: number;
  /** the log panel's view state */
  logView?: LogViewState;
  /** what the checks said, by subject: the rows' marks and the counts in the title; none before the first run */
  verdicts?: Verdicts;
}

const MARKED: readonly Severity[] = ['crit', 'unknown', 'warn'];
const WORD: Record<Severity, [string, string]> = { crit: ['critical', 'critical'], unknown: ['unknown', 'unknown'], warn: ['warning', 'warnings'], ok: ['ok', 'ok'] };

/**
 * What the checks said of the panel, for its title: the worst severity with
 * its word ("✗ 2 critical"), then the other problems' counts (" ⚠ 1");
 * "✓ ok" when every finding of the panel is ok; nothing before the checks ran.
 */
export function verdictSegs(id: PanelId, verdicts: Verdicts | undefined): Seg[] {
  const counts = (verdicts ?? NO_VERDICTS).counts(id);
  const marked = MARKED.filter((s) => counts[s] > 0);
  if (marked.length === 0) return counts.ok > 0 ? [seg(` ${GLYPH.ok} ok `, toneOf('ok'))] : [];
  return marked.map((s, i) => {
    const n = counts[s];
    const text = i === 0 ? ` ${GLYPH[s]} ${n} ${WORD[s][n === 1 ? 0 : 1]} ` : ` ${GLYPH[s]} ${n} `;
    return seg(text, toneOf(s), { bold: s === 'crit' });
  });
}

function panelLabel(id: PanelId): string {
  return `${PANEL_IDS.indexOf(id) + 1} ${PANEL_TITLES[id]}`;
}

/**
 * How fresh the data is, for the title: "loading…", "stale 42s", "error";
 * undefined when it is fresh, which is said by nothing (a word "ok" beside a
 * ✗ read as healthy).
 */
export function statusOf(snap: PanelSnapshot<unknown>, now: number): { text: string; tone: Tone } | undefined {
  switch (snap.status) {
    case 'loading':
      return { text: 'loading…', tone: 'muted' };
    case 'ok':
      return undefined;
    case 'stale':
      return { text: `stale ${age(dataAgeMs(snap, now))}`, tone: 'warn' };
    case 'error': {
      // data kept through the outage: the title says how old it is
      const dataAge = dataAgeMs(snap, now);
      return dataAge === undefined ? { text: 'error', tone: 'crit' } : { text: `stale ${age(dataAge)}`, tone: 'crit' };
    }
  }
}

/** The error line drawn above kept data: what failed and how old the data below is. */
function errorLine(snap: PanelSnapshot<unknown>, now: number): Line | undefined {
  if (snap.status !== 'error') return undefined;
  const dataAge = dataAgeMs(snap, now);
  return [
    seg(`${GLYPH.crit} `, 'crit'),
    seg(snap.error ?? 'failed', 'crit'),
    seg(dataAge === undefined ? ' · no data yet' : ` · showing data from ${age(dataAge)} ago`, 'muted'),
  ];
}

const ROUND = { tl: '╭', tr: '╮', bl: '╰', br: '╯', h: '─', v: '│' };
const DOUBLE = { tl: '╔', tr: '╗', bl: '╚', br: '╝', h: '═', v: '║' };

function titleSegs(input: FrameInput): Seg[] {
  const status = statusOf(input.snap, input.now);
  const segs: Seg[] = [seg(` ${panelLabel(input.id)} `, input.focused ? 'focus' : 'text', { bold: true }), ...verdictSegs(input.id, input.verdicts)];
  if (status) segs.push(seg(` ${status.text} `, status.tone));
  if (input.filter) segs.push(seg(` ${filterLabel(input.filter)} `, 'accent'));
  return segs;
}

/** A bordered box of exactly `width` x `height`; the focused one has a double border, in `tone` when given. */
export function frame(title: Line, content: readonly Line[], width: number, height: number, focused: boolean, tone?: Tone): Line[] {
  const b = focused ? DOUBLE : ROUND;
  const border: Tone = tone ?? (focused ? 'focus' : 'border');
  const innerW = Math.max(0, width - 4);
  const innerH = Math.max(0, height - 2);
  const fitted = fitLine(title, Math.max(0, width - 4), false);
  const fill = Math.max(0, width - 3 - lineWidth(fitted));
  const out: Line[] = [[seg(b.tl + b.h, border), ...fitted, seg(b.h.repeat(fill) + b.tr, border)]];
  for (let i = 0; i < innerH; i++) {
    const row = content[i] ?? [];
    const margin = isSelectedLine(row) ? [seg(b.v, border), seg('›', 'focus', { bold: true })] : [seg(b.v + ' ', border)];
    out.push([...margin, ...fitLine(row, innerW), seg(' ' + b.v, border)]);
  }
  out.push([seg(b.bl + b.h.repeat(Math.max(0, width - 2)) + b.br, border)]);
  return out.slice(0, height).map((l) => fitLine(l, width));
}

export function framePanel(input: FrameInput): Line[] {
  const innerW = Math.max(0, input.width - 4);
  const innerH = Math.max(0, input.height - 2);
  const content: Line[] = [];
  const err = errorLine(input.snap, input.now);
  if (err) content.push(err);
  const data = input.snap.data;
  if (data === undefined) {
    if (!err) content.push([seg(input.snap.status === 'loading' ? 'waiting for the first poll…' : 'no data', 'muted')]);
  } else {
    const body = panelBody(input.id, data as never, {
      width: innerW,
      height: innerH - content.length,
      now: input.now,
      selected: input.selected,
      focused: input.focused,
      detail: input.detail,
      filter: input.filter,
      verdicts: input.verdicts ?? NO_VERDICTS,
      ...(input.logView ? { logView: input.logView } : {}),
    });
    content.push(...body);
  }
  return frame(titleSegs(input), content, input.width, input.height, input.focused);
}

/** One row per panel for small terminals: `› 1 ECS      ✓ ok 3 svc  api 3/3 …`. */
export function summaryLine(input: Omit<FrameInput, 'height' | 'detail' | 'selected'>): Line {
  const status = statusOf(input.snap, input.now);
  const line: Line = [
    seg(input.focused ? '›' : ' ', 'focus'),
    seg(fit(panelLabel(input.id), 11), input.focused ? 'focus' : 'text', { bold: true }),
  ];
  // one column for what the checks said and how fresh it is, so the panels' own summaries line up
  const verdict = verdictSegs(input.id, input.verdicts).map((m) => ({ ...m, text: m.text.trimStart() }));
  if (status) verdict.push(seg(`${status.text} `, status.tone));
  line.push(...fitLine(verdict, 18));
  if (input.filter) line.push(seg(`${filterLabel(input.filter)} `, 'accent'));
  const err = errorLine(input.snap, input.now);
  if (err) line.push(...err, seg('  '));
  if (input.snap.data !== undefined) line.push(...panelSummary(input.id, input.snap.data as never, input.now, input.verdicts ?? NO_VERDICTS));
  return fitLine(line, input.width);
}
