/**
 * "A few lines around each match", like grep -C: overlapping or touching
 * windows merge, and a gap row stands for the lines left out between them.
 */

type ContextRow<T> =
  | { kind: 'line'; index: number; line: T; match: boolean }
  | { kind: 'gap'; /** lines left out here */ skipped: number };

/**
 * The matched lines with `n` lines of context before and after each.
 * Indexes outside `lines` are ignored; the order of `matchIndexes` does not matter.
 */
export function withContext<T>(lines: readonly T[], matchIndexes: readonly number[], n: number): ContextRow<T>[] {
  const around = Math.max(0, Math.floor(n));
  const matches = [...new Set(matchIndexes)].filter((i) => Number.isInteger(i) && i >= 0 && i < lines.length).sort((a, b) => a - b);
  const rows: ContextRow<T>[] = [];
  const matched = new Set(matches);
  // end of the last emitted window (exclusive)
  let shownTo = -1;
  for (const m of matches) {
    const from = Math.max(0, m - around);
    const to = Math.min(lines.length, m + around + 1);
    if (shownTo >= 0 && from > shownTo) rows.push({ kind: 'gap', skipped: from - shownTo });
    for (let i = Math.max(from, shownTo); i < to; i++) rows.push({ kind: 'line', index: i, line: lines[i] as T, match: matched.has(i) });
    shownTo = Math.max(shownTo, to);
  }
  return rows;
}
