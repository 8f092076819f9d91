/**
 * A runbook run in-process on the sandbox, on a clock that a sleep moves
 * forward: a run that takes minutes of simulated time (tasks stopping, a
 * snapshot becoming available) takes a moment of test time, and its end
 * state is read from the same sandbox.
 */
import { Writable } from 'node:stream';
import { ManualClock } from '../../src/engine/clock.js';
import { createSandbox, type Sandbox, type Scenario } from '../../src/sources/sandbox/index.js';
import { sandboxBackend } from '../../src/sources/sandbox/backend.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { createTargetLock } from '../../src/actions/lockSelect.js';
import { runAction, type RunResult } from '../../src/actions/executor.js';
import { runbookAction, type RunbookArgs } from '../../src/runbooks/runbookAction.js';
import { loadRunbooks, findRunbook } from '../../src/runbooks/library.js';
import { runbookContext } from '../../src/cli/runbookContext.js';
import { resourceLocator } from '../../src/cli/actionSetup.js';
import { IncidentRecorder } from '../../src/incident/index.js';
import type { OpenedEnvironment } from '../../src/cli/environment.js';
import type { Plan } from '../../src/actions/types.js';
import type { RunbookParams } from '../../src/runbooks/runbookAction.js';
import type { Runbook } from '../../src/runbooks/format.js';

export const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);

export interface Harness {
  sandbox: Sandbox;
  clock: ManualClock;
  opened: OpenedEnvironment;
  lines: string[];
  plan(name: string | Runbook, extra?: Partial<RunbookArgs> & { answers?: Record<string, string> }): Promise<{ plan: Plan<RunbookParams>; run(typed: string | undefined, signal?: AbortSignal): Promise<RunResult> }>;
  services(): Promise<Map<string, { desired: number; running: number; taskDefinition: string; suspended?: boolean }>>;
}

export function builtIn(name: string): Runbook {
  const found = findRunbook(loadRunbooks(), name);
  if (!found) throw new Error(`no built-in runbook ${name}`);
  return found.runbook;
}

export function harness(scenario: Scenario = 'calm', opts: { protected?: boolean } = {}): Harness {
  const clock = new ManualClock(T0);
  const sandbox = createSandbox({ scenario, clock });
  const info = { ...sandbox.info, readOnly: false, ...(opts.protected ? { protected: true } : {}) };
  const opened = { info, config: sandbox.environment, sources: sandbox.sources, intervals: {}, ...sandboxBackend(sandbox) } as OpenedEnvironment;
  const lines: string[] = [];
  const stderr = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }) as unknown as NodeJS.WriteStream;
  const timing = {
    now: () => clock.now(),
    async sleep(ms: number) {
      clock.advance(ms);
      await new Promise((r) => setImmediate(r));
    },
  };
  return {
    sandbox,
    clock,
    opened,
    lines,
    async plan(name, extra = {}) {
      const runbook = typeof name === 'string' ? builtIn(name) : name;
      const { answers, ...args } = extra;
      const { rb } = await runbookContext(opened, { env: process.env, isTTY: false, stderr, answers: new Map(Object.entries(answers ?? {})) }, timing);
      const plan = await runbookAction.plan(rb, { runbook, ...args }, new AbortController().signal);
      const recorder = new IncidentRecorder({ env: process.env });
      const deps = {
        journal: AuditJournal.open(process.env),
        lock: createTargetLock({ env: process.env }),
        locate: resourceLocator(opened),
        observer: { planned: (p: Plan) => recorder.planned(p), confirmed: (p: Plan) => recorder.confirmed(p), outcome: (p: Plan, r: RunResult) => recorder.outcome(p, r) },
      };
      return { plan, run: (typed, signal) => runAction(deps, { action: runbookAction, ctx: rb, plan, typed, ...(signal ? { signal } : {}) }) };
    },
    async services() {
      const snap = await sandbox.sources.ecs.describe(new AbortController().signal);
      return new Map(snap.services.map((s) => [s.name, { desired: s.desired, running: s.running, taskDefinition: s.taskDefinition, ...(s.autoscaling ? { suspended: s.autoscaling.suspended.dynamicIn && s.autoscaling.suspended.dynamicOut && s.autoscaling.suspended.scheduled } : {}) }]));
    },
  };
}
