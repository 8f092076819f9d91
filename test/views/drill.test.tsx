/**
 * The backup drill from the dashboard, on the sandbox with its real local
 * PostgreSQL databases: D on the RDS panel asks, y starts it, the drill
 * screen shows the steps as they go to PARITY and the report; Esc hides it
 * while it runs; read-only mode has no D.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { ActionController } from '../../src/actions/controller.js';
import { TuiDrill } from '../../src/dashboard/drill.js';
import type { TuiActions } from '../../src/dashboard/ports.js';
import { actionBusy } from '../../src/dashboard/actions.js';
import { drillPhrase } from '../../src/drills/setup.js';
import { allData } from './fixtures.js';
import type { Harness } from './render.js';
import { KEYS, plain, renderView } from './render.js';
import { drillHarness, START, type DrillHarness } from '../drills/support.js';

let v: Harness | undefined;
let h: DrillHarness | undefined;
let drill: TuiDrill | undefined;
afterEach(async () => {
  v?.unmount();
  drill?.abort();
  await drill?.settled();
  await h?.close();
  v = h = drill = undefined;
});

async function open(readOnly = false, envInfo: { protected?: boolean } = {}) {
  h = await drillHarness({ env: { readOnly, ...envInfo } });
  const harness = h;
  const env = harness.ctx.env;
  drill = new TuiDrill({
    drillOf: (instance) => harness.sandbox.environment.rds.find((r) => r.instance === instance)?.drill,
    phraseOf: (instance) => drillPhrase(env, instance),
    readOnly: () => env.readOnly,
    setup: async () => ({ deps: harness.deps, close: async () => undefined }),
    now: () => harness.clock.now(),
  });
  const controller = new ActionController(harness.deps.executor);
  const actions: TuiActions = { controller, requests: {}, notes: () => [], busy: () => actionBusy(controller), drill };
  const rds = await harness.sandbox.sources.rds.describe(new AbortController().signal);
  v = renderView({ noColor: true, columns: 120, rows: 40, at: START, env, data: { ...allData, rds }, actions });
  await v.waitFor((f) => f.includes('1 ECS'));
  v.press('2');
  await v.waitFor((f) => f.includes('╔═ 2 RDS'));
  return v;
}

describe('the backup drill from the RDS panel', () => {
  test('D asks, y runs the drill: the steps progress to PARITY and the report', async () => {
    const view = await open();
    view.press('D');
    const asked = plain(await view.waitFor((f) => f.includes('Run the backup drill of demo-db?')));
    expect(asked).toContain('restores a snapshot to a throwaway instance and deletes it afterwards [y/N]');
    view.press('y');
    await view.waitFor((f) => f.includes('BACKUP DRILL demo-db'));
    const end = plain(await view.waitFor((f) => f.includes('PARITY:'), 60_000));
    expect(end).toMatch(/PARITY: 100%\s+RTO: [\d.]+ minutes/);
    for (const step of ['snapshot', 'restore', 'available', 'connect', 'verify', 'cleanup', 'report']) expect(end).toMatch(new RegExp(`✓ ${step}\\s+ok`));
    expect(end).toMatch(/✓ table users .*expected/);
    expect(end).toMatch(/report: .*\.md/);
    const report = drill!.getState().report!;
    expect(report.outcome).toBe('passed');
    expect(report.cleanup.status).toBe('deleted');
    // Esc goes back to the dashboard; the finished drill is not a running one
    view.press(KEYS.escape);
    const back = plain(await view.waitFor((f) => !f.includes('BACKUP DRILL')));
    expect(back).not.toMatch(/backup drill of demo-db runs/);
  }, 90_000);

  test('anything but y leaves the drill unstarted', async () => {
    const view = await open();
    view.press('D');
    await view.waitFor((f) => f.includes('[y/N]'));
    view.press('n');
    expect(plain(await view.waitFor((f) => f.includes('the drill was not started')))).not.toContain('BACKUP DRILL');
    expect(drill!.getState().phase).toBe('idle');
  }, 30_000);

  test('a protected environment asks for env/instance typed', async () => {
    const view = await open(false, { protected: true });
    view.press('D');
    const phrase = drillPhrase(h!.ctx.env, 'demo-db')!;
    await view.waitFor((f) => f.includes(`Type ${phrase}`));
    view.press(...Array.from(phrase), KEYS.enter);
    await view.waitFor((f) => f.includes('BACKUP DRILL demo-db'));
    view.press(KEYS.escape);
    // hidden, it goes on: the footer says so
    await view.waitFor((f) => f.includes('backup drill of demo-db runs') || drill!.getState().phase === 'finished');
    await view.waitFor(() => drill!.getState().phase === 'finished', 60_000);
    expect(drill!.getState().report?.outcome).toBe('passed');
  }, 90_000);

  test('read-only: D is not there and says why', async () => {
    const view = await open(true);
    view.press('D');
    const f = plain(await view.waitFor((x) => x.includes('read-only')));
    expect(f).not.toContain('Run the backup drill');
    expect(drill!.getState().phase).toBe('idle');
  }, 30_000);
});
