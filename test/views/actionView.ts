/**
 * The one fixture of the action view tests: the dashboard drawn on the
 * sandbox's data with a real action controller (actionSupport.ts), torn down
 * after each test, and what those tests look at in a frame.
 */
import { afterEach, expect } from 'vitest';
import stringWidth from 'string-width';
import type { Harness, RenderOptions } from './render.js';
import { plain, renderView } from './render.js';
import { actionHarness, type ActionHarness } from './actionSupport.js';
import type { Scenario } from '../../src/sources/sandbox/index.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';
import type { ActionObserver, ApprovalGate } from '../../src/actions/executor.js';
import type { ApprovalRequester } from '../../src/actions/controller.js';

export interface ActionViewOptions extends RenderOptions {
  scenario?: Scenario;
  env?: Partial<EnvironmentInfo>;
  notes?: string[];
  /** focus this panel first (2 RDS, 4 Queues) and wait until it is */
  panel?: '2' | '4';
  /** the two-person rule: the executor's gate and the box's requester */
  approvals?: { gate: ApprovalGate; requester: ApprovalRequester };
  /** told of every run's plan and outcome, as the dashboard's timeline and notifier are */
  observer?: ActionObserver;
}

/** Call at the top of a test file: `open` draws the dashboard; every test's is torn down after it. */
export function actionViews(): {
  open(opts?: ActionViewOptions): Promise<{ v: Harness; a: ActionHarness }>;
  /** a dashboard of the test's own making, torn down like the others */
  render(opts?: RenderOptions): Harness;
  /** a controller of the test's own making, torn down like the others */
  harness(opts?: Parameters<typeof actionHarness>[0]): Promise<ActionHarness>;
} {
  let v: Harness | undefined;
  let a: ActionHarness | undefined;
  afterEach(() => {
    v?.unmount();
    a?.cleanup();
    v = undefined;
    a = undefined;
  });
  return {
    async open(opts = {}) {
      const h = await actionHarness({ scenario: opts.scenario, env: opts.env, notes: opts.notes, ...(opts.approvals ? { approvals: opts.approvals } : {}), ...(opts.observer ? { observer: opts.observer } : {}) });
      a = h;
      const view = renderView({ noColor: true, ...opts, data: h.data, env: h.env, actions: h.actions });
      v = view;
      if (opts.panel) {
        await view.waitFor((f) => f.includes('1 ECS'));
        view.press(opts.panel);
        await view.waitFor((f) => f.includes(opts.panel === '2' ? '╔═ 2 RDS' : '╔═ 4 Queues'));
      } else await view.waitFor((f) => f.includes('╔═ 1 ECS') && f.includes('api'));
      return { v: view, a: h };
    },
    render(opts = {}) {
      v = renderView({ noColor: true, ...opts });
      return v;
    },
    async harness(opts) {
      a = await actionHarness(opts);
      return a;
    },
  };
}

/** Every row of the frame fits the terminal, one row left free (see App.tsx). */
export function expectFits(frame: string, columns: number, rows: number): void {
  const lines = plain(frame).split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
}

/** The frame's text without borders and line breaks, for checking what wrapped. */
export const flat = (frame: string) => frame.replace(/[║│]/g, ' ').replace(/\s+/g, ' ');

/** The action box is closed and the hint bar is back. */
export const overlayGone = (f: string) => !f.includes('DESTRUCTIVE') && !f.includes('REVERSIBLE') && f.includes('s scale');

/** The reason line of a destructive (or approval-guarded) plan is on screen. */
export const reasonAsked = (f: string) => f.includes('reason> ');

/**
 * Answers the box's reason line (asked before the phrase of a destructive
 * plan): waits for it, types `reason`, Enter, and waits for the phrase's prompt.
 */
export async function giveReason(v: Harness, reason = 'test: the operator says why'): Promise<string> {
  await v.waitFor(reasonAsked);
  v.type(reason);
  v.press('\r');
  return v.waitFor((f) => !reasonAsked(f) && (f.includes('to confirm') || f.includes('Go ahead?')));
}
