/**
 * Draws `Line`s with the theme from context. Lines arrive already fitted to
 * their width (see text.ts), so `truncate-end` here is only a safety net.
 */
import { createContext, useContext } from 'react';
import { Box, Text } from 'ink';
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

function LineView({ line }: { line: Line }) {
  const theme = useTheme();
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => {
        const st = styleOf(s, theme);
        return (
          <Text key={i} color={st.color} backgroundColor={st.backgroundColor} bold={st.bold} underline={st.underline} inverse={st.inverse}>
            {s.text}
          </Text>
        );
      })}
    </Text>
  );
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
