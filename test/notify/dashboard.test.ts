/**
 * The dashboard's wiring, through runDashboard with a launcher that plays
 * the operator instead of drawing: an incident started with `i`, a phrase
 * mistyped in the confirmation box (which stays open), the action done, a
 * note, the end; the receiver has them in that order once the dashboard has
 * closed (its queue is flushed on the way out).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { rmSync } from 'node:fs';
import { openEnvironment } from '../../src/cli/environment.js';
import { runDashboard } from '../../src/dashboard/run.js';
import type { ActionController, ActionPhase } from '../../src/actions/controller.js';
import { startReceiver, type Receiver } from './receiver.js';
import { notifySetup, type Setup } from './support.js';
import { answerReason } from '../views/actionSupport.js';

let r: Receiver;
let s: Setup;
beforeAll(async () => {
  r = await startReceiver();
  s = notifySetup(r);
});
afterAll(async () => {
  await r.close();
  rmSync(s.dir, { recursive: true, force: true });
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

test('an incident in the dashboard: started, a mistyped phrase, the action, a note, the end, each notified in order', async () => {
  const env = { ...process.env, ...s.env } as NodeJS.ProcessEnv;
  for (const [k, v] of Object.entries(s.env)) if (v === undefined) delete env[k];
  env.OPSDECK_STATE_DIR = `${s.env.OPSDECK_STATE_DIR}-demo`;
  const first = await openEnvironment({ demo: true, config: s.config }, env);
  const replies: string[] = [];
  const reports: string[] = [];
  await runDashboard({
    first,
    open: () => Promise.reject(new Error('no switching here')),
    names: [],
    processEnv: env,
    logSinceMs: 15 * 60_000,
    noColor: true,
    report: (line) => reports.push(line),
    launch: async (view) => {
      replies.push(view.incident!.start('checkout slow').message);
      const { controller, requests } = view.actions!;
      controller.begin(requests.ecs!.scale('demo', 'worker'));
      controller.key({ input: '1' });
      controller.key({ input: '', return: true });
      await until(controller, 'confirm');
      expect(answerReason(controller, 'checkout slow: fewer workers')).toBe(true);
      controller.key({ input: 'wrkr' });
      controller.key({ input: '', return: true });
      controller.key({ input: '', escape: true });
      controller.begin(requests.ecs!.scale('demo', 'worker'));
      controller.key({ input: '1' });
      controller.key({ input: '', return: true });
      await until(controller, 'confirm');
      expect(answerReason(controller, 'checkout slow: fewer workers')).toBe(true);
      controller.key({ input: 'worker' });
      controller.key({ input: '', return: true });
      await until(controller, 'finished');
      replies.push(view.incident!.note('worker at 1').message);
      replies.push(view.incident!.end().message);
    },
  });
  expect(replies[0]).toMatch(/^incident started: checkout slow/);
  expect(reports).toEqual([]);
  for (const x of r.received) expect(x.problems).toEqual([]);
  const hook = r.received.filter((x) => x.kind === 'webhook').map((x) => x.body as { event: string; incident?: { title: string } });
  expect(hook.map((b) => b.event)).toEqual(['incident.started', 'action.refused', 'action.executed', 'incident.updated', 'incident.ended']);
  expect(hook.every((b) => b.incident?.title === 'checkout slow')).toBe(true);
  // the box's reason rides on the action's notice; the note carries the status-page draft as it stands, the end the Resolved one
  expect(hook[2]).toMatchObject({ event: 'action.executed', reason: 'checkout slow: fewer workers' });
  expect((hook[3] as { statusPage?: string }).statusPage).toMatch(/^\[(Investigating|Identified)\] Problems with/);
  expect((hook[4] as { statusPage?: string }).statusPage).toMatch(/^\[Resolved\]/);
  const pd = r.received.filter((x) => x.kind === 'pagerduty').map((x) => x.body as { event_action: string; dedup_key: string });
  // the last trigger carries the Resolved draft to the alert (a resolve carries no details), then the resolve
  expect(pd.map((e) => e.event_action)).toEqual(['trigger', 'trigger', 'trigger', 'trigger', 'trigger', 'resolve']);
  expect(new Set(pd.map((e) => e.dedup_key)).size).toBe(1);
}, 90_000);
