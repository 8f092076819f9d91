/**
 * Incident mode from the keyboard, on a sandbox scenario with the real
 * incident files in a temp state directory: i and a title start it, the
 * header's clock and escalation marks, n adds a note, the live findings and
 * a guarded action go to the timeline, i then y ends it and says where the
 * review is.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { giveReason } from './actionView.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import stringWidth from 'string-width';
import type { Harness } from './render.js';
import { KEYS, plain, renderView } from './render.js';
import { actionHarness, type ActionHarness } from './actionSupport.js';
import { checklistItems } from '../../views/checklist.js';
import { ManualClock } from '../../src/engine/clock.js';
import { TuiIncident } from '../../src/dashboard/incident.js';
import { currentIncident, readIncident } from '../../src/incident/index.js';
import type { ActionEntry, FindingEntry, TimelineEntry } from '../../src/incident/types.js';

let v: Harness | undefined;
let a: ActionHarness | undefined;
let incident: TuiIncident | undefined;
let dir: string | undefined;
afterEach(() => {
  v?.unmount();
  a?.cleanup();
  incident?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  v = a = incident = dir = undefined;
});

async function open(opts: { columns?: number; rows?: number } = {}) {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-views-incident-'));
  const env = { OPSDECK_STATE_DIR: dir };
  const clock = new ManualClock(Date.parse('2026-11-22T09:00:00Z'));
  const inc = new TuiIncident({ env, now: () => clock.now(), environment: () => 'demo', findings: () => v?.findings?.getState().findings.map((t) => t.finding) ?? [], by: 'alice@laptop' });
  incident = inc;
  a = await actionHarness({ scenario: 'dlq-backlog', observer: inc.observer });
  v = renderView({
    noColor: true,
    columns: opts.columns ?? 80,
    rows: opts.rows ?? 24,
    data: await a.panels(),
    env: a.env,
    at: a.clock.now(),
    actions: a.actions,
    incident: inc,
    checks: { intervalMs: 10, onEvaluated: (list) => inc.findings(list) },
  });
  await v.waitFor(() => v!.findings!.getState().evaluatedAt !== undefined);
  return { v, a, inc, env, clock };
}

function expectFits(frame: string, columns: number, rows: number): void {
  const lines = plain(frame).split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
}

const describeEntry = (e: TimelineEntry): string => {
  if (e.kind === 'finding') return `finding ${e.checkId} ${e.subject} ${e.from}→${e.to}`;
  if (e.kind === 'action') return `action ${e.phase} ${e.action} ${e.target}`;
  if (e.kind === 'note') return `note ${e.text}`;
  if (e.kind === 'escalation') return `escalation ${e.minutes}`;
  return e.kind;
};

describe('incident mode', () => {
  test('i, a title: the header runs the clock; n notes; a finding change and an action land on the timeline; i y ends it with a review', async () => {
    const { v, a, inc, env, clock } = await open();
    v.press('i');
    let frame = await v.waitFor((f) => f.includes('incident title:'));
    expect(frame).toContain('Incident in demo');
    v.type('emails bouncing');
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('INCIDENT 00:00'));
    expect(frame).toContain('INCIDENT 00:00  · next: 2 min in 2:00 — page the secondary on-call · emails bo…');
    expect(frame).toContain('incident started: emails bouncing');
    expectFits(frame, 80, 24);

    // seven minutes in: two marks passed, the clock in the crit token, the next mark named
    clock.advance(7 * 60_000 + 42_000);
    inc.tick();
    frame = await v.waitFor((f) => f.includes('INCIDENT 07:42'));
    expect(frame).toContain('INCIDENT 07:42  · next: 10 min in 2:18 — tell the team lead · emails bouncing');

    v.press('n');
    await v.waitFor((f) => f.includes('note:'));
    v.type('SMTP relay status page says degraded');
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('noted on the incident timeline'));

    // the fix from the checklist: plan, typed confirmation, done
    v.press('c');
    await v.waitFor((f) => f.includes('Checklist · demo'));
    const items = checklistItems(v.findings!.getState().findings);
    const at = items.findIndex((t) => t.finding.checkId === 'queues.dead-letter' && t.finding.subject === 'demo/jobs/emails');
    for (let n = 0; n < at; n++) v.press('j');
    await v.waitFor((f) => f.includes('→ requeue the failed jobs of emails'));
    v.press(KEYS.enter);
    await giveReason(v);
    await v.waitFor((f) => f.includes('Type emails to confirm'));
    v.type('emails');
    v.press(KEYS.enter);
    a.release();
    await v.waitFor((f) => f.includes('✓ done'));
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('Checklist · demo'));
    // the queue as its panel reads it next: the dead letters are gone, and the finding's change is recorded
    v.update('queues', (await a.read()).queues);
    await v.waitFor(() => v.findings!.getState().findings.some((t) => t.finding.checkId === 'queues.dead-letter' && t.finding.subject === 'demo/jobs/emails' && t.finding.severity === 'ok'));

    const open_ = currentIncident({ env })!;
    const kinds = open_.entries.map(describeEntry);
    expect(kinds[0]).toBe('start');
    expect(kinds).toContain('finding queues.dead-letter demo/jobs/emails null→crit');
    expect(kinds).toContain('finding queues.dead-letter demo/jobs/emails crit→ok');
    expect(kinds).toContain('note SMTP relay status page says degraded');
    expect(kinds).toEqual(expect.arrayContaining(['escalation 2', 'escalation 5']));
    const actions = open_.entries.filter((e): e is ActionEntry => e.kind === 'action').map((e) => `${e.phase} ${e.action} ${e.target}`);
    expect(actions).toEqual(['planned requeue demo/jobs/emails', 'confirmed requeue demo/jobs/emails', 'done requeue demo/jobs/emails']);
    // the finding seen before the incident started is on the timeline from its first moment, as already critical
    expect(open_.entries.find((e): e is FindingEntry => e.kind === 'finding')).toMatchObject({ from: null, to: 'crit', time: '2026-11-22T09:00:00.000Z' });

    // i asks before it ends anything; any key but y keeps it open
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('1 ECS'));
    v.press('i');
    frame = await v.waitFor((f) => f.includes('end the incident and write its review? [y] yes  [N] no  "emails bouncing"'));
    expectFits(frame, 80, 24);
    v.press('n');
    await v.waitFor((f) => f.includes('the incident stays open'));
    expect(currentIncident({ env })).toBeDefined();
    v.press('i');
    await v.waitFor((f) => f.includes('end the incident'));
    v.press('y');
    frame = await v.waitFor((f) => f.includes('incident ended after 7 min 42 s; review:'));
    expect(frame).not.toContain('INCIDENT');
    expect(currentIncident({ env })).toBeUndefined();
    const ended = readIncident(open_.id, { env })!;
    expect(ended.endedAt).toBe(clock.now());
    // the message wraps: the whole path can be read at 80 columns
    expect(plain(frame).split('\n').map((l) => l.trimEnd()).join('')).toContain(ended.reviewPath);
    const review = readFileSync(ended.reviewPath, 'utf8');
    expect(review).toContain('# Post-incident review: emails bouncing');
    expect(review).toContain('SMTP relay status page says degraded');
    expect(review).toMatch(/requeue/);
    expect(existsSync(ended.reviewPath)).toBe(true);
  });

  test('an action put away that ends while a note is typed waits for the note: no key is lost', async () => {
    const { v, a, env } = await open();
    v.press('i');
    await v.waitFor((f) => f.includes('incident title:'));
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('INCIDENT 00:00'));
    // scaling waits for ECS between reads: the harness holds those waits until release()
    // (the dashboard shows the queue problem first: the operator goes to ECS)
    v.press('1', 's');
    await v.waitFor((f) => f.includes('desired count:'));
    v.type('2');
    v.press(KEYS.enter);
    await giveReason(v);
    await v.waitFor((f) => f.includes('to confirm'));
    v.type(a.controller.getState().plan!.phrase);
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('Esc does not stop it'));
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('⟳ 1 running (a shows)'));
    v.press('n');
    await v.waitFor((f) => f.includes('note:'));
    v.type('requeued the dead');
    a.release();
    // the outcome waits in the runs line; nothing pops up over the note being typed
    await v.waitFor((f) => f.includes('1 ended (a shows)') && f.includes('Scale demo/api to 2 done') && f.includes('note: requeued the dead'));
    v.type(' letters');
    v.press(KEYS.enter);
    v.press('a');
    await v.waitFor((f) => f.includes('✓ done'));
    const notes = currentIncident({ env })!.entries.filter((e) => e.kind === 'note');
    expect(notes).toMatchObject([{ text: 'requeued the dead letters' }]);
  });

  test('Enter on an empty title starts "Incident in demo"; n without an incident says how to start one', async () => {
    const { v, env } = await open();
    v.press('n');
    await v.waitFor((f) => f.includes('no incident is open: i starts one'));
    v.press('i');
    await v.waitFor((f) => f.includes('incident title:'));
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('INCIDENT 00:00') && f.includes('Incident in demo'));
    expect(currentIncident({ env })?.title).toBe('Incident in demo');
  });

  test('Esc at the title starts nothing', async () => {
    const { v, env } = await open();
    v.press('i');
    await v.waitFor((f) => f.includes('incident title:'));
    v.type('oops');
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('1 ECS') && !f.includes('incident title:'));
    expect(currentIncident({ env })).toBeUndefined();
  });

  test('an incident started from another terminal shows up at the next tick; the header past the last mark', async () => {
    const { v, inc, env, clock } = await open({ columns: 160, rows: 48 });
    const { startIncident } = await import('../../src/incident/index.js');
    startIncident('db failover', { env, now: () => clock.now() - 45 * 60_000 });
    inc.tick();
    const frame = await v.waitFor((f) => f.includes('INCIDENT 45:00'));
    expect(frame).toContain('INCIDENT 45:00  · past 30 min — bring in management · db failover');
  });
});
