/**
 * The help overlay, generated from the key table in force: what is listed is
 * exactly what the keys do, and read-only mode's hidden bindings are absent.
 */
import type { KeyBinding, KeyScope } from '../src/dashboard/keys.js';
import type { PanelId } from '../src/model/panels.js';
import { PANEL_TITLES } from '../src/model/panels.js';
import type { Line } from './text.js';
import { seg } from './text.js';
import { GLYPH } from './theme.js';
import { frame } from './PanelFrame.js';

const SCOPE_NAMES: Record<KeyScope, string> = {
  global: 'Everywhere',
  dashboard: 'Dashboard',
  detail: 'Open panel',
  checklist: 'Checklist',
  help: 'Help',
  plan: 'Confirmation box',
  jobs: 'Failed jobs',
  runbooks: 'Runbooks',
  fleet: 'Fleet',
  approvals: 'Approvals',
};

/** Bindings grouped by the set of scopes (and panels) they work in, in table order. */
export function helpContent(bindings: readonly KeyBinding[], hidden: number): Line[] {
  const groups = new Map<string, KeyBinding[]>();
  for (const b of bindings) {
    const key = (b.scopes.includes('global') ? 'global' : b.scopes.join(',')) + (b.panels ? `@${b.panels.join(',')}` : '');
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  const labelWidth = Math.max(8, ...bindings.map((b) => b.label.length)) + 2;
  const out: Line[] = [];
  for (const [key, group] of groups) {
    const [scopes, panels] = key.split('@') as [string, string | undefined];
    const where = scopes.split(',').map((s) => SCOPE_NAMES[s as KeyScope]).join(' · ');
    const title = panels ? `${panels.split(',').map((p) => PANEL_TITLES[p as PanelId]).join(', ')} panel (${where.toLowerCase()})` : where;
    out.push([seg(title, 'accent', { bold: true })]);
    for (const b of group) {
      out.push([seg(`  ${b.label.padEnd(labelWidth)}`, 'focus'), seg(b.help), ...(b.dangerous ? [seg('  (changes things)', 'warn')] : [])]);
    }
  }
  out.push([seg('While typing  ', 'accent', { bold: true }), seg('enter keeps the filter, runs the command, starts the incident or records the note · esc clears or cancels', 'muted')]);
  if (bindings.some((b) => b.dangerous)) {
    out.push([seg('In an action  ', 'accent', { bold: true }), seg('type what it asks, enter · esc cancels until it runs · ctrl+c twice quits while it runs', 'muted')]);
  }
  if (hidden > 0) out.push([seg(`${GLYPH.warn} read-only: ${hidden} binding${hidden === 1 ? '' : 's'} that change things are hidden`, 'warn')]);
  return out;
}

/** How far the help can scroll in a box of `height` rows. */
export function helpMaxScroll(content: readonly Line[], height: number): number {
  return Math.max(0, content.length - Math.max(0, height - 2));
}

export function helpView(content: readonly Line[], width: number, height: number, scroll: number): Line[] {
  const max = helpMaxScroll(content, height);
  const top = Math.min(scroll, max);
  const title: Line = [seg(' Keys ', 'focus', { bold: true }), seg(' esc or ? closes ', 'muted')];
  if (max > 0) title.push(seg(top < max ? ' j ↓ more ' : ' k ↑ back ', 'accent'));
  return frame(title, content.slice(top), width, height, true);
}
