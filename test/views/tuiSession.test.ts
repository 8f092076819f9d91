/**
 * The action session `opsdeck demo` builds for the dashboard (src/cli/tui.ts):
 * the real context and executor deps on the sandbox, and what happens when
 * the dashboard closes while an action runs.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { openEnvironment } from '../../src/cli/environment.js';
import { tuiActions, type TuiActionSession } from '../../src/dashboard/actions.js';
import { Runtime } from '../../src/engine/runtime.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { sandboxQueueControl } from '../../src/sources/sandbox/queueControl.js';
import type { ActionController } from '../../src/actions/controller.js';
import { answerReason } from './actionSupport.js';
import type { ActionPhase } from '../../src/actions/controller.js';

let dir: string | undefined;
let runtime: Runtime | undefined;
let session: TuiActionSession | undefined;
afterEach(async () => {
  await session?.settle(() => undefined);
  await runtime?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = runtime = session = undefined;
});

function until(controller: ActionController, phase: ActionPhase): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (controller.getState().phase !== phase) return;
      off();
      resolve();
    };
    const off = controller.subscribe(check);
    check();
  });
}

async function open(opts: { readOnly?: boolean; scenario?: string } = {}) {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-tui-session-'));
  const env = { OPSDECK_STATE_DIR: dir };
  const opened = await openEnvironment({ demo: true, readOnly: opts.readOnly, scenario: opts.scenario }, env);
  runtime = new Runtime({ sources: opened.sources, env: opened.info });
  session = tuiActions(opened, runtime, env, { queues: (await opened.queueControl())! });
  expect(session).toBeDefined();
  return { opened, env, journal: AuditJournal.open(env), ...session!.actions };
}

test('closing the dashboard while an action runs: the call is journaled, watching stops, the lock is free, one line says so', async () => {
  const { controller, requests, journal, env } = await open();
  controller.begin(requests.ecs!.scale('demo', 'worker'));
  controller.key({ input: '0' });
  controller.key({ input: '', return: true });
  await until(controller, 'confirm');
  expect(answerReason(controller)).toBe(true);
  controller.key({ input: 'worker' });
  controller.key({ input: '', return: true });
  await until(controller, 'running');
  // the sandbox drains workers over seconds of real time: verification is still waiting
  const lines: string[] = [];
  const s = session!;
  session = undefined;
  await s.settle((l) => lines.push(l));
  expect(lines[0]).toBe('Scale demo/worker to 0 is under way; opsdeck stops watching it once its call is journaled…');
  expect(lines[1]).toMatch(/^the call was made and journaled; opsdeck stopped watching before demo\/worker settled \(last seen: running \d\/0/);
  expect(journal.read().map((r) => [r.phase, r.outcome, r.operator.awsArn])).toEqual([
    ['intent', null, 'arn:aws:sts::000000000000:assumed-role/demo-operator/sandbox'],
    ['outcome', 'ok', 'arn:aws:sts::000000000000:assumed-role/demo-operator/sandbox'],
    // the watch was stopped by the exit, not failed by ECS
    ['verify', 'aborted', 'arn:aws:sts::000000000000:assumed-role/demo-operator/sandbox'],
  ]);
  expect(readdirSync(join(env.OPSDECK_STATE_DIR, 'locks'))).toEqual([]);
});

test('the context reads the environment the header shows: read-only refuses, and says how to act', async () => {
  const { controller, requests, journal } = await open({ readOnly: true });
  controller.begin(requests.ecs!.redeploy('demo', 'api'));
  await until(controller, 'finished');
  expect(controller.getState().result).toMatchObject({ outcome: 'refused', message: expect.stringContaining('demo is read-only') });
  expect(journal.read().map((r) => r.phase)).toEqual(['refusal']);
});

test('closing with nothing running drops a plan being read and says nothing', async () => {
  const { controller, requests, journal } = await open();
  controller.begin(requests.ecs!.redeploy('demo', 'api'));
  expect(controller.getState().phase).toBe('planning');
  const lines: string[] = [];
  const s = session!;
  session = undefined;
  await s.settle((l) => lines.push(l));
  expect(lines).toEqual([]);
  expect(controller.getState().phase).toBe('idle');
  expect(journal.read()).toEqual([]);
});

test('the demo session acts on RDS and the queues through the same controller', async () => {
  const { controller, requests, journal } = await open({ scenario: 'dlq-backlog' });
  expect(Object.keys(requests).sort()).toEqual(['ecs', 'postgres', 'queues', 'rds']);
  controller.begin(requests.queues!.requeue('jobs', 'default'));
  await until(controller, 'confirm');
  expect(controller.getState().plan).toMatchObject({ action: 'requeue', environment: 'demo', phrase: 'default', target: { display: 'demo/jobs/default' } });
  expect(answerReason(controller)).toBe(true);
  controller.key({ input: 'default' });
  controller.key({ input: '', return: true });
  await until(controller, 'finished');
  expect(controller.getState().result).toMatchObject({ outcome: 'done', message: expect.stringMatching(/^demo\/jobs\/default: (\d+)\/\1 requeued/) });
  controller.close();

  controller.begin(requests.rds!.snapshot('demo-db'));
  await until(controller, 'confirm');
  controller.key({ input: 'y' });
  await until(controller, 'running');
  // a snapshot takes half a minute in the demo: closing stops the watching, the call is journaled
  const lines: string[] = [];
  const s = session!;
  session = undefined;
  await s.settle((l) => lines.push(l));
  expect(lines[1]).toMatch(/^the call was made and journaled; opsdeck stopped watching before demo\/demo-db settled \(last seen: snapshot demo-db-opsdeck-\d{12} creating/);
  // the requeue's progress records (one before each batch) are covered by the requeue tests
  expect(journal.read().filter((r) => r.phase !== 'progress').map((r) => [r.action, r.phase, r.outcome])).toEqual([
    ['requeue', 'intent', null],
    ['requeue', 'outcome', 'ok'],
    ['requeue', 'verify', 'ok'],
    ['snapshot', 'intent', null],
    ['snapshot', 'outcome', 'ok'],
    ['snapshot', 'verify', 'aborted'],
  ]);
});

test('without an ECS, RDS, queue or PostgreSQL admin control there is no session', async () => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-tui-session-'));
  const opened = await openEnvironment({ demo: true }, { OPSDECK_STATE_DIR: dir });
  runtime = new Runtime({ sources: opened.sources, env: opened.info });
  expect(tuiActions({ ...opened, ecsControl: undefined, rdsControl: undefined, postgresAdmin: undefined }, runtime, {})).toBeUndefined();
  const pgOnly = tuiActions({ ...opened, ecsControl: undefined, rdsControl: undefined }, runtime, { OPSDECK_STATE_DIR: dir });
  expect(Object.keys(pgOnly!.actions.requests)).toEqual(['postgres']);
  await pgOnly!.settle(() => undefined);
  const rdsOnly = tuiActions({ ...opened, ecsControl: undefined, postgresAdmin: undefined }, runtime, { OPSDECK_STATE_DIR: dir });
  expect(Object.keys(rdsOnly!.actions.requests)).toEqual(['rds']);
  await rdsOnly!.settle(() => undefined);
});

function runOf(controller: ActionController, title: RegExp) {
  return (controller.getState().runs ?? []).find((r) => title.test(r.title));
}

function untilRun(controller: ActionController, title: RegExp, stage: 'watching' | 'finished'): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const r = runOf(controller, title);
      if (!r || (stage === 'watching' ? r.stage === 'calling' : r.stage !== 'finished')) return;
      off();
      resolve();
    };
    const off = controller.subscribe(check);
    check();
  });
}

async function confirmed(controller: ActionController, phrase?: string): Promise<void> {
  await until(controller, 'confirm');
  const p = controller.getState().plan!.phrase;
  // a destructive plan asks why first
  answerReason(controller);
  controller.key({ input: phrase ?? p });
  if (p !== 'y') controller.key({ input: '', return: true });
}

test('during a watched restore a rollback of another service runs to completion; the restore is still watched', { timeout: 120_000 }, async () => {
  const { controller, requests, journal, busy, opened } = await open({ scenario: 'bad-deploy' });
  const rds = await opened.sources.rds.describe(AbortSignal.timeout(5_000));
  const snapshot = rds.snapshots.find((x) => x.instanceId === 'demo-db' && x.status === 'available')!;
  controller.begin(requests.rds!.restore(snapshot.id, 'demo-db'));
  await until(controller, 'input');
  controller.key({ input: '', return: true });
  await confirmed(controller);
  await untilRun(controller, /^Restore /, 'watching');
  // the restore's call is made: nothing holds api, and the box is free
  expect(busy('api')).toBeUndefined();
  expect(busy()).toMatch(/^Restore .* is being watched$/);
  controller.begin(requests.ecs!.rollback('demo', 'api'));
  // the revision prompt: bad-deploy's previous revision is bad too, so "good": the last known good one
  await until(controller, 'input');
  for (const ch of 'good') controller.key({ input: ch });
  controller.key({ input: '', return: true });
  await confirmed(controller);
  await untilRun(controller, /^Roll back demo\/api/, 'finished');
  expect(runOf(controller, /^Roll back demo\/api/)!.result).toMatchObject({ outcome: 'done' });
  expect(runOf(controller, /^Restore /)!.stage).toBe('watching');
  const records = journal.read().map((r) => [r.action, r.phase, r.outcome]);
  expect(records).toEqual([
    ['restore', 'intent', null],
    ['restore', 'outcome', 'ok'],
    ['rollback', 'intent', null],
    ['rollback', 'outcome', 'ok'],
    ['rollback', 'verify', 'ok'],
  ]);
});

test('a new action on a watched target supersedes that watch, and the journal says who took over', { timeout: 120_000 }, async () => {
  const { controller, requests, journal, busy } = await open();
  controller.begin(requests.ecs!.scale('demo', 'worker'));
  await until(controller, 'input');
  controller.key({ input: '0' });
  controller.key({ input: '', return: true });
  await confirmed(controller);
  await untilRun(controller, /^Scale demo\/worker/, 'watching');
  expect(busy('worker')).toBeUndefined();
  controller.begin(requests.ecs!.redeploy('demo', 'worker'));
  await confirmed(controller);
  await untilRun(controller, /^Scale demo\/worker/, 'finished');
  expect(runOf(controller, /^Scale demo\/worker/)!.result).toMatchObject({ outcome: 'aborted', message: expect.stringMatching(/the watch stopped: Redeploy demo\/worker took over demo\/worker$/) });
  const verify = journal.read().find((r) => r.action === 'scale' && r.phase === 'verify')!;
  expect([verify.outcome, verify.detail]).toEqual(['aborted', expect.stringMatching(/^the watch stopped: .* took over demo\/worker$/)]);
});
