/**
 * One judge: on a sandbox scenario, every row's mark, every panel's title
 * and the header's critical line say what `opsdeck check` says of the same
 * data (runChecks on the same sources at the same time), at 80x24 and 160x48.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { Harness } from './render.js';
import { KEYS, renderView } from './render.js';
import { actionHarness, type ActionHarness } from './actionSupport.js';
import { runChecks, type CheckReport } from '../../src/checks/run.js';
import { SEVERITY_GLYPH, SEVERITY_RANK, type Severity } from '../../src/model/findings.js';
import { PANEL_IDS, PANEL_TITLES, type PanelId } from '../../src/model/panels.js';
import { databaseRef, instanceRef, serviceRef, subjectKey, type SubjectRef } from '../../src/model/subjects.js';

let v: Harness | undefined;
let a: ActionHarness | undefined;
afterEach(() => {
  v?.unmount();
  a?.cleanup();
  v = a = undefined;
});

/** What `check` says of a subject: its worst finding; blank when no check judged it. */
function verdict(report: CheckReport, ref: SubjectRef): string {
  let worst: Severity | undefined;
  for (const f of report.findings) if (subjectKey(f.ref) === subjectKey(ref) && (worst === undefined || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst])) worst = f.severity;
  return worst === undefined ? ' ' : SEVERITY_GLYPH[worst];
}

/** "✗ 1 ⚠ 2": the counts a panel's title should carry, crit, unknown, warn. */
function expectedMarks(report: CheckReport, area: PanelId): string {
  return (['crit', 'unknown', 'warn'] as const)
    .map((s) => [s, report.findings.filter((f) => f.area === area && f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${SEVERITY_GLYPH[s]} ${n}`)
    .join(' ');
}

/** The marks in a panel's title (framed) or after its status word (one-line summary). */
function shownMarks(frame: string, area: PanelId): string | undefined {
  const label = `${PANEL_IDS.indexOf(area) + 1} ${PANEL_TITLES[area]}`;
  const line = frame.split('\n').find((l) => l.includes(`${label} `));
  if (!line) return undefined;
  const rest = line.slice(line.indexOf(label) + label.length);
  // a summary: "2 RDS      ✗ 1 critical ⚠ 1  demo-db …"; a title: "2 RDS  ✗ 1 critical  ⚠ 1 ───"; "✓ ok" when nothing is wrong
  const m = rest.match(/^\s+(✓ ok|(?:[✗?⚠] \d+(?: (?:critical|unknown|warnings?))?\s+)+)/);
  if (!m) return undefined;
  return m[1] === '✓ ok' ? '' : m[1]!.replace(/ (critical|unknown|warnings?)/g, '').trim().replace(/\s+/g, ' ');
}

/** The mark drawn at the start of the table row of `name`. */
function rowMark(frame: string, name: string): string | undefined {
  const re = new RegExp(`[║│][ ›](.) ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `);
  return frame.split('\n').map((l) => l.match(re)).find(Boolean)?.[1];
}

async function open(scenario: 'unsafe-scale' | 'db-saturation', columns: number, rows: number) {
  a = await actionHarness({ scenario });
  const data = await a.panels();
  const report = await runChecks({ sources: a.sandbox.sources, env: a.env.name, now: a.clock.now() });
  v = renderView({ noColor: true, columns, rows, data, env: a.env, at: a.clock.now(), checks: true, actions: a.actions });
  await v.waitFor(() => v!.findings!.getState().evaluatedAt !== undefined);
  const frame = await v.waitFor((f) => f.includes('1 ECS'));
  return { v, a, data, report, frame };
}

const SIZES = [
  [80, 24],
  [160, 48],
] as const;

describe.each(['unsafe-scale', 'db-saturation'] as const)('%s: the screen says what check says', (scenario) => {
  test.each(SIZES)('at %ix%i: row marks, panel titles and the header', async (columns, rows) => {
    const { v, data, report, frame } = await open(scenario, columns, rows);
    expect(report.status).toBe('crit');
    // the header: as many critical findings as check reports
    const crit = report.findings.filter((f) => f.severity === 'crit');
    expect(frame).toContain(`${SEVERITY_GLYPH.crit} ${crit.length} critical: `);
    // every panel's title (or one-line summary) carries check's counts
    for (const area of PANEL_IDS) expect(shownMarks(frame, area), `${area} title at ${columns}x${rows}`).toBe(expectedMarks(report, area));
    // ECS focused (at 80x24 the dashboard shows the worst panel first: 1 goes to ECS): each service's row has check's verdict on it
    let ecsFrame = frame;
    if (columns === 80) {
      v.press('1');
      ecsFrame = await v.waitFor((f) => f.includes('╔═ 1 ECS'));
    }
    for (const s of data.ecs!.services) expect(rowMark(ecsFrame, s.name), `${s.name} at ${columns}x${rows}`).toBe(verdict(report, serviceRef(s)));
    // the RDS rows: on screen at 160x48, one tab away at 80x24
    let rdsFrame = frame;
    if (columns === 80) {
      v.press(KEYS.tab);
      rdsFrame = await v.waitFor((f) => f.includes('╔═ 2 RDS'));
    }
    for (const i of data.rds!.instances) expect(rowMark(rdsFrame, i.id), `${i.id} at ${columns}x${rows}`).toBe(verdict(report, instanceRef(i)));
    if (columns === 160) for (const d of data.postgres!.databases) expect(frame).toMatch(new RegExp(`[│║] ${verdict(report, databaseRef(d))} ${d.name}  rtt`));
  });
});

test('unsafe-scale: the service the topology check calls critical is ✗ on its row, not ✓ under a ✗ banner', async () => {
  const { report, frame } = await open('unsafe-scale', 160, 48);
  const topology = report.findings.find((f) => f.checkId === 'ecs.topology' && f.severity === 'crit')!;
  expect(topology, 'the scenario has a critical topology finding').toBeDefined();
  expect(rowMark(frame, topology.ref.name)).toBe(SEVERITY_GLYPH.crit);
});

test('db-saturation: the RDS instance at critical CPU is ✗ on its row, and a warning is never drawn as ✗', async () => {
  const { report, frame } = await open('db-saturation', 160, 48);
  const cpu = report.findings.find((f) => f.checkId === 'rds.cpu')!;
  expect(cpu.severity).toBe('crit');
  expect(rowMark(frame, cpu.ref.name)).toBe(SEVERITY_GLYPH.crit);
  for (const f of report.findings.filter((x) => x.severity === 'warn' && x.area === 'ecs')) expect(rowMark(frame, f.ref.name)).not.toBe(SEVERITY_GLYPH.crit);
});

test('the glyphs tell every severity apart without colour', () => {
  expect(new Set(Object.values(SEVERITY_GLYPH)).size).toBe(4);
});
