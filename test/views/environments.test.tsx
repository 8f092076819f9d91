/**
 * `:env` on the command line: the environments of the config, switching to
 * another one without a restart (a new runtime, actions and findings; the
 * old runtime stopped), an unknown name, a failure to open, the demo. Two
 * sandbox-backed environments cannot come from a config, so the opener is
 * injected: each name opens its own sandbox, renamed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { giveReason } from './actionView.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { Harness } from './render.js';
import { KEYS, renderView } from './render.js';
import { openEnvironment, type OpenedEnvironment } from '../../src/cli/environment.js';
import { TuiSessions } from '../../src/dashboard/sessions.js';
import type { ActionRequest } from '../../src/actions/controller.js';

let v: Harness | undefined;
let sessions: TuiSessions | undefined;
let dir: string | undefined;
afterEach(async () => {
  v?.unmount();
  await sessions?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  v = sessions = dir = undefined;
});

const SCENARIO: Record<string, string> = { prod: 'calm', staging: 'dlq-backlog' };

async function open(opts: { unavailable?: string } = {}) {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-views-env-'));
  const env = { OPSDECK_STATE_DIR: dir };
  const opened: string[] = [];
  sessions = new TuiSessions({
    open: async (name): Promise<OpenedEnvironment> => {
      const n = name ?? 'prod';
      opened.push(n);
      if (!SCENARIO[n]) throw new Error(`environments.${n}.ecs[0].cluster: Required`);
      const o = await openEnvironment({ demo: true, scenario: SCENARIO[n] }, env);
      o.info = { ...o.info, name: n };
      return o;
    },
    names: ['prod', 'staging', 'broken'],
    ...(opts.unavailable ? { unavailable: opts.unavailable } : {}),
    processEnv: env,
    logSinceMs: 15 * 60_000,
  });
  const first = await sessions.openFirst();
  v = renderView({ noColor: true, columns: 120, rows: 40, runtime: first.runtime, ...(first.actions ? { actions: first.actions } : {}), checks: first.findings!, environments: sessions });
  // the first poll of every panel is in
  await v.waitFor((f) => f.includes(' PROD ') && !f.includes('loading'), 10_000);
  return { v, sessions, first, opened };
}

function command(v: Harness, text: string): void {
  v.press(':');
  v.type(text);
  v.press(KEYS.enter);
}

describe(':env', () => {
  test(':env lists the environments; an unknown name is one line with the known ones', async () => {
    const { v, opened } = await open();
    command(v, 'env');
    await v.waitFor((f) => f.includes('environments: prod (shown), staging, broken · :env NAME switches'));
    command(v, 'env nope');
    await v.waitFor((f) => f.includes('unknown environment "nope"; known: prod, staging, broken'));
    command(v, 'env prod');
    await v.waitFor((f) => f.includes('prod is the environment shown'));
    expect(opened).toEqual(['prod']);
  });

  test(':env staging switches without a restart: the header, the panels, the findings and the actions are staging\'s; prod stops', async () => {
    const { v, sessions, first } = await open();
    command(v, 'env staging');
    let frame = await v.waitFor((f) => f.includes('now showing staging (prod is no longer watched)'));
    expect(frame).toContain(' STAGING ');
    expect(frame).not.toContain(' PROD ');
    expect(first.runtime.signal.aborted).toBe(true);
    // staging's dead letters, judged by staging's own checks
    frame = await v.waitFor((f) => f.includes('critical: staging/jobs/emails dead letter'), 10_000);
    expect(frame).toMatch(/4 Queues  ✗ 1/);
    // its actions plan against staging
    const shown = sessions.current;
    expect(shown.runtime).not.toBe(first.runtime);
    expect(shown.actions!.controller).not.toBe(first.actions!.controller);
    v.press('4');
    await v.waitFor((f) => f.includes('╔═ 4 Queues'));
    v.press('Q');
    await giveReason(v);
    frame = await v.waitFor((f) => f.includes('Type default to confirm') || f.includes('Type emails to confirm'), 10_000);
    expect(shown.actions!.controller.getState().plan?.environment).toBe('staging');
    v.press(KEYS.escape);
    await v.waitFor((f) => !f.includes('to confirm'));
  });

  test('an environment that fails to open leaves the one shown as it was', async () => {
    const { v, first } = await open();
    command(v, 'env broken');
    const frame = await v.waitFor((f) => f.includes('could not open broken: environments.broken.ecs[0].cluster: Required; still showing prod'));
    expect(frame).toContain(' PROD ');
    expect(first.runtime.signal.aborted).toBe(false);
  });

  test('in the demo, :env says it is not available', async () => {
    const { v, opened } = await open({ unavailable: ':env is not available in the demo: it has one environment, the sandbox' });
    command(v, 'env staging');
    await v.waitFor((f) => f.includes(':env is not available in the demo'));
    expect(opened).toEqual(['prod']);
  });
});

describe('switching while an action is open', () => {
  test('refused while a plan is being read or an action runs; the environment stays', async () => {
    const { sessions, first } = await open();
    const stuck: ActionRequest<Record<string, never>> = {
      action: {
        id: 'stuck',
        title: 'Stuck',
        tier: 'reversible',
        plan: () => new Promise(() => undefined),
        fingerprint: async () => '',
        execute: async () => ({ requestIds: [], detail: '' }),
        verify: async () => ({ ok: true, message: '' }),
      },
      ctx: { env: first.runtime.env, now: Date.now, sleep: async () => undefined },
      title: 'Stuck',
      args: () => ({}),
    };
    first.actions!.controller.begin(stuck);
    expect(first.actions!.controller.getState().phase).toBe('planning');
    await expect(sessions.switchTo('staging')).rejects.toThrow('an action is running in prod: switch once it has finished (a shows it)');
    expect(sessions.current.runtime).toBe(first.runtime);
    expect(first.runtime.signal.aborted).toBe(false);
    first.actions!.controller.close();
  });

  test('the dashboard refuses while an action runs put away, and the overlay never takes :env as a command', async () => {
    const { v, first } = await open();
    v.press('j', 's');
    await v.waitFor((f) => f.includes('desired count:'));
    // the overlay has the keys: a : typed there is text for the prompt, never a switch
    v.type(':env');
    await v.waitFor((f) => f.includes('desired count: :env'));
    for (let i = 0; i < 4; i++) v.press(KEYS.backspace);
    v.type('0');
    v.press(KEYS.enter);
    await giveReason(v);
    await v.waitFor((f) => f.includes('Type worker to confirm'));
    v.type('worker');
    v.press(KEYS.enter);
    // the sandbox drains the workers over seconds: the action is still running when it is put away
    await v.waitFor((f) => f.includes('Esc does not stop it'));
    v.press(KEYS.escape);
    await v.waitFor((f) => f.includes('⟳ 1 running'));
    command(v, 'env staging');
    await v.waitFor((f) => f.includes('an action is running in prod: switch once it has finished (a shows it)'));
    expect(first.runtime.signal.aborted).toBe(false);
  });
});
