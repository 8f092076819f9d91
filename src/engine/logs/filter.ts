/**
 * The log view's search line. Syntax, kept small enough to type at 3 a.m.:
 *
 *   timeout            plain text: case-insensitive substring
 *   /time(d)?out/i     a JavaScript regular expression; flags i, m, s, u
 *   !healthcheck       a leading ! keeps the lines that do NOT match (also !/re/)
 *   \!important        a leading backslash makes the rest plain text
 *   (empty)            every line
 *
 * A path such as /api/v1/orders is plain text: it is a regex only when the
 * text after the last slash is flags (or nothing).
 */
import { oneLine } from '../../text/sanitize.js';

export interface HighlightRange {
  start: number;
  /** exclusive */
  end: number;
}

export interface LineFilter {
  /** the text as typed */
  readonly text: string;
  readonly kind: 'all' | 'text' | 'regex';
  readonly inverted: boolean;
  test(line: string): boolean;
  /** where the line matches, sorted and disjoint; none for an inverted filter */
  highlight(line: string): HighlightRange[];
}

type CompiledFilter = { ok: true; filter: LineFilter } | { ok: false; error: string };

/** Longer regexes are more likely a paste accident than a search. */
const MAX_PATTERN = 300;
/**
 * Only the head of a line is matched: a user regex with nested quantifiers on
 * a 256 KB line could otherwise freeze the screen.
 */
const MAX_SCAN = 10_000;

const REGEX = /^\/(.+)\/([a-z]*)$/s;
// g is implied (highlighting finds every match); y, d and v change what a match means
const ALLOWED_FLAGS = /^[gimsu]*$/;

export function compileFilter(input: string): CompiledFilter {
  let text = input.trim();
  if (text === '') return { ok: true, filter: matchAll(input) };
  let inverted = false;
  if (text.startsWith('!')) {
    inverted = true;
    text = text.slice(1).trimStart();
    if (text === '') return { ok: false, error: 'nothing after "!": type the text whose lines to hide, e.g. !healthcheck' };
  }
  if (text.startsWith('\\')) return { ok: true, filter: build(input, 'text', inverted, literal(text.slice(1))) };
  const m = REGEX.exec(text);
  const [, pattern = '', flags = ''] = m ?? [];
  if (!m || (flags !== '' && !looksLikeFlags(flags))) return { ok: true, filter: build(input, 'text', inverted, literal(text)) };
  if (!ALLOWED_FLAGS.test(flags)) return { ok: false, error: `unsupported regex flag in /${oneLine(pattern, 40)}/${flags}: use only i, m, s or u` };
  if (pattern.length > MAX_PATTERN) return { ok: false, error: `regex is longer than ${MAX_PATTERN} characters: shorten it` };
  try {
    return { ok: true, filter: build(input, 'regex', inverted, new RegExp(pattern, unique(flags + 'g'))) };
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(err);
    return { ok: false, error: oneLine(`bad regex /${oneLine(pattern, 60)}/: ${why}: fix it, or drop the slashes to search plain text`, 200) };
  }
}

/** "orders" after "/api/v1/" is a word, not flags: only short all-flag-letter tails count. */
function looksLikeFlags(tail: string): boolean {
  return tail.length <= 4 && /^[gimsuyvd]+$/.test(tail);
}

function unique(flags: string): string {
  return [...new Set(flags)].join('');
}

function literal(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'giu');
}

function matchAll(input: string): LineFilter {
  return { text: input, kind: 'all', inverted: false, test: () => true, highlight: () => [] };
}

function build(input: string, kind: 'text' | 'regex', inverted: boolean, re: RegExp): LineFilter {
  const probe = new RegExp(re.source, re.flags.replace('g', ''));
  const matches = (line: string) => probe.test(line.length > MAX_SCAN ? line.slice(0, MAX_SCAN) : line);
  return {
    text: input,
    kind,
    inverted,
    test: (line) => matches(line) !== inverted,
    highlight: (line) => (inverted ? [] : ranges(re, line.length > MAX_SCAN ? line.slice(0, MAX_SCAN) : line)),
  };
}

function ranges(re: RegExp, line: string): HighlightRange[] {
  const out: HighlightRange[] = [];
  const g = new RegExp(re.source, re.flags);
  for (const m of line.matchAll(g)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    // empty matches (/x*/) highlight nothing
    if (end === start) continue;
    out.push({ start, end });
  }
  return out;
}
