/** The checklist as text for a terminal, markdown for a chat or a ticket, JSON for machines. */
import { SEVERITY_GLYPH, type Finding, type Severity } from '../model/findings.js';
import { PANEL_IDS, PANEL_TITLES, type PanelId } from '../model/panels.js';
import { escapeJsonText, oneLine } from '../text/sanitize.js';
import { redact } from '../text/redact.js';
import type { CheckReport, WindowBasis } from './run.js';
import { utc } from './types.js';

export { utc };

export type ReportFormat = 'text' | 'json' | 'markdown';

/** the dashboard's glyphs: a mark means the same in a report and on screen */
const MARK = SEVERITY_GLYPH;
const WORD: Record<Severity, string> = { ok: 'OK', warn: 'WARN', crit: 'CRIT', unknown: 'UNKNOWN' };
const COUNTED: Record<Severity, [string, string]> = { crit: ['critical', 'critical'], unknown: ['unknown', 'unknown'], warn: ['warning', 'warnings'], ok: ['ok', 'ok'] };
/** problems first, the worst first; unknown before warn as in the exit code */
const ORDER: Severity[] = ['crit', 'unknown', 'warn', 'ok'];

interface Paint {
  ok(s: string): string;
  warn(s: string): string;
  crit(s: string): string;
  unknown(s: string): string;
  muted(s: string): string;
  bold(s: string): string;
}

const plain = (s: string) => s;
export const NO_PAINT: Paint = { ok: plain, warn: plain, crit: plain, unknown: plain, muted: plain, bold: plain };
export const ANSI_PAINT: Paint = {
  ok: (s) => `\x1b[32m${s}\x1b[39m`,
  warn: (s) => `\x1b[33m${s}\x1b[39m`,
  crit: (s) => `\x1b[31m${s}\x1b[39m`,
  unknown: (s) => `\x1b[35m${s}\x1b[39m`,
  muted: (s) => `\x1b[2m${s}\x1b[22m`,
  bold: (s) => `\x1b[1m${s}\x1b[22m`,
};

const BASIS: Record<WindowBasis, string> = { flag: '--since', 'last-run': 'since the last checklist run', 'first-run': 'first run: the last 24 h', default: 'default' };

function bySeverity(findings: readonly Finding[]): Finding[] {
  return ORDER.flatMap((s) => findings.filter((f) => f.severity === s));
}

/** Areas in panel order, each with its findings problems first. */
function grouped(findings: readonly Finding[]): [PanelId, Finding[]][] {
  return PANEL_IDS.map((id) => [id, bySeverity(findings.filter((f) => f.area === id))] as [PanelId, Finding[]]).filter(([, fs]) => fs.length > 0);
}

function counts(r: CheckReport): string {
  const parts = ORDER.filter((s) => r.summary[s] > 0).map((s) => `${r.summary[s]} ${COUNTED[s][r.summary[s] === 1 ? 0 : 1]}`);
  return parts.join(', ') || 'no checks ran';
}

function headline(r: CheckReport): string {
  return `${WORD[r.status]}: ${counts(r)}`;
}

const windowLine = (r: CheckReport) => `errors and failed tasks since ${utc(r.window.from)} (${BASIS[r.window.basis]})`;

export function formatText(r: CheckReport, paint: Paint = NO_PAINT): string {
  const lines = [paint.bold(`opsdeck check · ${oneLine(r.environment)} · ${utc(r.checkedAt)}`), paint.muted(windowLine(r)), ''];
  for (const [area, fs] of grouped(r.findings)) {
    lines.push(paint.bold(PANEL_TITLES[area]));
    const width = Math.min(32, Math.max(...fs.map((f) => oneLine(f.subject).length)));
    for (const f of fs) {
      const mark = paint[f.severity](MARK[f.severity]);
      const figure = f.figure ? paint.muted(` (${oneLine(f.figure)})`) : '';
      lines.push(`  ${mark} ${oneLine(f.subject).padEnd(width)}  ${oneLine(f.message)}${figure}`);
      if (f.suggested) lines.push(`    ${' '.repeat(width)}  → ${oneLine(f.suggested.label)}`);
    }
    lines.push('');
  }
  for (const n of r.notes) lines.push(paint.muted(`note: ${oneLine(n)}`));
  if (r.notes.length) lines.push('');
  lines.push(paint[r.status](headline(r)));
  return lines.join('\n') + '\n';
}

const md = (s: string) => oneLine(s).replace(/([\\`*_|[\]<>#])/g, '\\$1');

/**
 * For a chat or a ticket: the verdict in the title, one summary line, a
 * section per area with its problems and the rest folded into one line.
 */
export function formatMarkdown(r: CheckReport): string {
  const lines = [`## opsdeck check: ${md(r.environment)} — ${WORD[r.status]}`, '', `**${counts(r)}** · checked ${utc(r.checkedAt)} · ${windowLine(r)}`, ''];
  const areas = grouped(r.findings);
  // areas with problems first: they are what the reader came for
  const sorted = [...areas.filter(([, fs]) => fs.some((f) => f.severity !== 'ok')), ...areas.filter(([, fs]) => fs.every((f) => f.severity === 'ok'))];
  for (const [area, fs] of sorted) {
    lines.push(`### ${PANEL_TITLES[area]}`, '');
    for (const f of fs.filter((x) => x.severity !== 'ok')) {
      const figure = f.figure ? ` (${md(f.figure)})` : '';
      const action = f.suggested ? ` → ${md(f.suggested.label)}` : '';
      lines.push(`- ${MARK[f.severity]} **${md(f.subject)}**: ${md(f.message)}${figure}${action}`);
    }
    const ok = fs.filter((x) => x.severity === 'ok').length;
    if (ok > 0) lines.push(`- ${MARK.ok} ${ok} check${ok === 1 ? '' : 's'} ok`);
    lines.push('');
  }
  for (const n of r.notes) lines.push(`> note: ${md(n)}`, '');
  return lines.join('\n');
}

export function formatJson(r: CheckReport): string {
  // outside text stays as it came (machines read this), but escaped and with its secrets masked
  return escapeJsonText(redact(JSON.stringify(r, null, 2))) + '\n';
}

export function formatReport(r: CheckReport, format: ReportFormat, paint: Paint = NO_PAINT): string {
  return format === 'json' ? formatJson(r) : format === 'markdown' ? formatMarkdown(r) : formatText(r, paint);
}
