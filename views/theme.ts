/**
 * Semantic colour tokens. Components name what a thing means (crit, muted,
 * focus), never a colour, so the monochrome theme can carry the same meaning
 * with bold / underline / inverse, and the glyphs below carry it without any
 * styling at all.
 */
import { SEVERITY_GLYPH, type Severity } from '../src/model/findings.js';

export type Tone = 'text' | 'ok' | 'warn' | 'crit' | 'unknown' | 'muted' | 'accent' | 'focus' | 'border' | 'badge' | 'badgeProtected' | 'readOnly' | 'selected';

export interface Style {
  color?: string;
  backgroundColor?: string;
  bold?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

export interface Theme {
  name: 'color' | 'mono';
  tones: Record<Tone, Style>;
}

export const colorTheme: Theme = {
  name: 'color',
  tones: {
    text: {},
    ok: { color: 'green' },
    warn: { color: 'yellow' },
    crit: { color: 'red', bold: true },
    // could not look: neither fine nor a known problem
    unknown: { color: 'magenta' },
    // gray rather than dim: dim text vanishes on some SSH clients' palettes
    muted: { color: 'gray' },
    accent: { color: 'cyan' },
    focus: { color: 'cyan', bold: true },
    border: { color: 'gray' },
    badge: { color: 'black', backgroundColor: 'cyan', bold: true },
    badgeProtected: { color: 'white', backgroundColor: 'red', bold: true },
    readOnly: { color: 'black', backgroundColor: 'yellow', bold: true },
    selected: { inverse: true },
  },
};

const monoTheme: Theme = {
  name: 'mono',
  tones: {
    text: {},
    ok: {},
    warn: { underline: true },
    crit: { bold: true },
    // the glyph says it: ? beside ✓ ⚠ ✗
    unknown: {},
    muted: {},
    accent: {},
    focus: { bold: true },
    border: {},
    badge: { inverse: true },
    badgeProtected: { inverse: true, bold: true },
    readOnly: { inverse: true },
    selected: { inverse: true },
  },
};

export function themeFor(noColor: boolean): Theme {
  return noColor ? monoTheme : colorTheme;
}

/**
 * Severity marks, drawn in both themes so meaning never rests on colour: the
 * one table `opsdeck check` prints too.
 */
export const GLYPH = SEVERITY_GLYPH;

export type Level = Severity;

export function toneOf(level: Level): Tone {
  return level;
}

/** A row's mark: the checks' verdict, or a blank where no check judged the row (yet). */
export function markOf(level: Level | undefined): { text: string; tone?: Tone } {
  return level === undefined ? { text: ' ' } : { text: GLYPH[level], tone: toneOf(level) };
}

/** A figure's tone: drawn only when the checks found something wrong with it. */
export function problemTone(level: Level | undefined): Tone | undefined {
  return level === undefined || level === 'ok' ? undefined : toneOf(level);
}
