/**
 * A real action controller for view tests: the sandbox on a manual clock, the
 * sandbox's ECS, RDS and queue controls, a real journal and a real lock file
 * in a temp directory. Verification waits are held until the test releases
 * them, so a test can look at the running phase before the outcome.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type Sandbox, type Scenario } from '../../src/sources/sandbox/index.js';
import { sandboxEcsControl } from '../../src/sources/sandbox/control.js';
import { ManualClock } from '../../src/engine/clock.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { environmentLocator } from '../../src/actions/lockResource.js';
import { ActionController, type ApprovalRequester } from '../../src/actions/controller.js';
import { ecsRequests, pgRequests, queueRequests, rdsRequests } from '../../src/actions/requests.js';
import { sandboxPostgresAdmin } from '../../src/sources/sandbox/pgAdmin.js';
import { TuiJobs } from '../../src/dashboard/jobs.js';
import { sandboxRdsControl } from '../../src/sources/sandbox/rdsControl.js';
import { sandboxQueueControl } from '../../src/sources/sandbox/queueControl.js';
import type { ActionContext } from '../../src/actions/types.js';
import { evaluateCondition } from '../../src/checks/topology.js';
import type { EcsActionContext } from '../../src/actions/ecs/context.js';
import type { RdsActionContext } from '../../src/actions/rds/context.js';
import type { QueueActionContext } from '../../src/actions/queues/context.js';
import type { EcsControl } from '../../src/sources/ports.js';
import type { EcsService, EcsSnapshot } from '../../src/model/ecs.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';
import type { TuiActions } from '../../src/dashboard/ports.js';
import { actionBusy } from '../../src/dashboard/actions.js';
import type { PanelData } from '../../src/model/panels.js';
import type { ActionObserver, ApprovalGate } from '../../src/actions/executor.js';
import { LogTail } from '../../src/engine/logTail.js';
import { allData } from './fixtures.js';

export interface ActionHarness {
  sandbox: Sandbox;
  /** the contexts the requests are bound to (a runbook run's steps act through them) */
  contexts: { base: ActionContext; ecs: EcsActionContext; rds: RdsActionContext; queues: QueueActionContext };
  control: EcsControl;
  journal: AuditJournal;
  env: EnvironmentInfo;
  controller: ActionController;
  actions: TuiActions;
  /** the fixtures, with the sandbox's services, RDS and queues in their panels */
  data: PanelData;
  /** the sandbox's RDS and queues as their panels would read them now */
  read(): Promise<Pick<PanelData, 'rds' | 'queues'>>;
  /** every panel as the sandbox's sources give it now (the logs from 15 minutes back, as the runtime starts them) */
  panels(): Promise<PanelData>;
  clock: ManualClock;
  service(name: string): Promise<EcsService>;
  /** lets verification run to its end from now on */
  release(): void;
  /** how many verification waits are being held */
  held(): number;
  cleanup(): void;
}

const signal = new AbortController().signal;

export async function actionHarness(opts: { scenario?: Scenario; env?: Partial<EnvironmentInfo>; notes?: string[]; observer?: ActionObserver; approvals?: { gate: ApprovalGate; requester: ApprovalRequester } } = {}): Promise<ActionHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'opsdeck-views-actions-'));
  const clock = new ManualClock(Date.parse('2026-11-22T09:00:00Z'));
  const sandbox = createSandbox({ scenario: opts.scenario ?? 'calm', seed: 11, clock });
  const control = sandboxEcsControl(sandbox);
  const queues = await sandbox.sources.queues.read(signal);
  const env = { ...sandbox.info, ...opts.env };
  let auto = false;
  const waiting: (() => void)[] = [];
  const common: ActionContext = {
    env,
    now: () => clock.now(),
    sleep: (ms, sig) =>
      new Promise<void>((resolve, reject) => {
        const go = () => {
          clock.advance(ms);
          resolve();
        };
        if (auto) return go();
        waiting.push(go);
        sig.addEventListener('abort', () => reject(sig.reason), { once: true });
      }),
  };
  const ctx: EcsActionContext = {
    ...common,
    ecs: control,
    condition: (rule) => evaluateCondition(rule, { queues }),
    ruleFor: (cluster, service) => sandbox.environment.ecs.find((c) => c.cluster === cluster && (!c.services || c.services.includes(service)))?.singleInstanceUnless,
  };
  const journal = new AuditJournal(join(dir, 'audit.jsonl'));
  mkdirSync(join(dir, 'locks'), { recursive: true });
  const locate = environmentLocator(() => sandbox.info, Object.fromEntries(sandbox.environment.redis.map((r) => [r.name, r.url])), undefined, Object.fromEntries(sandbox.environment.postgres.map((p) => [p.name, p.url])));
  const controller = new ActionController({ journal, lock: new FileTargetLock(join(dir, 'locks')), locate, ...(opts.observer ? { observer: opts.observer } : {}), ...(opts.approvals ? { approvals: opts.approvals.gate } : {}) }, opts.approvals?.requester);
  const ecs: EcsSnapshot = await sandbox.sources.ecs.describe(signal);
  const read = async () => ({ rds: await sandbox.sources.rds.describe(signal), queues: await sandbox.sources.queues.read(signal) });
  const contexts = {
    base: common,
    ecs: ctx,
    rds: { ...common, rds: sandboxRdsControl(sandbox) },
    queues: { ...common, queues: sandboxQueueControl(sandbox) },
    postgres: { ...common, postgres: sandboxPostgresAdmin(sandbox) },
  };
  const queueControl = contexts.queues.queues;
  const requests = { ecs: ecsRequests(ctx), rds: rdsRequests(contexts.rds), queues: queueRequests(contexts.queues), postgres: pgRequests(contexts.postgres) };
  return {
    sandbox,
    contexts,
    control,
    journal,
    env,
    controller,
    clock,
    read,
    actions: { controller, requests, notes: () => opts.notes ?? [], busy: (target) => actionBusy(controller, target), jobs: new TuiJobs(queueControl) },
    data: { ...allData, ecs, ...(await read()) },
    service: (name) => control.service('demo', name, signal),
    async panels() {
      const s = sandbox.sources;
      // as the runtime builds it: the config's log rules watch the lines too
      const from = clock.now() - 15 * 60_000;
      const tail = new LogTail({ capacity: 10_000, minutes: 30, groups: s.logs.groups, visible: 2_000, rules: s.logs.rules ?? [], savedFilters: s.logs.savedFilters ?? [], startAt: from });
      tail.add(await s.logs.read(undefined, from, signal));
      return { ecs: await s.ecs.describe(signal), ...(await read()), logs: tail.snapshot(clock.now()), postgres: await s.postgres.read(signal), health: await s.health.probe(signal), metrics: await s.metrics.read(signal) };
    },
    release() {
      auto = true;
      for (const go of waiting.splice(0)) go();
    },
    held: () => waiting.length,
    cleanup() {
      controller.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Answers the action box's reason line when it is asked (a destructive or
 * approval-guarded plan in phase confirm): the text, then Enter. Returns
 * whether it was asked.
 */
export function answerReason(controller: ActionController, text = 'test: the operator says why'): boolean {
  const r = controller.getState().reason;
  if (controller.getState().phase !== 'confirm' || !r || r.entered) return false;
  controller.key({ input: text });
  controller.key({ input: '', return: true });
  return true;
}
