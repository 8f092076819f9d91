/**
 * The runbook screen against the sandbox, through the real runbook state
 * (src/dashboard/runbooks.ts), action controller, executor, journal and lock:
 * the list and its applies-now mark, a run planned as a whole and confirmed
 * with its one phrase (a wrong one runs nothing), each step's progress, a
 * question answered with one key, and the sandbox's end state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { KEYS, plain, type Harness } from './render.js';
import { actionViews, expectFits, giveReason } from './actionView.js';
import type { ActionHarness } from './actionSupport.js';
import { PANEL_IDS } from '../../src/model/panels.js';
import type { Scenario } from '../../src/sources/sandbox/index.js';
import { sandboxBackend } from '../../src/sources/sandbox/backend.js';
import type { OpenedEnvironment } from '../../src/cli/environment.js';
import type { ActionContext } from '../../src/actions/types.js';
import type { FindingsFeed } from '../../src/dashboard/ports.js';
import { TuiRunbooks } from '../../src/dashboard/runbooks.js';
import { TuiIncident } from '../../src/dashboard/incident.js';
import { lostIntents } from '../../src/dashboard/findings.js';
import { readRuns, saveRun } from '../../src/runbooks/records.js';
import { currentIncident } from '../../src/incident/index.js';

const views = actionViews();
let dir: string | undefined;
let runbooks: TuiRunbooks | undefined;
afterEach(() => {
  runbooks?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
  runbooks = dir = undefined;
});

interface Opened {
  v: Harness;
  a: ActionHarness;
  rb: TuiRunbooks;
  env: NodeJS.ProcessEnv;
}

/**
 * The dashboard on the sandbox with the runbook screen wired as the sessions
 * wire it. A refresh reads every panel from the sandbox, as the watchers
 * would; a run's sleeps move the sandbox's clock (and let the checks run).
 */
async function open(scenario: Scenario, size: { columns: number; rows: number } = { columns: 80, rows: 24 }, opts: { readOnly?: boolean; before?: (env: NodeJS.ProcessEnv) => void } = {}): Promise<Opened> {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-views-runbooks-'));
  const env = { OPSDECK_STATE_DIR: dir };
  opts.before?.(env);
  const a = await views.harness({ scenario, ...(opts.readOnly ? { env: { readOnly: true } } : {}) });
  // the steps' verification runs at once (each of its waits moves the sandbox's clock)
  a.release();
  const opened = { info: a.env, config: a.sandbox.environment, sources: a.sandbox.sources, intervals: {}, ...sandboxBackend(a.sandbox) } as OpenedEnvironment;
  let v: Harness | undefined;
  const feed: FindingsFeed = {
    getState: () => v!.findings!.getState(),
    subscribe: (l) => v!.findings!.subscribe(l),
    checkedAt: () => v!.findings!.checkedAt(),
  };
  const base: ActionContext = {
    env: a.env,
    now: () => a.clock.now(),
    async sleep(ms) {
      a.clock.advance(ms);
      // a wait step's pause lets the panels' refresh and the checks run
      await new Promise((r) => setTimeout(r, 5));
    },
  };
  const incident = new TuiIncident({ env, environment: () => 'demo', findings: () => [] });
  const rb = new TuiRunbooks({
    opened,
    runtime: { refresh: () => v!.runtime.refresh(), clock: a.clock },
    controller: a.controller,
    contexts: { ...a.contexts, base },
    findings: feed,
    incident,
    processEnv: env,
    freshMs: 0,
  });
  runbooks = rb;
  v = views.render({ ...size, data: await a.panels(), env: a.env, at: a.clock.now(), actions: { ...a.actions, runbooks: rb }, checks: true, incident });
  v.runtime.refresh.mockImplementation(() => {
    void a.panels().then((p) => {
      v!.clock.set(a.clock.now());
      for (const id of PANEL_IDS) v!.store.succeed(id, p[id] as never);
      v!.store.flush();
    });
  });
  await v.waitFor((f) => f.includes('1 ECS'));
  return { v, a, rb, env };
}

/** A runbook's row on the screen, a step's row in the box, a run's row under RUNS HERE. */
const line = (frame: string, text: string) => plain(frame).split('\n').find((l) => l.startsWith(` ▶ ${text}`) || l.startsWith(`   ${text}`) || (l.includes('║') && l.includes(` ${text} `)) || (text.startsWith('✓') && l.includes(text))) ?? '';

describe('the runbook screen', () => {
  test('an intent whose call this dashboard is still making is not lost: a runbook run is not flagged unreconciled while it runs', () => {
    const intent = (seq: number, target: string) => ({ seq, time: '', environment: 'demo', action: 'runbook', target, user: 'u', host: 'h', summary: '' });
    const intents = [intent(1, 'demo/runbook:bad-deploy'), intent(4, 'demo/runbook:bad-deploy'), intent(7, 'demo/runbook:dlq-overflow')];
    // the newest of the run under way is live; an older one of the same key, and another runbook's, are lost
    expect(lostIntents(intents, [{ action: 'runbook', target: 'demo/runbook:bad-deploy' }]).map((i) => i.seq)).toEqual([1, 7]);
    expect(lostIntents(intents, []).map((i) => i.seq)).toEqual([1, 4, 7]);
  });

  test('B lists every runbook; bad-deploy applies now in a crash loop, the others not; Esc closes it', async () => {
    const { v } = await open('bad-deploy');
    v.press('B');
    const frame = await v.waitFor((f) => f.includes('RUNBOOKS') && line(f, 'bad-deploy').includes('applies now') && line(f, 'dlq-overflow').includes('not now'));
    for (const name of ['bad-deploy', 'dlq-overflow', 'restore-writes', 'stop-all-writes', 'unsafe-topology']) expect(frame).toContain(name);
    // the selection starts on the runbook that applies, with why
    expect(line(frame, 'bad-deploy')).toContain('▶');
    expect(frame).toContain('applies now: demo/api: tasks keep stopping');
    // no check, nothing to judge
    expect(line(frame, 'stop-all-writes')).not.toMatch(/applies now|not now/);
    expect(frame).toContain('enter plan & run');
    expectFits(frame, 80, 24);
    v.press(KEYS.escape);
    await v.waitFor((f) => !f.includes('RUNBOOKS') && f.includes('1 ECS'));
  });

  test('bad-deploy: the plan of every step, a wrong phrase runs nothing, the phrase runs it step by step and the crash loop ends', async () => {
    const { v, a, rb, env } = await open('bad-deploy');
    const before = (await a.service('api')).taskDefinition;
    v.press('B');
    await v.waitFor((f) => line(f, 'bad-deploy').includes('applies now'));
    v.press(KEYS.enter);
    await giveReason(v);
    let frame = await v.waitFor((f) => f.includes('Type bad-deploy to confirm'));
    expect(frame).toContain('Run runbook bad-deploy');
    expect(frame).toMatch(/api taskDefinition +demo-api:\d+ → demo-api:\d+/);
    expect(frame).toContain('1. [check] check: finding ecs.crash-loop is present');
    expectFits(frame, 80, 24);
    // the plan scrolls to its last step
    v.press(KEYS.end);
    frame = await v.waitFor((f) => f.includes('end of the plan'));
    expect(frame).toContain('[note]');

    v.type('bad');
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('"bad" is not "bad-deploy"; nothing was done'));
    expect((await a.service('api')).taskDefinition).toBe(before);
    expect(readRuns(env)).toEqual([]);
    await expect.poll(() => a.journal.read().map((r) => [r.action, r.phase, r.outcome])).toEqual([['runbook', 'refusal', 'refused']]);

    v.type('-deploy');
    v.press(KEYS.enter);
    // step by step in the box, then the outcome
    frame = await v.waitFor((f) => f.includes('RUNBOOK') && f.includes('✓  1 crash-loop'));
    frame = await v.waitFor((f) => f.includes('✓ done'), 20_000);
    for (const key of ['crash-loop', 'incident', 'roll-back:api', 'healthy', 'error-rate', 'record']) expect(line(frame, key)).toMatch(/done/);
    expect(frame).toContain('runbook bad-deploy ran to its end');
    expectFits(frame, 80, 24);
    expect(rb.getState().runs[0]!.steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);

    // the end state: the service runs an earlier revision, steady, and no crash loop is found
    const api = await a.service('api');
    expect(api.taskDefinition).not.toBe(before);
    expect(api.running).toBe(api.desired);
    const crash = v.findings!.getState().findings.filter((t) => t.finding.checkId === 'ecs.crash-loop' && t.finding.severity !== 'ok');
    expect(crash).toEqual([]);
    // the run is recorded as done; the rollback went through the executor as a step of it; the notes are on the incident
    expect(readRuns(env).map((r) => [r.runbook, r.status])).toEqual([['bad-deploy', 'done']]);
    const journal = a.journal.read().map((r) => [r.action, r.phase, r.outcome]);
    expect(journal).toContainEqual(['rollback', 'intent', null]);
    expect(journal).toContainEqual(['rollback', 'verify', 'ok']);
    expect(journal.at(-1)).toEqual(['runbook', 'verify', 'ok']);
    const timeline = (currentIncident({ env })?.entries ?? []).map((e) => ('text' in e ? String(e.text) : ''));
    expect(timeline.some((t) => t.startsWith('Runbook bad-deploy: rolled back'))).toBe(true);

    // back on the screen (the outcome read), bad-deploy no longer applies
    v.press(KEYS.escape);
    frame = await v.waitFor((f) => f.includes('RUNBOOKS') && line(f, 'bad-deploy').includes('not now'));
    expect(frame).toContain('does not apply now: no ecs.crash-loop finding');
  });

  test('dlq-overflow: the question waits for one key (put away, a shows it again); y requeues and the queue drains', async () => {
    const { v, a, env } = await open('dlq-backlog');
    const failed = async () => (await a.read()).queues.queues.find((q) => q.name === 'emails')!.failed;
    const failedBefore = await failed();
    expect(failedBefore).toBeGreaterThan(0);
    v.type(':runbook dlq-overflow');
    v.press(KEYS.enter);
    await giveReason(v);
    await v.waitFor((f) => f.includes('Type dlq-overflow to confirm'));
    v.type('dlq-overflow');
    v.press(KEYS.enter);
    let frame = await v.waitFor((f) => f.includes('? Is the cause of the failures'));
    expect(frame).toContain('[y] yes');
    expect(frame).toContain('y yes');
    expectFits(frame, 80, 24);
    // nothing is requeued while the question waits
    expect(await failed()).toBe(failedBefore);

    v.press(KEYS.escape);
    frame = await v.waitFor((f) => f.includes('waits for its answer'));
    expect(frame).toMatch(/asks: Is the cause/);
    v.press('x');
    v.press('a');
    await v.waitFor((f) => f.includes('? Is the cause of the failures'));
    v.press('y');
    frame = await v.waitFor((f) => f.includes('✓ done'), 20_000);
    expect(line(frame, 'cause-fixed')).toContain('done');
    expect(line(frame, 'drained')).toContain('done');
    // the dead letters were requeued (the sandbox's jobs fail again as its clock goes on), and the run saw the finding go
    expect(await failed()).toBeLessThan(failedBefore);
    expect(a.journal.read().map((r) => [r.action, r.phase, r.outcome])).toContainEqual(['requeue', 'verify', 'ok']);
    const run = readRuns(env)[0]!;
    expect(run.status).toBe('done');
    expect(run.steps.find((s) => s.step === 'cause-fixed')).toMatchObject({ outcome: 'done', answer: 'yes' });
    expect(run.steps.find((s) => s.step === 'drained')).toMatchObject({ outcome: 'done', message: expect.stringContaining('no finding queues.dead-letter') });
  });

  test('at 160x48 the list and a run read without cuts', async () => {
    const { v } = await open('bad-deploy', { columns: 160, rows: 48 });
    v.press('B');
    const frame = await v.waitFor((f) => line(f, 'bad-deploy').includes('applies now'));
    expect(line(frame, 'dlq-overflow')).toContain('Dead-letter overflow — requeue once the cause is fixed');
    expectFits(frame, 160, 48);
  });

  test('a run a crash left is listed; Enter plans the steps not done against the sandbox now, and the phrase finishes it', async () => {
    const stopped = {
      id: 'bad-deploy-20261122T085500Z',
      runbook: 'bad-deploy',
      environment: 'demo',
      by: 'alice@laptop',
      pid: 999_999_999,
      startedAt: '2026-11-22T08:55:00.000Z',
      status: 'running' as const,
      steps: [
        { key: 'crash-loop', step: 'crash-loop', outcome: 'done' as const, message: 'seen', at: '2026-11-22T08:55:01.000Z' },
        { key: 'incident', step: 'incident', outcome: 'done' as const, message: 'opened', at: '2026-11-22T08:55:02.000Z' },
      ],
    };
    const { v, a, env } = await open('bad-deploy', undefined, { before: (e) => saveRun(stopped, e) });
    v.press('B');
    let frame = await v.waitFor((f) => f.includes('NOT FINISHED'));
    expect(frame).toMatch(/bad-deploy {2}2 step\(s\) done · started .* by alice@laptop/);
    v.press('G');
    v.press(KEYS.enter);
    await giveReason(v);
    frame = await v.waitFor((f) => f.includes('Type bad-deploy to confirm'));
    expect(frame).toContain('Resume runbook bad-deploy');
    expect(frame).toContain('1. [done] crash-loop: done in bad-deploy-20261122T085500Z');
    v.type('bad-deploy');
    v.press(KEYS.enter);
    frame = await v.waitFor((f) => f.includes('✓ done'), 20_000);
    expect(line(frame, 'crash-loop')).toContain('done before');
    expect(line(frame, 'roll-back:api')).toMatch(/done {2}/);
    expect(readRuns(env).map((r) => [r.id, r.status])).toEqual([[stopped.id, 'done']]);
    expect((await a.service('api')).running).toBe((await a.service('api')).desired);
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('RUNBOOKS') && !f.includes('NOT FINISHED'));
  });

  test('read-only: the runbooks are listed and judged, Enter says why nothing runs, and nothing is journaled', async () => {
    const { v, a } = await open('bad-deploy', undefined, { readOnly: true });
    v.press('B');
    const frame = await v.waitFor((f) => line(f, 'bad-deploy').includes('applies now'));
    expect(frame).toContain('read-only: runbooks can be read here, not run');
    expect(frame).not.toContain('plan & run');
    v.press(KEYS.enter);
    await v.waitFor((f) => f.includes('read-only: plan & run is off'));
    expect(a.controller.getState().phase).toBe('idle');
    expect(a.journal.read()).toEqual([]);
  });
});
