/**
 * The rows around the panels: the header (where am I, as whom, how fresh),
 * the key-hint bar, the text being typed and the message line. Pure line
 * builders; the hints and help come from the key registry, never a copy.
 */
import type { EnvironmentInfo } from '../src/model/environment.js';
import type { PanelId, PanelSnapshots } from '../src/model/panels.js';
import { PANEL_IDS } from '../src/model/panels.js';
import type { KeyBinding, KeyScope } from '../src/dashboard/keys.js';
import { hintsFor } from '../src/dashboard/keys.js';
import type { Line } from './text.js';
import { fitLine, lineWidth, seg } from './text.js';
import { age, shortIdentity } from './format.js';
import { GLYPH } from './theme.js';
import type { Entry } from './state.js';
import type { PresenceSummary } from '../src/dashboard/ports.js';

/** The newest successful refresh over all panels. */
function lastRefresh(snaps: PanelSnapshots): number | undefined {
  let newest: number | undefined;
  for (const id of PANEL_IDS) {
    const t = snaps[id].updatedAt;
    if (t !== undefined && (newest === undefined || t > newest)) newest = t;
  }
  return newest;
}

interface HeaderExtras {
  /** rows under the first: the incident clock, the critical findings (see incidentLine.ts, checklist.ts) */
  rows?: readonly (Line | undefined)[];
  /** an environment being opened by `:env` */
  switching?: string;
  /** the team store's trouble, e.g. "team store unreachable: recording locally (2 unsent)" */
  team?: string;
}

/**
 * The first row (where, fresh or not), the extra rows, then who/where: on
 * the first row when it fits, else last, where it is the first to go on a
 * short terminal (the dashboard drops rows from the end).
 */
export function headerLines(env: EnvironmentInfo, snaps: PanelSnapshots, now: number, width: number, extras: HeaderExtras = {}): Line[] {
  const rows = (extras.rows ?? []).filter((r): r is Line => r !== undefined);
  const first: Line = [
    env.protected ? seg(` ⚠ ${env.name.toUpperCase()} `, 'badgeProtected') : seg(` ${env.name.toUpperCase()} `, 'badge'),
  ];
  if (env.readOnly) first.push(seg(' '), seg(' READ-ONLY ', 'readOnly'));
  if (env.scenario) first.push(seg('  scenario ', 'muted'), seg(env.scenario, 'accent'));
  const last = lastRefresh(snaps);
  // A poll that finds nothing new keeps its snapshot (and its updatedAt), so an age here would grow on a
  // healthy, quiet environment; the store marks a panel stale when its polls stop confirming it, so
  // "live" is exact while every panel with data is fresh.
  const live = last !== undefined && PANEL_IDS.every((id) => snaps[id].status === 'ok' || snaps[id].status === 'loading');
  first.push(seg('  '), last === undefined ? seg('waiting for data…', 'muted') : live ? seg('live', 'muted') : seg(`updated ${age(now - last)} ago`, 'muted'));
  const failing = PANEL_IDS.filter((id) => snaps[id].status === 'error').length;
  const stale = PANEL_IDS.filter((id) => snaps[id].status === 'stale').length;
  if (failing > 0) first.push(seg(`  ${GLYPH.crit} ${failing} failing`, 'crit'));
  if (stale > 0) first.push(seg(`  ${GLYPH.warn} ${stale} stale`, 'warn'));
  if (extras.switching) first.push(seg(`  ⟳ opening ${extras.switching}…`, 'accent'));
  if (extras.team) first.push(seg(`  ${GLYPH.warn} ${extras.team}`, 'warn'));

  const who: Line = [seg('account ', 'muted'), seg(env.account), seg('  region ', 'muted'), seg(env.region), seg('  as ', 'muted'), seg(shortIdentity(env.identity))];
  if (lineWidth(first) + 2 + lineWidth(who) <= width) return [fitLine([...first, seg('  '), ...who], width), ...rows];
  return [fitLine(first, width), ...rows, fitLine(who, width)];
}


/**
 * The hints of a scope in table order. When they do not all fit, the general
 * ones give way from the end: quit, help, the next-problem key and the
 * active panel's own keys (its actions) stay. The next-problem key shows
 * only while a check finds something wrong (`problems`).
 */
export function hintLine(scope: KeyScope, bindings: readonly KeyBinding[], width: number, panel?: PanelId, opts: { problems?: number } = {}): Line {
  const all = hintsFor(scope, bindings, panel).filter((b) => b.command !== 'next-problem' || (opts.problems ?? 0) > 0);
  const kept = new Set(all);
  const need = () => [...kept].reduce((n, b, i) => n + (i > 0 ? 2 : 0) + lineWidth([seg(`${b.label} ${b.hint}`)]), 0);
  const droppable = all.filter((b) => !b.scopes.includes('global') && b.panels === undefined && b.command !== 'next-problem');
  while (need() > width && droppable.length > 0) kept.delete(droppable.pop()!);
  const line: Line = [];
  for (const b of all.filter((x) => kept.has(x))) {
    if (line.length > 0) line.push(seg('  '));
    line.push(seg(b.label, b.command === 'next-problem' ? 'warn' : 'accent', { bold: b.command === 'next-problem' }), seg(` ${b.hint}`, 'muted'));
  }
  return fitLine(line, width);
}

const PROMPTS: Record<Entry['kind'], { prompt: string; help: string }> = {
  filter: { prompt: '/', help: 'enter keep · esc clear' },
  command: { prompt: ':', help: 'enter run · esc cancel' },
  'incident-title': { prompt: 'incident title: ', help: 'enter starts it · esc cancels' },
  note: { prompt: 'note: ', help: 'enter records it on the timeline · esc cancels' },
  'end-incident': { prompt: '', help: '' },
};

/**
 * The row being typed in. `question` is the y/N of ending an incident;
 * `placeholder` what Enter on an empty incident title uses.
 */
export function entryLine(entry: Entry, width: number, opts: { question?: string; placeholder?: string } = {}): Line {
  if (entry.kind === 'end-incident') {
    // the keys first: the incident's title is what a narrow terminal cuts
    return fitLine([seg('end the incident and write its review? ', 'warn', { bold: true }), seg('[y] yes'), seg('  '), seg('[N] no', 'focus', { inverse: true, bold: true }), seg(`  ${opts.question ?? ''}`, 'muted')], width);
  }
  const { prompt, help } = PROMPTS[entry.kind];
  const line: Line = [seg(prompt, 'accent', { bold: true }), seg(entry.text), seg(' ', 'text', { inverse: true })];
  // the placeholder is the incident title's (what Enter alone starts): no other prompt shows it
  if (entry.kind === 'incident-title' && entry.text === '' && opts.placeholder) line.push(seg(` ${opts.placeholder}`, 'muted'));
  line.push(seg(`   ${help}`, 'muted'));
  return fitLine(line, width);
}


/**
 * Team mode's row: who else has this environment open, who holds a lock and
 * how many approvals wait, e.g.
 *   also here: alice@host2, bob · lock: alice@host2 on demo/api · 1 approval pending
 * The locks and approvals are what an operator must not miss: when the row is
 * too wide, the names give way first ("alice@host2 +2 more"), then the cut.
 */
export function presenceLine(p: PresenceSummary | undefined, width: number): Line | undefined {
  if (!p || (p.others.length === 0 && p.locks.length === 0 && !p.approvals)) return undefined;
  const tail: Line = [];
  if (p.locks.length > 0) {
    const first = p.locks[0]!;
    tail.push(seg(' · ', 'muted'), seg(`lock: ${first.holder} on ${first.target}${p.locks.length > 1 ? ` +${p.locks.length - 1} more` : ''}`, 'warn'));
  }
  if (p.approvals) tail.push(seg(' · ', 'muted'), seg(`${p.approvals} approval${p.approvals === 1 ? '' : 's'} pending`, 'warn', { bold: true }));
  const names = (n: number): Line => {
    if (p.others.length === 0) return [seg('nobody else here', 'muted')];
    const shown = p.others.slice(0, n).join(', ');
    const more = p.others.length - n;
    return [seg('also here: ', 'muted'), seg(n === 0 ? `${p.others.length} operator${p.others.length === 1 ? '' : 's'}` : `${shown}${more > 0 ? ` +${more} more` : ''}`, 'accent')];
  };
  for (let n = p.others.length; n >= 0; n--) {
    const line = [seg(' '), ...names(n), ...tail];
    if (lineWidth(line) <= width || n === 0) return fitLine(line, width);
  }
  return undefined;
}
