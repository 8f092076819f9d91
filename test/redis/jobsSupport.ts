/**
 * Any queue action wired as the CLI wires it: the real QueueControl on
 * Redis, a real journal and lock file in a temp state directory.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { environmentLocator } from '../../src/actions/lockResource.js';
import { runAction, type ExecutorDeps, type RunResult } from '../../src/actions/executor.js';
import type { ActionDefinition, Plan } from '../../src/actions/types.js';
import type { QueueActionContext } from '../../src/actions/queues/context.js';
import { createRedisQueueControl, type QueueControl } from '../../src/sources/redis/control.js';
import type { RedisConfig } from '../../src/sources/redis/index.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';

export interface JobsHarness {
  queues: QueueControl;
  journal: AuditJournal;
  plan<A, P>(action: ActionDefinition<A, QueueActionContext, P>, args: A): Promise<Plan<P>>;
  run<A, P>(action: ActionDefinition<A, QueueActionContext, P>, plan: Plan<P>, typed?: string): Promise<RunResult>;
  close(): Promise<void>;
}

export function jobsHarness(configs: RedisConfig[]): JobsHarness {
  const dir = mkdtempSync(join(tmpdir(), 'opsdeck-jobs-'));
  mkdirSync(join(dir, 'locks'));
  const journal = new AuditJournal(join(dir, 'audit.jsonl'));
  const info: EnvironmentInfo = { name: 'test', protected: false, readOnly: false, region: 'local', account: 'local', identity: 'tester' };
  const deps: ExecutorDeps = { journal, lock: new FileTargetLock(join(dir, 'locks')), locate: environmentLocator(() => info, Object.fromEntries(configs.map((c) => [c.name, c.url]))) };
  const queues = createRedisQueueControl(configs, { connectTimeoutMs: 1_000 });
  const ctx: QueueActionContext = { env: info, now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)), queues };
  const signal = () => AbortSignal.timeout(30_000);
  return {
    queues,
    journal,
    plan: (action, args) => action.plan(ctx, args, signal()),
    run: (action, plan, typed = plan.phrase) => runAction(deps, { action, ctx, plan, typed, signal: signal() }),
    async close() {
      await queues.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
