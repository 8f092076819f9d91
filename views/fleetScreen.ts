/**
 * The `:fleet` screen: one block per environment of the config, its worst
 * verdict and counts on the first line, then its first problems (or the one
 * line saying why it could not be checked). It draws what the fleet feed
 * (src/dashboard/fleet.ts) holds; the checks run there, in the background.
 */
import type { FleetRow, FleetView } from '../src/dashboard/ports.js';
import type { Severity } from '../src/model/findings.js';
import type { Line } from './text.js';
import { fitLine, highlight, seg } from './text.js';
import { GLYPH } from './theme.js';
import { age, shortIdentity } from './format.js';

const WORD: Record<Severity, string> = { ok: 'OK', warn: 'WARN', crit: 'CRIT', unknown: 'UNKNOWN' };
const ORDER: Severity[] = ['crit', 'unknown', 'warn', 'ok'];

function counts(r: FleetRow): string {
  return ORDER.filter((s) => r.counts[s] > 0).map((s) => `${r.counts[s]} ${s}`).join(', ');
}

function block(r: FleetRow, nameWidth: number, width: number, selected: boolean): Line[] {
  const tone = r.pending ? 'muted' : r.status;
  const mark = r.pending ? '…' : GLYPH[r.status];
  const verdict = r.pending ? 'checking' : WORD[r.status];
  const who = r.identity ? `  ${shortIdentity(r.identity)}` : '';
  const head = fitLine([seg(` ${mark} `, tone, { bold: true }), seg(r.environment.padEnd(nameWidth), 'text', { bold: true }), seg(` ${verdict.padEnd(8)}`, tone), seg(counts(r), 'text'), seg(who, 'muted')], width);
  const lines = [selected ? highlight(head) : head];
  if (r.error) lines.push(fitLine([seg(`     ${GLYPH.unknown} `, 'unknown'), seg(r.error, 'text')], width));
  for (const p of r.top) lines.push(fitLine([seg(`     ${GLYPH[p.severity]} `, p.severity), seg(`${p.subject}  `, 'text'), seg(p.message, 'muted')], width));
  return lines;
}

export function fleetScreen(view: FleetView, selected: number, opts: { now: number; width: number; height: number }): Line[] {
  const checked = view.checkedAt === undefined ? 'first check under way' : `checked ${age(opts.now - view.checkedAt)} ago${view.running ? ', checking again' : ''}`;
  const title = fitLine([seg(' Fleet', 'accent', { bold: true }), seg(` · ${view.rows.length} environment${view.rows.length === 1 ? '' : 's'} · ${checked}`, 'muted')], opts.width);
  const hint = fitLine([seg(' enter opens the environment · r checks again · esc back', 'muted')], opts.width);
  const nameWidth = Math.min(20, Math.max(8, ...view.rows.map((r) => r.environment.length)));
  const blocks = view.rows.map((r, i) => block(r, nameWidth, opts.width, i === selected));
  // the selected environment's block stays in sight: earlier blocks give way first
  const room = Math.max(1, opts.height - 3);
  let first = 0;
  const heightFrom = (from: number, to: number) => blocks.slice(from, to + 1).reduce((n, b) => n + b.length, 0);
  while (first < selected && heightFrom(first, selected) > room) first++;
  const body = blocks.slice(first).flat().slice(0, room);
  return [title, fitLine([], opts.width), ...body, ...Array.from({ length: Math.max(0, room - body.length) }, () => fitLine([], opts.width)), hint];
}
