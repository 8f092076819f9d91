/** The checklist as text for a terminal, markdown for a ticket, JSON for machines. */
import type { Finding, Severity } from '../model/findings.js';
import { PANEL_IDS, PANEL_TITLES } from '../model/panels.js';
import { oneLine } from '../text/sanitize.js';
import type { CheckReport } from './run.js';

export type ReportFormat = 'text' | 'json' | 'markdown';

const MARK: Record<Severity, string> = { ok: '✓', warn: '⚠', crit: '✗', unknown: '?' };
const WORD: Record<Severity, string> = { ok: 'OK', warn: 'WARN', crit: 'CRIT', unknown: 'UNKNOWN' };

export interface Paint {
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

function grouped(findings: Finding[]): [string, Finding[]][] {
  return PANEL_IDS.map((id) => [PANEL_TITLES[id], findings.filter((f) => f.area === id)] as [string, Finding[]]).filter(([, fs]) => fs.length > 0);
}

function headline(r: CheckReport): string {
  const parts = (['crit', 'warn', 'unknown', 'ok'] as Severity[]).filter((s) => r.summary[s] > 0).map((s) => `${r.summary[s]} ${WORD[s].toLowerCase()}`);
  return `${WORD[r.status]}: ${parts.join(', ') || 'no checks ran'}`;
}

export function formatText(r: CheckReport, paint: Paint = NO_PAINT): string {
  const lines = [paint.bold(`opsdeck check · ${r.environment} · ${r.checkedAt}`), ''];
  for (const [title, fs] of grouped(r.findings)) {
    lines.push(paint.bold(title));
    for (const f of fs) {
      const mark = paint[f.severity](MARK[f.severity]);
      const figure = f.figure ? paint.muted(` (${oneLine(f.figure)})`) : '';
      lines.push(`  ${mark} ${oneLine(f.subject)}: ${oneLine(f.message)}${figure}`);
      if (f.suggested) lines.push(`      → ${oneLine(f.suggested.label)}`);
    }
    lines.push('');
  }
  lines.push(paint[r.status](headline(r)));
  return lines.join('\n') + '\n';
}

const md = (s: string) => oneLine(s).replace(/([\\`*_|[\]<>])/g, '\\$1');

export function formatMarkdown(r: CheckReport): string {
  const lines = [`## opsdeck check: ${md(r.environment)} — ${WORD[r.status]}`, '', `Checked at ${r.checkedAt}. ${headline(r)}.`, ''];
  for (const [title, fs] of grouped(r.findings)) {
    lines.push(`### ${title}`, '');
    for (const f of fs) {
      const figure = f.figure ? ` (${md(f.figure)})` : '';
      const action = f.suggested ? ` → ${md(f.suggested.label)}` : '';
      lines.push(`- ${MARK[f.severity]} **${md(f.subject)}**: ${md(f.message)}${figure}${action}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function formatJson(r: CheckReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

export function formatReport(r: CheckReport, format: ReportFormat, paint: Paint = NO_PAINT): string {
  return format === 'json' ? formatJson(r) : format === 'markdown' ? formatMarkdown(r) : formatText(r, paint);
}
