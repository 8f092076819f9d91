/**
 * The guarded-action overlay, drawn from the controller's state: the prompt,
 * the plan and its confirmation, the progress, the outcome. Pure line
 * builders; the box grows with its content up to the room it is given, and
 * when that is short the middle of the plan (calls, details) gives way so
 * the summary and the confirmation always show.
 */
import type { ActionUiState, RunOutcome, RunView, Tier } from '../src/dashboard/ports.js';
import type { ActionTarget } from './state.js';
import { sanitize } from '../src/dashboard/text.js';
import type { Line } from './text.js';
import { fitLine, seg, truncate, width as textWidth } from './text.js';
import type { Tone } from './theme.js';
import { GLYPH } from './theme.js';
import { frame } from './PanelFrame.js';

interface OverlayInput {
  state: ActionUiState;
  width: number;
  /** the most rows the box may take */
  maxHeight: number;
  /** the target as its panel sees it now (see actionStart.ts) */
  live?: Line[];
  /** where the call goes, for "the change is under way in ECS" */
  system?: string;
  /** what planning reads, until the plan names it */
  targetName?: string;
  /** caveats from the session, e.g. the lock is only a local file */
  notes?: readonly string[];
  /** ctrl+c was pressed once while running */
  quitArmed?: boolean;
  /** rows of the plan scrolled past (clamped here) */
  scroll?: number;
}

/** The box as drawn, and how far its plan can scroll: the key handler clamps by it. */
export interface OverlayView {
  lines: Line[];
  maxScroll: number;
  /** rows of the plan one page moves */
  page: number;
}

const LABEL = 8;

/** Breaks text into rows of at most `w` columns, at spaces when it can. */
export function wrapText(text: string, w: number): string[] {
  const clean = sanitize(text);
  if (w <= 0) return [];
  if (textWidth(clean) <= w) return [clean];
  const rows: string[] = [];
  let row = '';
  for (const word of clean.split(' ')) {
    const next = row === '' ? word : `${row} ${word}`;
    if (textWidth(next) <= w) {
      row = next;
      continue;
    }
    if (row !== '') rows.push(row);
    row = word;
    // a word longer than the row (a JSON blob, an image URI) is cut where the row ends
    while (textWidth(row) > w) {
      const chars = Array.from(row);
      let cut = w;
      while (cut > 1 && textWidth(chars.slice(0, cut).join('')) > w) cut--;
      rows.push(chars.slice(0, cut).join(''));
      row = chars.slice(cut).join('');
    }
  }
  if (row !== '') rows.push(row);
  return rows;
}

/** A labelled paragraph: the label in the first row, the wrapped text indented under it. */
function para(label: string, text: string, w: number, tone?: Tone): Line[] {
  return wrapText(text, Math.max(10, w - LABEL)).map((row, i) => [seg(i === 0 ? label.padEnd(LABEL) : ' '.repeat(LABEL), 'muted'), seg(row, tone)]);
}

function wrapped(text: string, w: number, tone?: Tone): Line[] {
  return wrapText(text, w).map((row) => [seg(row, tone)]);
}

function tierBadge(tier: Tier): Line {
  if (tier === 'destructive') return [seg(' DESTRUCTIVE ', 'crit', { inverse: true })];
  if (tier === 'reversible') return [seg(' REVERSIBLE ', 'warn', { inverse: true })];
  return [seg(' READ ', 'muted', { inverse: true })];
}

const OUTCOME: Record<RunOutcome, { glyph: string; tone: Tone }> = {
  done: { glyph: GLYPH.ok, tone: 'ok' },
  refused: { glyph: GLYPH.warn, tone: 'warn' },
  aborted: { glyph: GLYPH.warn, tone: 'warn' },
  failed: { glyph: GLYPH.crit, tone: 'crit' },
};

function progressBar(fraction: number, w: number): Line {
  const f = Math.max(0, Math.min(1, fraction));
  const cells = Math.max(10, Math.min(40, w - 6));
  const full = Math.round(f * cells);
  return [seg('█'.repeat(full), 'accent'), seg('░'.repeat(cells - full), 'muted'), seg(` ${String(Math.round(f * 100)).padStart(3)}%`)];
}

interface Sections {
  title: Line;
  tone: Tone;
  top: Line[];
  /** gives way first when the box is short */
  middle: Line[];
  bottom: Line[];
}

/** The call's parameters as JSON with a space after each separator, so a narrow box wraps between them (and between the items of a long list). */
function paramsText(params: unknown): string {
  if (Array.isArray(params)) return `[${params.map(paramsText).join(', ')}]`;
  if (params !== null && typeof params === 'object') return `{${Object.entries(params).map(([k, v]) => `${JSON.stringify(k)}: ${paramsText(v)}`).join(', ')}}`;
  return JSON.stringify(params) ?? 'null';
}

function planBody(s: ActionUiState, w: number, notes: readonly string[]): Line[] {
  const plan = s.plan!;
  const out: Line[] = [];
  for (const c of plan.changes) out.push([seg('change'.padEnd(LABEL), 'muted'), seg(`${c.field}  `), seg(sanitize(c.before)), seg(' → '), seg(sanitize(c.after), undefined, { bold: true })]);
  for (const c of plan.calls) out.push(...para('call', `${c.api} ${paramsText(c.params)}`, w));
  plan.details.forEach((d, i) => out.push(...para(i === 0 ? 'detail' : '', d, w)));
  for (const n of notes) out.push(...wrapped(`${GLYPH.warn} ${n}`, w, 'warn'));
  return out;
}

/** The tier badge first: a long title (a restore's) is what the width cuts, never the word DESTRUCTIVE. */
function titleOf(s: ActionUiState): Line {
  const title = seg(` ${s.plan?.title ?? s.title ?? 'Action'} `, 'focus', { bold: true });
  return s.plan ? [seg(' '), ...tierBadge(s.plan.tier), seg(' '), title] : [title];
}

function toneOf(s: ActionUiState): Tone {
  if (s.plan?.tier === 'destructive') return 'crit';
  if (s.plan?.tier === 'reversible') return 'warn';
  return 'focus';
}

function sections(input: OverlayInput, w: number): Sections {
  const { state: s } = input;
  const live = input.live ?? [];
  const system = input.system ?? 'ECS';
  const base = { title: titleOf(s), tone: toneOf(s) };
  switch (s.phase) {
    case 'input': {
      const p = s.prompt!;
      const bottom: Line[] = [[seg(`${p.label}: `, 'accent', { bold: true }), seg(p.value), seg(' ', 'text', { inverse: true })], ...wrapped(p.hint, w, 'muted')];
      if (p.error) bottom.push(...wrapped(`${GLYPH.crit} ${p.error}`, w, 'crit'));
      return { ...base, top: [...live, []], middle: [], bottom };
    }
    case 'planning':
      return { ...base, top: [...live, []], middle: [], bottom: [[seg(`planning… reading ${s.plan?.target.name ?? input.targetName ?? 'the target'}`, 'muted')]] };
    case 'confirm': {
      const plan = s.plan!;
      const c = s.confirm!;
      const middle = planBody(s, w, input.notes ?? []);
      const bottom: Line[] = [[]];
      const r = s.reason;
      if (r && !r.entered) {
        bottom.push([seg('Why? ', 'accent', { bold: true }), seg('one line for the journal (and the approver), then enter'), seg('   esc cancels', 'muted')]);
        bottom.push([seg('reason> ', 'accent', { bold: true }), seg(r.value), seg(' ', 'text', { inverse: true })]);
        if (r.error) bottom.push(...wrapped(`${GLYPH.crit} ${r.error}`, w, 'crit'));
        return { ...base, top: [...wrapped(plan.summary, w), []], middle, bottom };
      }
      if (r) bottom.push(...para('reason', r.value, w));
      if (plan.tier === 'reversible') {
        bottom.push([seg('Go ahead?  '), seg('[y] yes'), seg('  '), seg('[N] no', 'focus', { inverse: true, bold: true }), seg('   enter or esc: no', 'muted')]);
      } else {
        bottom.push([seg('Type '), seg(plan.phrase, 'crit', { bold: true }), seg(' to confirm'), seg('   esc cancels', 'muted')]);
        bottom.push([seg('> ', 'accent', { bold: true }), seg(c.typed), seg(' ', 'text', { inverse: true })]);
        if (c.error) bottom.push(...wrapped(`${GLYPH.crit} ${c.error}`, w, 'crit'));
      }
      return { ...base, top: [...wrapped(plan.summary, w), []], middle, bottom };
    }
    case 'running': {
      const bottom: Line[] = [];
      const p = s.progress;
      if (p) bottom.push(...wrapped(p.message, w));
      if (p?.fraction !== undefined) bottom.push(progressBar(p.fraction, w));
      bottom.push(
        ...wrapped(
          p?.awaitingApproval
            ? `Nothing has been called yet. Esc puts this box away (a shows it again); the run goes ahead once approved, or ends refused if the request is rejected or expires.`
            : `Esc does not stop it: the change is under way in ${system}. Esc puts this box away (a shows it again); it closes when ${system} shows it done.`,
          w,
          'muted',
        ),
      );
      if (input.quitArmed) bottom.push(...wrapped(`${GLYPH.warn} ctrl+c again quits: ${system} carries on, opsdeck stops watching (the journal has the call)`, w, 'warn'));
      return { ...base, top: s.plan ? [...wrapped(s.plan.summary, w), ...live, []] : [], middle: [], bottom };
    }
    case 'finished': {
      const bottom: Line[] = [];
      if (s.result) {
        const o = OUTCOME[s.result.outcome];
        const label = `${o.glyph} ${s.result.outcome}  `;
        const rows = wrapText(s.result.message, Math.max(10, w - label.length));
        rows.forEach((row, i) => bottom.push([i === 0 ? seg(label, o.tone, { bold: true }) : seg(' '.repeat(label.length)), seg(row)]));
        if (s.result.requestIds.length) bottom.push([seg(`request ${s.result.requestIds.join(', ')}`, 'muted')]);
      } else if (s.error) {
        bottom.push(...wrapped(`${GLYPH.crit} ${s.error}`, w, 'crit'));
      }
      return { ...base, top: s.plan ? [...wrapped(s.plan.summary, w), []] : [], middle: [], bottom };
    }
    default:
      return { ...base, top: [], middle: [], bottom: [] };
  }
}

/** The box, at most `maxHeight` rows, exactly `width` columns. */
export function overlayLines(input: OverlayInput): Line[] {
  return overlayView(input).lines;
}

/**
 * The box, at most `maxHeight` rows: the summary and the confirmation always
 * show; a plan taller than the room between them scrolls, with a row above
 * and below saying how much is hidden and which keys move it.
 */
export function overlayView(input: OverlayInput): OverlayView {
  const w = Math.max(10, input.width - 4);
  const room = Math.max(1, input.maxHeight - 2);
  const sec = sections(input, w);
  let { top, middle } = sec;
  const bottom = sec.bottom.slice(0, room);
  let maxScroll = 0;
  let page = 1;
  if (top.length + middle.length + bottom.length > room) {
    const left = room - top.length - bottom.length;
    if (left >= 3) {
      const visible = left - 2;
      maxScroll = middle.length - visible;
      page = Math.max(1, visible - 1);
      const at = Math.max(0, Math.min(maxScroll, input.scroll ?? 0));
      const below = middle.length - at - visible;
      // j and k scroll only where no phrase is typed (a y/N box): a phrase may begin with either
      const keys = input.state.plan?.tier === 'reversible' ? '↑↓ j k pgup pgdn home end scroll' : '↑↓ pgup pgdn home end scroll the plan';
      middle = [
        [seg(at > 0 ? `↑ ${at} more` : '  top of the plan', 'muted')],
        ...middle.slice(at, at + visible),
        [seg(below > 0 ? `↓ ${below} more` : '  end of the plan', 'muted'), seg(`  · ${keys}`, 'muted')],
      ];
    } else {
      middle = [];
      top = top.slice(0, Math.max(0, room - bottom.length));
    }
  }
  const content = [...top, ...middle, ...bottom];
  return { lines: frame(sec.title, content, input.width, Math.min(input.maxHeight, content.length + 2), true, sec.tone), maxScroll, page };
}

/** The footer while the overlay is open: which keys do what now. */
export function overlayFooter(s: ActionUiState, width: number, system = 'ECS'): Line {
  const keys: [string, string][] = [];
  switch (s.phase) {
    case 'input':
      keys.push(['enter', 'plan it (changes nothing yet)'], ['esc', 'cancel']);
      break;
    case 'planning':
      keys.push(['esc', 'cancel']);
      break;
    case 'confirm':
      if (s.reason && !s.reason.entered) keys.push(['type', 'why, one line'], ['enter', 'then the confirmation'], ['esc', 'cancel']);
      else if (s.plan?.tier === 'reversible') keys.push(['y', 'go ahead'], ['n enter esc', 'cancel']);
      else keys.push(['type', s.plan?.phrase ?? ''], ['enter', 'confirm'], ['esc', 'cancel']);
      break;
    case 'running':
      keys.push(['esc', 'put away (it carries on; other actions may start)'], ['ctrl+c ×2', `quit (${system} carries on)`]);
      break;
    case 'finished':
      // the key is not lost: it closes the box and then does its own work
      keys.push(['esc enter', 'close'], ['any other key', 'closes and acts']);
      break;
    default:
      break;
  }
  const line: Line = [];
  for (const [k, what] of keys) {
    if (line.length) line.push(seg('  '));
    line.push(seg(k, 'accent'), seg(` ${truncate(sanitize(what), 40)}`, 'muted'));
  }
  return fitLine(line, width);
}

const PANEL_OF_KIND: Record<string, ActionTarget['panel']> = { 'ecs-service': 'ecs', 'ecs-task': 'ecs', 'db-instance': 'rds', 'db-snapshot': 'rds', queue: 'queues', 'pg-backend': 'postgres' };

/** The panel a run acts on: the target it was started on, else its plan's kind. */
export function runPanel(r: RunView, fallback: ActionTarget['panel']): ActionTarget['panel'] {
  return (r.tag as ActionTarget | undefined)?.panel ?? PANEL_OF_KIND[r.plan.target.kind] ?? fallback;
}

/** How far a run is, in a few columns: "call…", "45%", or its latest line cut short; `own`: what its kind says (a runbook's step). */
function runProgress(r: RunView, own?: string): string {
  if (own !== undefined) return truncate(sanitize(own), 40);
  if (r.stage === 'calling') return 'calling…';
  const p = r.progress;
  if (p?.fraction !== undefined) return `${Math.round(Math.max(0, Math.min(1, p.fraction)) * 100)}%`;
  return truncate(sanitize(p?.message ?? 'watching'), 28);
}

/**
 * Every confirmed action not read yet, in one row under the panels: what is
 * running and how far, and how each put-away one ended (it never pops up
 * over what the operator is doing). Undefined when there is none.
 */
export function runsLine(runs: readonly RunView[], width: number, progressOf: (r: RunView) => string | undefined = () => undefined): Line | undefined {
  if (runs.length === 0) return undefined;
  const going = runs.filter((r) => r.stage !== 'finished').length;
  const ended = runs.length - going;
  const counts = [going ? `${going} running` : '', ended ? `${ended} ended` : ''].filter(Boolean).join(', ');
  // the key first: the titles are what the width cuts
  const line: Line = [seg(`${going ? '⟳' : GLYPH.ok} ${counts} `, 'accent', { bold: true }), seg('(a shows)', 'muted')];
  for (const r of runs) {
    line.push(seg(' · ', 'muted'));
    if (r.stage === 'finished') {
      const o = r.result ? OUTCOME[r.result.outcome] : OUTCOME.failed;
      line.push(seg(`${o.glyph} `, o.tone, { bold: true }), seg(`${sanitize(r.title)} ${r.result?.outcome ?? 'failed'}`, o.tone));
    } else line.push(seg(`${runProgress(r, progressOf(r))} `, undefined, { bold: true }), seg(sanitize(r.title), 'accent'));
  }
  return fitLine(line, width);
}
