/** `opsdeck drill history`: the table of drills and, per instance, the trend of its RTO. */
import { oneLine } from '../text/sanitize.js';
import { rtoText } from '../checks/rules/drills.js';
import type { DrillSummary } from './history.js';

const BLOCKS = '▁▂▃▄▅▆▇█';

/** One block per value, 0 to the largest; the trend's shape, not its figures. */
export function rtoSparkline(values: readonly number[]): string {
  const max = Math.max(...values);
  if (!(max > 0)) return BLOCKS[0]!.repeat(values.length);
  return values.map((v) => BLOCKS[Math.min(BLOCKS.length - 1, Math.floor((v / max) * (BLOCKS.length - 1) + 0.5))]).join('');
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface RtoTrend {
  instance: string;
  /** the successful drills' RTOs, oldest first, seconds */
  rtoSeconds: number[];
  sparkline: string;
  last: number;
  previous: number | null;
  median: number;
  /** last − previous, seconds; null with one drill */
  changeVsPrevious: number | null;
  changeVsMedian: number;
}

export function rtoTrends(drills: readonly DrillSummary[]): RtoTrend[] {
  const instances = [...new Set(drills.map((d) => d.instance))].sort();
  return instances.flatMap((instance) => {
    const rtos = drills.filter((d) => d.instance === instance && d.rtoSeconds !== null).map((d) => d.rtoSeconds!);
    if (rtos.length === 0) return [];
    const last = rtos.at(-1)!;
    const previous = rtos.length > 1 ? rtos.at(-2)! : null;
    const med = median(rtos);
    return [{ instance, rtoSeconds: rtos, sparkline: rtoSparkline(rtos), last, previous, median: med, changeVsPrevious: previous === null ? null : last - previous, changeVsMedian: last - med }];
  });
}

const signed = (seconds: number) => `${seconds > 0 ? '+' : seconds < 0 ? '−' : '±'}${rtoText(Math.abs(seconds))}`;

export function trendLine(t: RtoTrend): string {
  const vsPrev = t.previous === null ? 'first successful drill' : `${signed(t.changeVsPrevious!)} vs the previous (${rtoText(t.previous)})`;
  return `${t.instance}  RTO ${t.sparkline}  last ${rtoText(t.last)}, ${vsPrev}, ${signed(t.changeVsMedian)} vs the median (${rtoText(t.median)}) of ${t.rtoSeconds.length}`;
}

export function historyTable(drills: readonly DrillSummary[]): string[] {
  const rows = drills.map((d) => [
    d.startedAt.slice(0, 16).replace('T', ' '),
    d.instance,
    d.snapshot ?? '—',
    d.outcome === 'ok' ? 'ok' : d.summary.result === 'failed' ? 'FAILED' : `FAILED (${d.summary.result})`,
    d.rtoSeconds === null ? '—' : rtoText(d.rtoSeconds),
    d.operator,
  ].map((c) => oneLine(c)));
  const head = ['DATE (UTC)', 'INSTANCE', 'SNAPSHOT', 'OUTCOME', 'RTO', 'WHO'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)];
}
