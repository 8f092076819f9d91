/**
 * The checklist screen (key c): every finding of the live checks, worst
 * first (the ok ones folded into one line that opens), with its area, figure,
 * how long it has been so and the fix the check suggests. Pure line builders; the selection is a finding's key so a
 * re-ordered list keeps the row the operator is on.
 */
import type { Severity } from '../src/model/findings.js';
import type { TrackedFinding } from '../src/dashboard/ports.js';
import { findingKey } from '../src/dashboard/panelFacts.js';
import { PANEL_IDS, PANEL_TITLES } from '../src/model/panels.js';
import type { Line } from './text.js';
import { fit, fitLine, highlight, lineWidth, seg, width as textWidth, windowStart } from './text.js';
import type { Tone } from './theme.js';
import { GLYPH, toneOf } from './theme.js';
import { age } from './format.js';
import { frame } from './PanelFrame.js';
import { wrapText } from './actionOverlay.js';

export { findingKey };

/** the theme's one glyph table and tones, as the panels draw them */
const MARK: Readonly<Record<Severity, string>> = GLYPH;
const SEVERITY_TONE: Record<Severity, Tone> = { ok: toneOf('ok'), warn: toneOf('warn'), crit: toneOf('crit'), unknown: toneOf('unknown') };
/** problems first, as `opsdeck check` prints them: unknown ranks above warn */
const ORDER: Severity[] = ['crit', 'unknown', 'warn', 'ok'];
const COUNTED: Record<Severity, [string, string]> = { crit: ['critical', 'critical'], unknown: ['unknown', 'unknown'], warn: ['warning', 'warnings'], ok: ['ok', 'ok'] };

/** Worst first (critical, unknown, warning, ok), then in panel order, then the oldest: the order the next-problem key visits. */
export function checklistItems(findings: readonly TrackedFinding[]): TrackedFinding[] {
  const rank = (t: TrackedFinding) => ORDER.indexOf(t.finding.severity);
  const area = (t: TrackedFinding) => PANEL_IDS.indexOf(t.finding.area);
  return [...findings].sort((a, b) => rank(a) - rank(b) || area(a) - area(b) || a.since - b.since || a.finding.subject.localeCompare(b.finding.subject));
}

/** The checklist's rows: each problem, then the ok findings folded into one line, or that line and them when it is open. */
export type ChecklistRow = { kind: 'finding'; item: TrackedFinding } | { kind: 'fold'; count: number; open: boolean };

/** The selection key of the folded ok line (a finding's is findingKey). */
export const OK_FOLD_KEY = 'ok-fold';

export function checklistRows(items: readonly TrackedFinding[], okOpen: boolean): ChecklistRow[] {
  const rows: ChecklistRow[] = items.filter((t) => t.finding.severity !== 'ok').map((item) => ({ kind: 'finding', item }));
  const oks = items.filter((t) => t.finding.severity === 'ok');
  if (oks.length === 0) return rows;
  rows.push({ kind: 'fold', count: oks.length, open: okOpen });
  if (okOpen) rows.push(...oks.map((item): ChecklistRow => ({ kind: 'finding', item })));
  return rows;
}

export function rowKey(row: ChecklistRow): string {
  return row.kind === 'fold' ? OK_FOLD_KEY : findingKey(row.item.finding);
}

/** The selected row: the one with `key`, else the first. */
export function selectedIndex(rows: readonly ChecklistRow[], key: string | null): number {
  const i = key === null ? -1 : rows.findIndex((r) => rowKey(r) === key);
  return i < 0 ? 0 : i;
}

/** "2 critical · 3 warnings · 14 ok" */
function severityCounts(findings: readonly TrackedFinding[]): string {
  const n: Record<Severity, number> = { ok: 0, warn: 0, crit: 0, unknown: 0 };
  for (const t of findings) n[t.finding.severity]++;
  return ORDER.filter((s) => n[s] > 0).map((s) => `${n[s]} ${COUNTED[s][n[s] === 1 ? 0 : 1]}`).join(' · ');
}

/** "crash loop" from "ecs.crash-loop": what the header calls a check. */
function checkName(checkId: string): string {
  return (checkId.split('.').pop() ?? checkId).replace(/-/g, ' ');
}

interface ChecklistInput {
  findings: readonly TrackedFinding[];
  selectedKey: string | null;
  width: number;
  height: number;
  now: number;
  env: string;
  /** when the checks last ran; undefined: not yet */
  evaluatedAt?: number;
  notes?: readonly string[];
  /** false in read-only mode and when the session cannot act: Enter does nothing, so it is not offered */
  canFix: boolean;
  /** the checks could not run at all */
  error?: string;
  /** the ok rows are shown, not folded */
  okOpen?: boolean;
}

/** At this inner width a finding's figure, age and fix fit on its own row. */
const WIDE = 140;

interface Block {
  lines: Line[];
  selected: boolean;
}

/** the area's name before each row: the rows are in severity order, not grouped by panel */
const AREA_W = 9;

interface WideColumns {
  subject: number;
  message: number;
  figure: number;
  fix: number;
}

const AGE_W = 4;

/** Column widths from what the findings hold: subject, figure and fix as wide as their longest (within caps), the message gets the rest. */
function wideColumns(items: readonly TrackedFinding[], w: number): WideColumns {
  const longest = (get: (t: TrackedFinding) => string, cap: number) => Math.min(cap, Math.max(4, ...items.map((t) => textWidth(get(t)))));
  const subject = longest((t) => t.finding.subject, 32);
  const figure = longest((t) => t.finding.figure ?? '', 36);
  const fix = longest((t) => (t.finding.suggested ? `→ ${t.finding.suggested.label}` : ''), 64);
  const message = Math.max(20, w - 2 - AREA_W - subject - figure - AGE_W - fix - 4);
  return { subject, message, figure, fix };
}

function wideRow(t: TrackedFinding, cols: WideColumns, now: number): Line {
  const f = t.finding;
  return [
    seg(`${MARK[f.severity]} `, SEVERITY_TONE[f.severity], { bold: true }),
    seg(fit(PANEL_TITLES[f.area], AREA_W), 'muted'),
    seg(fit(f.subject, cols.subject)),
    seg(' '),
    seg(fit(f.message, cols.message)),
    seg(' '),
    seg(fit(f.figure ?? '', cols.figure), 'muted'),
    seg(' '),
    seg(fit(age(now - t.since), AGE_W, 'right'), 'muted'),
    seg(' '),
    seg(fit(f.suggested ? `→ ${f.suggested.label}` : '', cols.fix), 'accent'),
  ];
}

/** The row of a narrow screen: mark, subject, message, age; `cut` when the message did not fit. */
function narrowRow(t: TrackedFinding, w: number, subjectW: number, now: number): { line: Line; cut: boolean } {
  const f = t.finding;
  const ageText = age(now - t.since);
  const messageW = Math.max(5, w - 2 - AREA_W - subjectW - 1 - ageText.length - 1);
  const line = [seg(`${MARK[f.severity]} `, SEVERITY_TONE[f.severity], { bold: true }), seg(fit(PANEL_TITLES[f.area], AREA_W), 'muted'), seg(fit(f.subject, subjectW)), seg(' '), seg(fit(f.message, messageW)), seg(' '), seg(ageText, 'muted')];
  return { line, cut: textWidth(f.message) > messageW };
}

/** Under the selected row: what the row cuts, and what Enter does. */
function expansion(t: TrackedFinding, w: number, wide: boolean, cut: boolean, canFix: boolean): Line[] {
  const f = t.finding;
  const out: Line[] = [];
  const indent = '    ';
  if (cut) for (const row of wrapText(f.message, w - indent.length)) out.push([seg(indent), seg(row)]);
  if (!wide) {
    if (f.figure) out.push([seg(indent), seg(f.figure, 'muted')]);
    if (f.suggested) out.push([seg(indent), seg(`→ ${f.suggested.label}`, 'accent')]);
    else if (f.severity !== 'ok') out.push([seg(indent), seg('no action suggested: see the panel', 'muted')]);
  }
  if (f.suggested && canFix) out.push([seg(indent), seg('enter opens its plan (nothing runs before you confirm)', 'muted')]);
  return out;
}

/** The folded ok line: how many, and the key that opens (or folds) it. */
function foldLine(row: Extract<ChecklistRow, { kind: 'fold' }>): Line {
  return [seg(`${MARK.ok} `, SEVERITY_TONE.ok, { bold: true }), seg(`${row.count} ok`), seg(row.open ? '  space folds them' : '  enter or space shows them', 'muted')];
}

function content(input: ChecklistInput, w: number): Block[] {
  const items = checklistItems(input.findings);
  const rows = checklistRows(items, input.okOpen ?? false);
  const sel = selectedIndex(rows, input.selectedKey);
  const wide = w >= WIDE;
  const cols = wide ? wideColumns(items, w) : undefined;
  // one subject column, as wide as the longest subject within reason
  const subjectW = Math.min(Math.max(8, ...items.map((t) => textWidth(t.finding.subject))), Math.max(12, Math.floor(w / 3)), 28);
  return rows.map((r, i) => {
    const selected = i === sel;
    if (r.kind === 'fold') {
      const line = foldLine(r);
      return { lines: [selected ? highlight(line) : line], selected };
    }
    const t = r.item;
    const narrow = wide ? undefined : narrowRow(t, w, subjectW, input.now);
    const row = narrow ? narrow.line : wideRow(t, cols!, input.now);
    const lines: Line[] = [selected ? highlight(row) : row];
    const cut = narrow ? narrow.cut : textWidth(t.finding.message) > cols!.message;
    if (selected) lines.push(...expansion(t, w, wide, cut, input.canFix));
    return { lines, selected };
  });
}

export function checklistView(input: ChecklistInput): Line[] {
  const w = Math.max(10, input.width - 4);
  const room = Math.max(1, input.height - 2);
  const counts = severityCounts(input.findings);
  const title: Line = [seg(` Checklist · ${input.env} `, 'focus', { bold: true })];
  if (counts) title.push(seg(` ${counts} `, input.findings.some((t) => t.finding.severity === 'crit') ? 'crit' : 'muted'));
  title.push(seg(input.evaluatedAt === undefined ? ' checking… ' : ` checked ${age(input.now - input.evaluatedAt)} ago `, 'muted'));

  const tail: Line[] = [];
  if (input.error) tail.push([seg(input.error, 'crit')]);
  for (const n of input.notes ?? []) tail.push([seg(`note: ${n}`, 'muted')]);

  const blocks = content(input, w);
  if (blocks.length === 0) {
    const why = input.evaluatedAt === undefined ? 'running the checks on what the panels hold…' : 'no check could run yet: the panels are waiting for their first data';
    return frame(title, [[seg(why, 'muted')], [], ...tail], input.width, input.height, true);
  }
  // A window of whole rows that keeps the selected finding (and what it expands to) in view.
  const rows: Line[] = [];
  let selStart = 0;
  let selLen = 1;
  for (const b of blocks) {
    if (b.selected) {
      selStart = rows.length;
      selLen = b.lines.length;
    }
    rows.push(...b.lines);
  }
  const tailShown = tail.slice(0, Math.max(0, Math.min(tail.length, room - rows.length)));
  const bodyRoom = Math.max(1, room - tailShown.length);
  let top = windowStart(rows.length, selStart, bodyRoom);
  if (selStart + selLen > top + bodyRoom) top = Math.max(0, selStart + selLen - bodyRoom);
  const shown = rows.slice(top, top + bodyRoom);
  if (top > 0) shown[0] = fitLine([seg(`↑ ${top} more`, 'muted')], w);
  const below = rows.length - (top + bodyRoom);
  if (below > 0) shown[shown.length - 1] = fitLine([seg(`↓ ${below} more`, 'muted')], w);
  return frame(title, [...shown, ...tailShown], input.width, input.height, true);
}

/** The header's line of critical findings: "✗ 2 critical: demo/api crash loop 3m · …". */
export function criticalLine(critical: readonly TrackedFinding[], now: number, width: number): Line | undefined {
  if (critical.length === 0) return undefined;
  const line: Line = [seg(`${MARK.crit} ${critical.length} critical: `, 'crit', { bold: true })];
  critical.forEach((t, i) => {
    if (i > 0) line.push(seg(' · ', 'muted'));
    line.push(seg(`${t.finding.subject} ${checkName(t.finding.checkId)} `, 'crit'), seg(age(now - t.since), 'muted'));
  });
  // cut mid-list: say where the rest is
  const more = '  c lists all';
  if (lineWidth(line) > width && width > 40) return fitLine([...fitLine(line, width - more.length, false), seg(more, 'muted')], width);
  return fitLine(line, width);
}
