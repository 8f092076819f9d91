// Problems first, as pure functions: the checklist's order and fold, the next-problem walk, where a finding's row
// is, the view state's auto-focus, the hint bar, the prompts' placeholder, and the selected row's mark.
import { describe, expect, test } from 'vitest';
import type { TrackedFinding } from '../../src/dashboard/ports.js';
import type { Finding, Severity } from '../../src/model/findings.js';
import type { PanelId } from '../../src/model/panels.js';
import { evaluateChecks } from '../../src/checks/evaluate.js';
import { findingKey } from '../../src/dashboard/panelFacts.js';
import { activeBindings, KEY_BINDINGS, resolveKey } from '../../src/keys/registry.js';
import { checklistItems, checklistRows, checklistView, OK_FOLD_KEY, rowKey, selectedIndex } from '../../views/checklist.js';
import { nextProblem, placeOf, problemOrder, rowOf } from '../../views/problems.js';
import { initialViewState, viewReducer } from '../../views/state.js';
import { entryLine, hintLine } from '../../views/chrome.js';
import { frame } from '../../views/PanelFrame.js';
import { highlight, seg, type Line } from '../../views/text.js';
import { allData, ecs, T0 } from './fixtures.js';
import { probeAspectRef } from '../../src/model/health.js';
import { PANEL_IDS, type PanelSnapshots } from '../../src/model/panels.js';

const text = (l: Line) => l.map((s) => s.text).join('');

function tracked(severity: Severity, area: PanelId, name: string, since = T0, checkId = `${area}.check`): TrackedFinding {
  const finding: Finding = { checkId, severity, subject: `demo/${name}`, ref: { kind: 'panel', name }, area, message: `${name} is ${severity}` };
  return { finding, since };
}

describe('the checklist order and fold', () => {
  const findings = [
    tracked('ok', 'ecs', 'a'),
    tracked('warn', 'ecs', 'b'),
    tracked('crit', 'health', 'c'),
    tracked('unknown', 'queues', 'd'),
    tracked('ok', 'rds', 'e'),
    tracked('crit', 'ecs', 'f', T0 + 5),
    tracked('crit', 'ecs', 'g', T0 - 5),
    tracked('warn', 'rds', 'h'),
  ];

  test('critical, unknown, warning, ok; then panel order, then the oldest', () => {
    expect(checklistItems(findings).map((t) => t.finding.subject.slice(5))).toEqual(['g', 'f', 'c', 'd', 'b', 'h', 'a', 'e']);
  });

  test('the ok rows fold into one line after the problems, and follow it when it is open', () => {
    const items = checklistItems(findings);
    const folded = checklistRows(items, false);
    expect(folded.map((r) => (r.kind === 'fold' ? `fold ${r.count}` : r.item.finding.subject.slice(5)))).toEqual(['g', 'f', 'c', 'd', 'b', 'h', 'fold 2']);
    const open = checklistRows(items, true);
    expect(open.map((r) => (r.kind === 'fold' ? 'fold' : r.item.finding.subject.slice(5)))).toEqual(['g', 'f', 'c', 'd', 'b', 'h', 'fold', 'a', 'e']);
    expect(selectedIndex(open, OK_FOLD_KEY)).toBe(6);
    // a hidden ok row is not selected: the first row is
    expect(selectedIndex(folded, rowKey(open[7]!))).toBe(0);
    // nothing to fold: no fold line
    expect(checklistRows(checklistItems(findings.filter((t) => t.finding.severity !== 'ok')), false).some((r) => r.kind === 'fold')).toBe(false);
  });

  test('the screen draws the fold as one line, the selection marked › in the margin', () => {
    const draw = (selectedKey: string | null, okOpen: boolean) =>
      checklistView({ findings, selectedKey, width: 80, height: 24, now: T0, env: 'demo', canFix: false, evaluatedAt: T0, okOpen }).map(text);
    const folded = draw(null, false);
    expect(folded[1]).toMatch(/^║›✗ ECS +demo\/g/);
    expect(folded.filter((l) => l.includes('✓ ECS'))).toEqual([]);
    expect(folded.some((l) => /^║ ✓ 2 ok +enter or space shows them/.test(l))).toBe(true);
    const open = draw(OK_FOLD_KEY, true);
    expect(open.some((l) => /^║›✓ 2 ok +space folds them/.test(l))).toBe(true);
    expect(open.some((l) => /^║ ✓ ECS +demo\/a/.test(l))).toBe(true);
  });
});

describe('the next-problem key', () => {
  test('visits every problem worst first and wraps; starts again at the first when the last one visited is gone', () => {
    const problems = problemOrder([tracked('warn', 'rds', 'w'), tracked('ok', 'ecs', 'o'), tracked('crit', 'postgres', 'c'), tracked('unknown', 'health', 'u')]);
    const seen: string[] = [];
    let key: string | null = null;
    for (let i = 0; i < 4; i++) {
      const next = nextProblem(problems, key)!;
      seen.push(next.item.finding.subject.slice(5));
      key = findingKey(next.item.finding);
    }
    expect(seen).toEqual(['c', 'u', 'w', 'c']);
    expect(nextProblem(problems, 'gone')!.index).toBe(0);
    expect(nextProblem([], null)).toBeUndefined();
  });

  test("a finding's row is its subject's among the panel's rows; a filter that hides it is cleared", () => {
    const [, worker] = ecs.services;
    const ref = { kind: 'ecs-service' as const, name: worker!.name, cluster: worker!.cluster };
    expect(rowOf('ecs', ecs, '', ref)).toBe(1);
    expect(rowOf('ecs', ecs, 'sched', ref)).toBeUndefined();
    expect(rowOf('logs', allData.logs, '', { kind: 'logs', name: 'logs' })).toBeUndefined();
    // a probe's aspect (its certificate, a measured field) is on the probe's row, not left where the selection was
    const tls = { subject: 'conflicto.app', altNames: [], issuer: 'R3', validTo: T0, warnDays: 14, critDays: 3 };
    const certified = { probes: allData.health.probes.map((p, i) => (i === 2 ? { ...p, tls } : p)) };
    expect(rowOf('health', certified, '', probeAspectRef(certified.probes[2]!, 'tls'))).toBe(2);
    expect(rowOf('health', certified, '', probeAspectRef(certified.probes[1]!, 'tls'))).toBeUndefined();
    const snaps = Object.fromEntries(PANEL_IDS.map((id) => [id, { status: 'ok', data: allData[id], intervalMs: 1 }])) as unknown as PanelSnapshots;
    const f: TrackedFinding = { finding: { checkId: 'ecs.x', severity: 'crit', subject: 'prod/worker', ref, area: 'ecs', message: 'm' }, since: T0 };
    expect(placeOf(f, snaps, { ecs: 'sched' })).toEqual({ id: 'ecs', row: 1, clearFilter: true });
    expect(placeOf(f, snaps, {})).toEqual({ id: 'ecs', row: 1, clearFilter: false });
    // every finding the checks make of the fixtures lands on its panel, with a row where the panel lists its subject
    const all = evaluateChecks(allData, {}, { env: 'prod', now: T0 }).map((finding) => ({ finding, since: T0 }));
    for (const t of problemOrder(all)) {
      const place = placeOf(t, snaps, {});
      expect(place.id).toBe(t.finding.area);
      if (['ecs-service', 'queue', 'probe'].includes(t.finding.ref.kind)) expect(place.row, t.finding.subject).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('the view state', () => {
  test('the dashboard focuses the worst panel until the operator moves; a new environment gives it back', () => {
    let s = viewReducer(initialViewState, { type: 'autoFocus', id: 'postgres', row: 0 });
    expect(s.focus).toBe('postgres');
    expect(s.moved).toBe(false);
    s = viewReducer(s, { type: 'focus', id: 'rds' });
    expect(s.moved).toBe(true);
    expect(viewReducer(s, { type: 'autoFocus', id: 'queues' }).focus).toBe('rds');
    s = viewReducer(s, { type: 'environmentSwitched' });
    expect(viewReducer(s, { type: 'autoFocus', id: 'queues' }).focus).toBe('queues');
    // j counts as moving: the row the operator chose stays
    expect(viewReducer(viewReducer(initialViewState, { type: 'select', delta: 1, count: 3 }), { type: 'autoFocus', id: 'health' }).focus).toBe('ecs');
  });

  test('a visit focuses the panel (the open one follows), selects the row, clears a filter that hides it', () => {
    const s = viewReducer({ ...initialViewState, detail: 'ecs', filters: { rds: 'x', ecs: 'y' } }, { type: 'visitProblem', key: 'k', id: 'rds', row: 2, clearFilter: true });
    expect(s).toMatchObject({ focus: 'rds', detail: 'rds', filters: { ecs: 'y' }, selection: { rds: 2 }, problemKey: 'k', moved: true });
  });
});

describe('keys and chrome', () => {
  test('every key means one thing in a scope; Enter in the checklist falls back to the fold only where the fix is gone', () => {
    for (const scope of ['dashboard', 'detail', 'checklist', 'help'] as const) {
      for (const panel of PANEL_IDS) {
        const seen = new Map<string, string>();
        for (const b of KEY_BINDINGS.filter((x) => (x.scopes.includes(scope) || x.scopes.includes('global')) && (!x.panels || x.panels.includes(panel)))) {
          for (const k of b.keys) {
            const id = JSON.stringify(k);
            const other = seen.get(id);
            if (other) expect(`${other}+${b.command}`, `${id} in ${scope} on ${panel}`).toBe('checklist-fix+checklist-fold');
            seen.set(id, b.command);
          }
        }
      }
    }
    expect(resolveKey({ input: '', return: true }, 'checklist', activeBindings({ readOnly: false }))?.command).toBe('checklist-fix');
    expect(resolveKey({ input: '', return: true }, 'checklist', activeBindings({ readOnly: true }))?.command).toBe('checklist-fold');
    expect(resolveKey({ input: 'n' }, 'dashboard', KEY_BINDINGS, 'rds')?.command).toBe('incident-note');
    expect(resolveKey({ input: 'c' }, 'detail', KEY_BINDINGS, 'logs')?.command).toBe('checklist');
  });

  test('! is in the hint bar while something is wrong, and stays at 80 columns', () => {
    expect(text(hintLine('dashboard', KEY_BINDINGS, 80, 'ecs', { problems: 2 }))).toContain('! next problem');
    expect(text(hintLine('dashboard', KEY_BINDINGS, 80, 'ecs', { problems: 0 }))).not.toContain('!');
    expect(text(hintLine('detail', KEY_BINDINGS, 80, 'logs', { problems: 1 }))).toMatch(/! next problem.*C context/);
  });

  test('only the incident title shows the placeholder', () => {
    const opts = { placeholder: 'Incident in demo' };
    expect(text(entryLine({ kind: 'incident-title', text: '' }, 80, opts))).toContain('Incident in demo');
    for (const kind of ['command', 'filter', 'note'] as const) expect(text(entryLine({ kind, text: '' }, 80, opts))).not.toContain('Incident in demo');
  });

  test('the selected row is › in the frame margin, bold and reverse: it shows without colour', () => {
    const rows: Line[] = [[seg('✓ a')], highlight([seg('✓ b'), seg(' snap')]), [seg('✓ c')]];
    const drawn = frame([seg(' t ')], rows, 20, 5, false);
    expect(drawn.map(text).slice(1, 4)).toEqual(['│ ✓ a              │', '│›✓ b snap         │', '│ ✓ c              │']);
    expect(drawn[2]!.filter((s) => s.text.includes('b'))[0]).toMatchObject({ bold: true, inverse: true });
  });
});

describe('the next-problem order within one severity', () => {
  test('the panel with the most findings of the worst severity comes first, whatever the panel order', () => {
    const findings = [tracked('crit', 'rds', 'cpu'), tracked('crit', 'postgres', 'conns'), tracked('crit', 'postgres', 'blocked'), tracked('warn', 'ecs', 'w')];
    expect(problemOrder(findings).map((t) => `${t.finding.area}/${t.finding.subject.slice(5)}`)).toEqual(['postgres/blocked', 'postgres/conns', 'rds/cpu', 'ecs/w']);
    // one each: panel order, as the checklist
    expect(problemOrder([tracked('crit', 'postgres', 'p'), tracked('crit', 'rds', 'r')]).map((t) => t.finding.area)).toEqual(['rds', 'postgres']);
  });
});
