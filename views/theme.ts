/**
 * Semantic colour tokens. Components name what a thing means (crit, muted,
 * focus), never a colour, so the monochrome theme can carry the same meaning
 * with bold / underline / inverse, and the glyphs below carry it without any
 * styling at all.
 */

export type Tone = 'text' | 'ok' | 'warn' | 'crit' | 'muted' | 'accent' | 'focus' | 'border' | 'badge' | 'badgeProtected' | 'readOnly' | 'selected';

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

export const monoTheme: Theme = {
  name: 'mono',
  tones: {
    text: {},
    ok: {},
    warn: { underline: true },
    crit: { bold: true },
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

/** Severity markers drawn in both themes, so meaning never rests on colour alone. */
export const GLYPH = {
  ok: '✓',
  warn: '!',
  crit: '✗',
  unknown: '·',
} as const;

export type Level = keyof typeof GLYPH;

export function toneOf(level: Level): Tone {
  return level === 'unknown' ? 'muted' : level;
}
