/** HTTP health probes: up, fast enough, and which version is deployed. */
import type { ProbeResult } from '../../src/model/health.js';
import type { Level, Tone } from '../theme.js';
import { GLYPH, toneOf } from '../theme.js';
import type { Column, Line } from '../text.js';
import { highlight, layoutColumns, matchesFilter, seg, tableHeader, tableRow, windowStart } from '../text.js';
import { age, duration } from '../format.js';
import type { PanelView } from './types.js';

/** The runbook's response-time thresholds: > 2 s warn, > 5 s crit. */
export function latencyTone(ms: number | null): Tone | undefined {
  if (ms === null) return undefined;
  return ms > 5_000 ? 'crit' : ms > 2_000 ? 'warn' : undefined;
}

export function probeLevel(p: ProbeResult): Level {
  if (!p.ok || p.problems.length > 0) return 'crit';
  if (latencyTone(p.latencyMs) === 'warn') return 'warn';
  return latencyTone(p.latencyMs) === 'crit' ? 'crit' : 'ok';
}

function filterProbes(probes: readonly ProbeResult[], filter: string): ProbeResult[] {
  return probes.filter((p) => matchesFilter(filter, p.name, p.url, ...Object.values(p.fields), ...p.problems));
}

const COLUMNS: Column[] = [
  { header: ' ', key: 'mark', width: 1 },
  { header: 'probe', width: 10 },
  { header: 'code', width: 4, align: 'right' },
  { header: 'latency', width: 7, align: 'right' },
  { header: 'version', width: 12, drop: 2 },
  { header: 'status', width: 10, drop: 1 },
  { header: 'checked', width: 7, align: 'right', drop: 0 },
  { header: 'problems', width: 12, flex: true },
];

const DETAIL_EXTRA: Column = { header: 'url', width: 30, drop: 3 };

function version(p: ProbeResult): string {
  return p.fields['version'] ?? p.fields['app_version'] ?? '-';
}

export const healthPanel: PanelView<'health'> = {
  id: 'health',
  count: (data, filter) => filterProbes(data.probes, filter).length,
  summary(data) {
    const line: Line = [];
    for (const p of data.probes) {
      const level = probeLevel(p);
      line.push(seg(`${GLYPH[level]} `, toneOf(level)), seg(`${p.name} `), seg(`${p.status ?? '-'} ${duration(p.latencyMs)}  `, level === 'ok' ? 'muted' : toneOf(level)));
    }
    return line;
  },
  body(data, ctx) {
    const probes = filterProbes(data.probes, ctx.filter);
    const base = ctx.detail ? [...COLUMNS.slice(0, 2), DETAIL_EXTRA, ...COLUMNS.slice(2)] : COLUMNS;
    const cols = layoutColumns(base, ctx.width);
    const out: Line[] = [tableHeader(cols)];
    if (probes.length === 0) {
      out.push([seg(ctx.filter ? `no probe matches /${ctx.filter}` : 'no probes configured', 'muted')]);
      return out;
    }
    const room = ctx.height - 1;
    const selected = Math.min(ctx.selected, probes.length - 1);
    const start = windowStart(probes.length, selected, room);
    probes.slice(start, start + room).forEach((p, i) => {
      const level = probeLevel(p);
      const row = tableRow(cols, {
        mark: { text: GLYPH[level], tone: toneOf(level) },
        probe: p.name,
        url: p.url,
        code: { text: p.status === null ? '-' : String(p.status), tone: p.ok ? undefined : 'crit' },
        latency: { text: duration(p.latencyMs), tone: latencyTone(p.latencyMs) },
        version: version(p),
        status: { text: p.fields['status'] ?? '-', tone: p.ok ? undefined : 'crit' },
        checked: `${age(ctx.now - p.checkedAt)} ago`,
        problems: { text: p.problems.join('; '), tone: 'crit' },
      });
      out.push(ctx.focused && start + i === selected ? highlight(row) : row);
    });
    return out.slice(0, ctx.height);
  },
};
