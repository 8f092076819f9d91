/**
 * The live checks in the dashboard, on a sandbox scenario's data: a critical
 * finding in the header with its age and a mark on its panel; the checklist
 * screen (c) worst first, the ok rows folded into one line that opens;
 * Enter on a finding opens its fix's plan through the real action controller.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { giveReason } from './actionView.js';
import stringWidth from 'string-width';
import type { Harness } from './render.js';
import { KEYS, plain, renderView } from './render.js';
import { actionHarness, type ActionHarness } from './actionSupport.js';
import { checklistItems, checklistRows } from '../../views/checklist.js';
import type { Scenario } from '../../src/sources/sandbox/index.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';

let v: Harness | undefined;
let a: ActionHarness | undefined;
afterEach(() => {
  v?.unmount();
  a?.cleanup();
  v = a = undefined;
});

async function open(scenario: Scenario, size: { columns: number; rows: number }, env: Partial<EnvironmentInfo> = {}) {
  a = await actionHarness({ scenario, env });
  v = renderView({ noColor: true, ...size, data: await a.panels(), env: a.env, at: a.clock.now(), checks: true, actions: a.actions });
  // the first run of the checks
  await v.waitFor(() => v!.findings!.getState().evaluatedAt !== undefined);
  return { v, a };
}

function expectFits(frame: string, columns: number, rows: number): void {
  const lines = plain(frame).split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
}

/** Moves the checklist's selection from the top to the finding of `checkId` on `subject` (`okOpen`: the ok rows are shown). */
async function select(v: Harness, checkId: string, subject: string, okOpen = false): Promise<void> {
  const rows = checklistRows(checklistItems(v.findings!.getState().findings), okOpen);
  const i = rows.findIndex((r) => r.kind === 'finding' && r.item.finding.checkId === checkId && r.item.finding.subject === subject);
  expect(i, `${checkId} ${subject} is listed`).toBeGreaterThanOrEqual(0);
  for (let n = 0; n < i; n++) v.press('j');
}

describe('findings in the header', () => {
  test('bad-deploy: the crash loop shows in the header with its age, and the ECS panel is marked', async () => {
    const { v } = await open('bad-deploy', { columns: 160, rows: 48 });
    let frame = await v.waitFor((f) => /✗ \d critical: .*demo\/api crash loop 0s/.test(f));
    // the title of the panel the finding concerns, in the crit token; a panel with nothing wrong has no mark
    expect(frame).toMatch(/╔═ 1 ECS  ✗ \d /);
    // "ok" is the checks' word now, with its glyph, and only where nothing is wrong
    expect(frame).toMatch(/─ 5 Postgres  ✓ ok /);
    expect(frame).not.toMatch(/✗ \d critical +ok /);
    expectFits(frame, 160, 48);
    v.clock.advance(3 * 60_000);
    v.store.touch();
    v.store.flush();
    frame = await v.waitFor((f) => f.includes('demo/api crash loop 3m'));
    expect(frame).toMatch(/╔═ 1 ECS  ✗ \d /);
  });

  test('at 80x24 the critical line stays on screen above the panels', async () => {
    const { v } = await open('bad-deploy', { columns: 80, rows: 24 });
    let frame = await v.waitFor((f) => f.includes('critical: demo/api'));
    expectFits(frame, 80, 24);
    expect(frame).toMatch(/╔═ 1 ECS  ✗ \d /);
    // the one-row summaries of the small layout carry the mark too
    v.press(KEYS.tab);
    frame = await v.waitFor((f) => f.includes('╔═ 2 RDS'));
    expect(frame).toMatch(/ 1 ECS +✗ \d critical/);
  });

  test('calm: no critical line, no mark', async () => {
    const { v } = await open('calm', { columns: 160, rows: 48 });
    const frame = await v.waitFor((f) => f.includes('1 ECS'));
    expect(frame).not.toContain('critical:');
    expect(frame).not.toMatch(/[✗!] \d /);
  });
});

describe('the checklist screen', () => {
  test('dlq-backlog: c lists the problems first, the ok rows folded; Enter on the dead-letter finding opens the requeue plan', async () => {
    const { v, a } = await open('dlq-backlog', { columns: 80, rows: 24 });
    v.press('c');
    let frame = await v.waitFor((f) => f.includes('Checklist · demo'));
    expectFits(frame, 80, 24);
    expect(frame).toMatch(/1 critical · 1 warning · \d+ ok/);
    // worst first, before any of the ok rows, which are one line
    const rows = plain(frame).split('\n');
    const at = (re: RegExp) => rows.findIndex((l) => re.test(l));
    // the subject column is as wide as the longest subject (the metrics' series are long): the message may be cut
    expect(at(/✗ Queues +demo\/jobs\/emails +\d+ failed jobs waiting for a deci/)).toBeGreaterThan(0);
    expect(at(/⚠ Queues +demo\/jobs\/default/)).toBeGreaterThan(at(/✗ Queues +demo\/jobs\/emails/));
    expect(at(/✓ \d+ ok +enter or space shows them/)).toBeGreaterThan(at(/⚠ Queues +demo\/jobs\/default/));
    expect(frame).not.toMatch(/✓ ECS +demo\/api/);
    // the worst is selected, with its fix
    expect(frame).toContain('→ requeue the failed jobs of emails');
    expect(frame).toContain('enter opens its plan');

    v.press(KEYS.enter);
    await giveReason(v);
    frame = await v.waitFor((f) => f.includes('Type emails to confirm'));
    expect(frame).toContain('DESTRUCTIVE');
    expect(a.controller.getState().plan).toMatchObject({ action: 'requeue', target: { display: 'demo/jobs/emails' } });
    expectFits(frame, 80, 24);
    // Esc: nothing ran; the checklist is where the operator was
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('Checklist · demo') && f.includes('→ requeue the failed jobs of emails'));
    expect(a.journal.read()).toEqual([]);
    // the fold line opens with Enter and folds with space
    v.press('j', 'j');
    await v.waitFor((f) => /›✓ \d+ ok/.test(plain(f)));
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('space folds them'));
    expect(frame).toMatch(/✓ ECS +demo\/api +running at desired count/);
    expectFits(frame, 80, 24);
    v.press(' ');
    await v.waitFor((f) => f.includes('enter or space shows them') && !/✓ ECS +demo\/api/.test(f));
    // esc closes the checklist, c opens it again where it was
    v.press('k', 'k');
    await v.waitFor((f) => f.includes('→ requeue the failed jobs of emails'));
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('1 ECS') && !f.includes('Checklist'));
    v.press('c');
    await v.waitFor((f) => f.includes('→ requeue the failed jobs of emails'));
  });

  test('at 200x60 each finding is one row with its figure, age and fix', async () => {
    const { v } = await open('dlq-backlog', { columns: 200, rows: 60 });
    v.press('c');
    const frame = await v.waitFor((f) => f.includes('Checklist · demo'));
    expectFits(frame, 200, 60);
    expect(frame).toMatch(/✗ Queues +demo\/jobs\/emails +\d+ failed jobs waiting for a decision +\d+ failed +0s +→ requeue the failed jobs of emails/);
    v.press('j', 'j', ' ');
    expect(await v.waitFor((f) => f.includes('space folds them'))).toMatch(/✓ ECS +demo\/api +running at desired count +3\/3 running/);
  });

  test('unsafe-scale: Enter on the topology finding proposes the count it suggests, and plans the scale-down', async () => {
    const { v, a } = await open('unsafe-scale', { columns: 120, rows: 40 });
    v.press('c');
    await v.waitFor((f) => f.includes('Checklist · demo'));
    await select(v, 'ecs.topology', 'demo/scheduler');
    await v.waitFor((f) => f.includes('→ scale scheduler to 1'));
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('desired count: 1'));
    v.press(KEYS.enter);
    await giveReason(v);
    await v.waitFor((f) => f.includes('Type scheduler to confirm'));
    expect(a.controller.getState().plan).toMatchObject({ action: 'scale', target: { display: 'demo/scheduler' }, changes: [{ field: 'desiredCount', before: '3', after: '1' }] });
    v.press(KEYS.escape);
  });

  test('bad-deploy: the crash loop\'s fix is the last known good revision; Enter fills last-good in and plans 44, not the bad 45', async () => {
    const { v, a } = await open('bad-deploy', { columns: 120, rows: 40 });
    v.press('c');
    await v.waitFor((f) => f.includes('Checklist · demo'));
    await select(v, 'ecs.crash-loop', 'demo/api');
    await v.waitFor((f) => f.includes('→ rollback api --to last-good'));
    const loop = v.findings!.getState().findings.map((t) => t.finding).find((f) => f.checkId === 'ecs.crash-loop' && f.severity === 'crit');
    expect(loop?.suggested).toMatchObject({ action: 'rollback', cluster: 'demo', service: 'api', to: 'last-good', label: 'rollback api --to last-good (the last known good revision)' });
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('good: the last known good): last-good'));
    v.press(KEYS.enter);
    await giveReason(v);
    const frame = await v.waitFor((f) => f.includes('Type api to confirm'));
    expect(frame).toContain('demo-api:46 → demo-api:44');
    expect(frame).toContain('Last known good: demo-api:44');
    expect(a.controller.getState().plan).toMatchObject({ action: 'rollback', target: { display: 'demo/api' }, params: { to: 'demo-api:44' } });
    v.press(KEYS.escape);
    expect(a.journal.read()).toEqual([]);
  });

  test('read-only mode does not offer the fix and says why; Enter still opens the ok rows', async () => {
    const { v, a } = await open('dlq-backlog', { columns: 80, rows: 24 }, { readOnly: true });
    v.press('c');
    await v.waitFor((f) => f.includes('Checklist · demo'));
    await select(v, 'queues.dead-letter', 'demo/jobs/emails');
    const frame = await v.waitFor((f) => f.includes('→ requeue the failed jobs of emails'));
    expect(frame).not.toContain('enter opens its plan');
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('read-only: fix is off'));
    expect(a.controller.getState().phase).toBe('idle');
    v.press('j', 'j', KEYS.enter);
    await v.waitFor((f) => f.includes('space folds them'));
  });

  test('Enter on a finding with nothing to fix explains itself', async () => {
    const { v, a } = await open('dlq-backlog', { columns: 80, rows: 24 });
    v.press('c');
    await v.waitFor((f) => f.includes('Checklist · demo'));
    v.press('j', 'j', KEYS.enter);
    await v.waitFor((f) => f.includes('space folds them'));
    // from the top again, to the api's first ok finding
    v.press('g');
    await select(v, 'ecs.running-below-desired', 'demo/api', true);
    await v.waitFor((f) => /›✓ ECS +demo\/api +running at desired count/.test(plain(f)));
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('demo/api: nothing to fix'));
    expect(a.controller.getState().phase).toBe('idle');
  });
});
