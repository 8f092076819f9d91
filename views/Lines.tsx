/**
 * Draws `Line`s with the theme from context. Lines arrive already fitted to
 * their width (see text.ts), so `truncate-end` here is only a safety net.
 *
 * A row is pre-composed: its segments are styled here, with the chalk that
 * Ink's own <Text> uses and in the same order, into one string inside one
 * <Text>. The bytes on the screen are the same as with a <Text> per segment,
 * but React reconciles one element a row instead of one a segment and Ink's
 * output stage squashes and styles one text node.
 */
import { createContext, useContext } from 'react';
import { Box, Text } from 'ink';
import chalk from 'chalk';
import type { Line, Seg } from './text.js';
import type { Style, Theme } from './theme.js';
import { colorTheme } from './theme.js';

export const ThemeContext = createContext<Theme>(colorTheme);

function useTheme(): Theme {
  return useContext(ThemeContext);
}

function styleOf(s: Seg, theme: Theme): Style {
  const base = theme.tones[s.tone ?? 'text'];
  return {
    ...base,
    ...(s.bold ? { bold: true } : {}),
    ...(s.inverse ? { inverse: true } : {}),
  };
}

/** A colour as Ink's <Text color> takes it; our themes name colours, anything else is left unstyled. */
function colour(text: string, name: string, where: 'fg' | 'bg'): string {
  const key = where === 'fg' ? name : `bg${name[0]!.toUpperCase()}${name.slice(1)}`;
  const fn = (chalk as unknown as Record<string, unknown>)[key];
  return typeof fn === 'function' ? (fn as (s: string) => string)(text) : text;
}

/** One segment styled as Ink's <Text> would: colour, background, bold, underline, inverse. */
function styled(text: string, st: Style): string {
  let out = text;
  if (st.color) out = colour(out, st.color, 'fg');
  if (st.backgroundColor) out = colour(out, st.backgroundColor, 'bg');
  if (st.bold) out = chalk.bold(out);
  if (st.underline) out = chalk.underline(out);
  if (st.inverse) out = chalk.inverse(out);
  return out;
}

/** The row as one styled string. */
export function composeLine(line: Line, theme: Theme): string {
  let out = '';
  for (const s of line) out += styled(s.text, styleOf(s, theme));
  return out;
}

function LineView({ line }: { line: Line }) {
  const theme = useTheme();
  if (line.length === 0) return <Text> </Text>;
  return <Text wrap="truncate-end">{composeLine(line, theme)}</Text>;
}

export function Lines({ lines, width }: { lines: readonly Line[]; width?: number }) {
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      {lines.map((l, i) => (
        <LineView key={i} line={l} />
      ))}
    </Box>
  );
}
