/**
 * Drill copies on the RDS panel: drawn as rows with their age, and marked by
 * the drill-age check's verdict (the environment's threshold, in the checks
 * engine), so changing the threshold changes the row without a view change.
 */
import { describe, expect, test } from 'vitest';
import type { PanelData } from '../../src/model/panels.js';
import type { DbInstance } from '../../src/model/rds.js';
import { panelBody, panelSummary } from '../../views/panels/index.js';
import type { Line, Seg } from '../../views/text.js';
import { rds, T0 } from './fixtures.js';
import { judged } from './judged.js';

const H = 3_600_000;
const text = (l: Line) => l.map((s) => s.text).join('');
const copy = (id: string, ageH: number): DbInstance => ({
  ...rds.instances[0]!,
  id,
  tags: { 'opsdeck:drill': id, 'opsdeck:restored-from': 'rds:conflicto-prod-2025-03-14-03-10' },
  createdAt: T0 - ageH * H,
});
const data: PanelData['rds'] = { ...rds, restored: [copy('conflicto-prod-drill-20250314031000', 0.5), copy('conflicto-prod-drill-20250313031000', 26)] };

function rowOf(lines: Line[], id: string): Line {
  const row = lines.find((l) => text(l).includes(id));
  if (!row) throw new Error(`no row for ${id}:\n${lines.map(text).join('\n')}`);
  return row;
}
const cell = (row: Line, t: string): Seg | undefined => row.find((s) => s.text.trim() === t);

describe('drill copies on the RDS panel', () => {
  test('each is a row with its age; the one the check judged too old carries its critical mark and tone', () => {
    const verdicts = judged({ rds: data }, T0);
    expect(verdicts.of({ kind: 'db-instance', name: 'conflicto-prod-drill-20250313031000' }, ['rds.drill-instance-age'])).toBe('crit');
    const lines = panelBody('rds', data, { width: 120, height: 20, now: T0, selected: 0, focused: false, detail: false, filter: '', verdicts });
    const young = rowOf(lines, 'conflicto-prod-drill-20250314031000');
    const old = rowOf(lines, 'conflicto-prod-drill-20250313031000');
    expect(text(young)).toMatch(/drill +available .* 30m/);
    expect(text(old)).toMatch(/^✗ .*drill +available .* 26h/);
    expect(cell(old, '26h')?.tone).toBe('crit');
    expect(cell(young, '30m')?.tone).toBeUndefined();
    // the summary line of a small screen names the forgotten copy too
    expect(text(panelSummary('rds', data, T0, verdicts))).toMatch(/drill conflicto-prod-drill-20250313031000 available 26h ✗/);
  });

  test('the verdict, not a number in the view, decides: a looser threshold clears the mark', () => {
    const verdicts = judged({ rds: data }, T0, { drillInstanceAgeHours: { warn: 48, crit: 72 } } as never);
    const lines = panelBody('rds', data, { width: 120, height: 20, now: T0, selected: 0, focused: false, detail: false, filter: '', verdicts });
    const old = rowOf(lines, 'conflicto-prod-drill-20250313031000');
    expect(text(old)).not.toMatch(/^✗/);
    expect(cell(old, '26h')?.tone).toBeUndefined();
  });
});
