import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type Sandbox, type Scenario } from '../../src/sources/sandbox/index.js';
import { sandboxEcsControl } from '../../src/sources/sandbox/control.js';
import { ManualClock } from '../../src/engine/clock.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { evaluateCondition } from '../../src/checks/topology.js';
import type { EcsActionContext } from '../../src/actions/ecs/context.js';
import type { ExecutorDeps } from '../../src/actions/executor.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';
import type { QueuesSnapshot } from '../../src/model/queues.js';

export interface Harness {
  sandbox: Sandbox;
  clock: ManualClock;
  ctx: EcsActionContext;
  deps: ExecutorDeps;
  journal: AuditJournal;
  dir: string;
  cleanup(): void;
}

/** A sandbox on a manual clock, a real journal and a real file lock in a temp state directory. */
export async function harness(opts: { scenario?: Scenario; env?: Partial<EnvironmentInfo> } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'opsdeck-actions-'));
  const clock = new ManualClock(Date.parse('2026-11-22T09:00:00Z'));
  const sandbox = createSandbox({ scenario: opts.scenario ?? 'calm', seed: 11, clock });
  const queues: QueuesSnapshot = await sandbox.sources.queues.read(new AbortController().signal);
  const env = { ...sandbox.info, ...opts.env };
  const ctx: EcsActionContext = {
    env,
    now: () => clock.now(),
    // verification waits move the virtual clock, so the sandbox's tasks start and stop
    sleep: async (ms) => clock.advance(ms),
    ecs: sandboxEcsControl(sandbox),
    condition: (rule) => evaluateCondition(rule, { queues }),
    ruleFor: (cluster, service) => sandbox.environment.ecs.find((c) => c.cluster === cluster && (!c.services || c.services.includes(service)))?.singleInstanceUnless,
  };
  const journal = new AuditJournal(join(dir, 'audit.jsonl'));
  mkdirSync(join(dir, 'locks'), { recursive: true });
  const deps: ExecutorDeps = { journal, lock: new FileTargetLock(join(dir, 'locks')) };
  return { sandbox, clock, ctx, deps, journal, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
