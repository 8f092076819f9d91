/**
 * Lines of styled segments, measured and cut in terminal columns. Every panel
 * builds `Line`s; `fitLine` is the one place they are sanitised and cut to the
 * width, so text from outside cannot reach the terminal raw and no cell ever
 * wraps onto a second row.
 */
import stringWidth from 'string-width';
import { sanitize } from '../src/dashboard/text.js';
import type { Tone } from './theme.js';

export interface Seg {
  text: string;
  tone?: Tone;
  bold?: boolean;
  inverse?: boolean;
  /** the first segment of the selected row: the frame draws "›" before it, so the selection shows without colour or reverse video */
  selected?: boolean;
}

export type Line = Seg[];

// One column per UTF-16 unit, as string-width counts them: printable ASCII, and
// the Latin-1, punctuation, arrow, box-drawing, block and shape characters the
// panels draw (borders, sparklines, ✓ ✗ ⚠). None combines with a neighbour, so
// such a string's width is its length and it cuts at any index; everything
// else goes through the Unicode tables. test/views/textWidth.test.ts holds
// every character of these ranges to string-width.
export const NARROW = /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u00ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25fc\u26a0\u2713\u2717]*$/;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function width(s: string): number {
  return NARROW.test(s) ? s.length : stringWidth(s);
}

/** Cut to `max` columns, marking the cut with "…". */
export function truncate(s: string, max: number): string {
  if (max <= 0) return '';
  if (width(s) <= max) return s;
  if (NARROW.test(s)) return s.slice(0, max - 1) + '…';
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(s)) {
    const w = stringWidth(segment);
    if (used + w > max - 1) break;
    out += segment;
    used += w;
  }
  return out + '…';
}

/** Exactly `w` columns: truncated, then padded. */
export function fit(s: string, w: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(sanitize(s), w);
  const gap = ' '.repeat(Math.max(0, w - width(t)));
  return align === 'right' ? gap + t : t + gap;
}

export function seg(text: string, tone?: Tone, style?: { bold?: boolean; inverse?: boolean }): Seg {
  return { text, tone, ...style };
}

export function lineWidth(line: Line): number {
  return line.reduce((n, s) => n + width(s.text), 0);
}

/**
 * Sanitises every segment, cuts the line to `w` columns and, with `pad`,
 * fills it to exactly `w` so a shorter new frame overwrites the old one.
 */
export function fitLine(line: Line, w: number, pad = true): Line {
  const out: Line = [];
  let used = 0;
  for (let i = 0; i < line.length; i++) {
    const s = line[i]!;
    const text = sanitize(s.text);
    const sw = width(text);
    if (used + sw <= w) {
      out.push({ ...s, text });
      used += sw;
      continue;
    }
    const room = w - used;
    if (room > 0) {
      out.push({ ...s, text: truncate(text, room) });
      used = w;
    }
    break;
  }
  if (pad && used < w) out.push({ text: ' '.repeat(w - used) });
  return out;
}

/**
 * The selected row: reverse video and bold, and marked so the frame draws
 * "›" in its margin (reverse video alone vanishes on a monochrome terminal).
 */
export function highlight(line: Line): Line {
  return line.map((s, i) => ({ ...s, inverse: true, bold: true, ...(i === 0 ? { selected: true } : {}) }));
}

/** Whether a line is the selected row (see highlight). */
export function isSelectedLine(line: Line | undefined): boolean {
  return line?.[0]?.selected === true;
}

/** Apply a tone to segments that have none (a whole row turning red). */
export function tint(line: Line, tone: Tone | undefined): Line {
  if (!tone) return line;
  return line.map((s) => (s.tone === undefined || s.tone === 'text' ? { ...s, tone } : s));
}

export interface Column {
  header: string;
  /** what `tableRow` looks cells up by; defaults to the header */
  key?: string;
  /** fixed width; the flex column takes what is left */
  width: number;
  align?: 'left' | 'right';
  flex?: boolean;
  /** the flex column grows no wider than this; the rest stays blank at the right */
  max?: number;
  /** lower goes first when the panel is too narrow; omitted: always kept */
  drop?: number;
}

interface Cell {
  text: string;
  tone?: Tone;
}

/**
 * Lays out a table in `total` columns: drops the most expendable columns
 * until the rest fit, gives the remainder to the flex column, and cuts every
 * cell to its width (cells never wrap).
 */
export function layoutColumns(cols: readonly Column[], total: number, gap = 1): Column[] {
  let kept = [...cols];
  const need = (cs: Column[]) => cs.reduce((n, c) => n + c.width, 0) + gap * Math.max(0, cs.length - 1);
  while (need(kept) > total) {
    const droppable = kept.filter((c) => c.drop !== undefined);
    if (droppable.length === 0) break;
    const first = droppable.reduce((a, b) => ((b.drop ?? 0) < (a.drop ?? 0) ? b : a));
    kept = kept.filter((c) => c !== first);
  }
  // the spare columns go to the flex columns in order, each up to its max, so two flex columns never share the same spare twice
  let spare = Math.max(0, total - need(kept));
  return kept.map((c) => {
    if (!c.flex) return c;
    const grow = Math.min(spare, Math.max(0, (c.max ?? Infinity) - c.width));
    spare -= grow;
    return { ...c, width: c.width + grow };
  });
}

export function tableHeader(cols: readonly Column[], gap = 1): Line {
  return [seg(cols.map((c) => fit(c.header, c.width, c.align)).join(' '.repeat(gap)), 'muted')];
}

/** One row; `cells` is keyed by header so dropped columns just disappear. */
export function tableRow(cols: readonly Column[], cells: Record<string, Cell | string>, gap = 1): Line {
  const line: Line = [];
  cols.forEach((c, i) => {
    if (i > 0) line.push(seg(' '.repeat(gap)));
    const cell = cells[c.key ?? c.header];
    const v: Cell = typeof cell === 'string' ? { text: cell } : (cell ?? { text: '' });
    line.push(seg(fit(v.text, c.width, c.align), v.tone));
  });
  return line;
}

/** The first index of a window of `height` rows that keeps `selected` in view. */
export function windowStart(count: number, selected: number, height: number): number {
  if (count <= height) return 0;
  const start = selected - Math.floor(height / 2);
  return Math.max(0, Math.min(count - height, start));
}

/** "/text" as typed after the slash key; a regex ("/re/i") already carries its slashes. */
export function filterLabel(filter: string): string {
  return filter.startsWith('/') ? filter : `/${filter}`;
}

export function matchesFilter(filter: string, ...texts: (string | undefined | null)[]): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return texts.some((t) => typeof t === 'string' && t.toLowerCase().includes(f));
}

/**
 * The head of `text` that fits in `cols` columns, and the rest. Linear in
 * the head: the grapheme segmenter is lazy, so a 256 KB line costs only
 * what is taken.
 */
function take(text: string, cols: number): [string, string] {
  if (cols <= 0) return ['', text];
  if (NARROW.test(text)) return [text.slice(0, cols), text.slice(cols)];
  let used = 0;
  for (const { segment, index } of segmenter.segment(text)) {
    const cw = stringWidth(segment);
    if (used + cw > cols) return [text.slice(0, index), text.slice(index)];
    used += cw;
  }
  return [text, ''];
}

/**
 * Cuts a line into rows of at most `w` columns, keeping each segment's
 * style: a long log line wraps instead of being cut. Sanitises first, as
 * fitLine does, so the widths are those of what is drawn.
 */
export function wrapLine(line: Line, w: number): Line[] {
  const rows: Line[] = [[]];
  let used = 0;
  for (const s of line) {
    let text = sanitize(s.text);
    while (text !== '') {
      if (used >= w) {
        rows.push([]);
        used = 0;
      }
      let [head, rest] = take(text, w - used);
      if (head === '') {
        // a wide character that does not fit at the end of a row starts the next one; alone in a row it is drawn cut
        if (used > 0) {
          used = w;
          continue;
        }
        const first = String.fromCodePoint(text.codePointAt(0)!);
        [head, rest] = [first, text.slice(first.length)];
      }
      rows[rows.length - 1]!.push({ ...s, text: head });
      used += width(head);
      text = rest;
    }
  }
  return rows;
}
