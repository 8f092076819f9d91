/**
 * What an opened environment acts on, whichever systems are behind it: the
 * real ones (AWS, the config's Redis and databases) or the sandbox. Callers
 * ask the backend; only the module that opens an environment knows which
 * one it is (src/cli/environment.ts).
 */
import type { EcsControl } from './ports.js';
import type { QueueControl } from './redis/control.js';
import type { RdsControl } from '../actions/rds/context.js';
import type { DrillEndpoints } from '../drills/setup.js';
import type { PostgresAdmin } from '../actions/postgres/context.js';
import type { DrillSummary } from '../drills/history.js';

/** Why a drill cannot be staged: `usage` the operator can fix the invocation; `failed` something broke. */
export class StageError extends Error {
  constructor(
    message: string,
    readonly kind: 'usage' | 'config' | 'failed',
  ) {
    super(message);
  }
}

/** A pause that ends early, rejecting, when `signal` aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface DrillStage {
  rds: RdsControl;
  /** the backend's clock: the sandbox may run faster than the wall */
  now(): number;
  /** the pause between verification reads */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** where the drill connects, given the RDS endpoints of the instances */
  endpoints(base: DrillEndpoints): DrillEndpoints;
  /** one line to tell the operator before the drill starts (where the sandbox's databases run) */
  note?: string;
  close(): Promise<void>;
}

export interface Backend {
  /** undefined when this build cannot act on the environment's ECS */
  ecsControl?: EcsControl;
  /** what RDS actions and the drill call; undefined without RDS access */
  rdsControl?: RdsControl;
  /** the queues the requeue action moves jobs in; the caller closes it; undefined without Redis */
  queueControl(): Promise<QueueControl | undefined>;
  /** what cancels a query or terminates a session (connects on first use); the caller closes it; undefined without a postgres entry */
  postgresAdmin?(): PostgresAdmin | undefined;
  /** the Redis the target lock lives in (the only lock that spans machines); undefined: a lock file */
  lockRedis?: { name: string; url: string };
  /**
   * What a backup drill (or its clean-up) runs on. `databases` attaches the
   * databases the drill connects to when the backend provides its own.
   * Throws a StageError (one line) when the environment cannot run a drill.
   */
  drillStage(processEnv: NodeJS.ProcessEnv, databases: boolean): Promise<DrillStage>;
  /** drills made before this run that no history file holds (the sandbox's seeded ones) */
  seededDrills?(): readonly DrillSummary[];
  /** whether `check` remembers its run for the next checklist window (the sandbox keeps no memory) */
  remembersChecklist: boolean;
  /** why `:env` cannot switch from here; undefined: it can */
  switchUnavailable?: string;
}
