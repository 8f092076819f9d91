/**
 * The requeue action wired as the CLI will wire it: the real QueueControl on
 * Redis, a real journal and a real lock file in a temp state directory.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { environmentLocator } from '../../src/actions/lockResource.js';
import { runAction, type ExecutorDeps, type RunResult } from '../../src/actions/executor.js';
import type { Plan, VerifyProgress } from '../../src/actions/types.js';
import type { RequeueParams } from '../../src/actions/queues/requeue.js';
import type { QueueActionContext } from '../../src/actions/queues/context.js';
import { requeueAction, type RequeueArgs } from '../../src/actions/queues/requeue.js';
import { createRedisQueueControl } from '../../src/sources/redis/control.js';
import type { RedisConfig } from '../../src/sources/redis/index.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';

export interface QueueHarness {
  ctx: QueueActionContext;
  deps: ExecutorDeps;
  journal: AuditJournal;
  plan(args: RequeueArgs): Promise<Plan<RequeueParams>>;
  run(plan: Plan<RequeueParams>, typed?: string): Promise<RunResult & { progress: VerifyProgress[] }>;
  close(): Promise<void>;
}

export function queueHarness(configs: RedisConfig[], env: Partial<EnvironmentInfo> = {}): QueueHarness {
  const dir = mkdtempSync(join(tmpdir(), 'opsdeck-requeue-'));
  mkdirSync(join(dir, 'locks'));
  const journal = new AuditJournal(join(dir, 'audit.jsonl'));
  const info: EnvironmentInfo = { name: 'test', protected: false, readOnly: false, region: 'local', account: 'local', identity: 'tester', ...env };
  const locate = environmentLocator(() => info, Object.fromEntries(configs.map((c) => [c.name, c.url])));
  const deps: ExecutorDeps = { journal, lock: new FileTargetLock(join(dir, 'locks')), locate };
  const queues = createRedisQueueControl(configs, { connectTimeoutMs: 1_000 });
  const ctx: QueueActionContext = {
    env: info,
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    queues,
  };
  const signal = () => AbortSignal.timeout(30_000);
  return {
    ctx,
    deps,
    journal,
    plan: (args) => requeueAction.plan(ctx, args, signal()),
    async run(plan, typed = plan.phrase) {
      const progress: VerifyProgress[] = [];
      const res = await runAction(deps, { action: requeueAction, ctx, plan, typed, onProgress: (p) => progress.push(p), signal: signal() });
      return { ...res, progress };
    },
    async close() {
      await queues.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function planIds(plan: Plan<RequeueParams>): string[] {
  return plan.params.ids;
}
