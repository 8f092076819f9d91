/**
 * What a drill runs on and what it is asked to do, the names it gives what
 * it creates, and the seams tests and the sandbox use: where to connect
 * (`DrillEndpoints`) and a view of the RDS calls as they happen (`observed`).
 */
import type { ExecutorDeps } from '../actions/executor.js';
import type { RdsActionContext, RdsControl, RdsWriteResult } from '../actions/rds/context.js';
import { confirmationPhrase, type Tier } from '../actions/types.js';
import type { EnvironmentInfo } from '../model/environment.js';
import type { ConnectionTarget, SessionOptions } from './sql.js';
import type { DrillConfig, DrillProgress } from './types.js';

export interface DrillEndpoints {
  /** where to connect for the source instance (production) or the restored one */
  connectionFor(instanceId: string, role: 'source' | 'drill', signal: AbortSignal): Promise<ConnectionTarget>;
}

export interface DrillDeps {
  /** env, clock, sleep and the RDS port, as the RDS actions take them */
  ctx: RdsActionContext;
  /** the journal and the lock every action goes through */
  executor: ExecutorDeps;
  endpoints: DrillEndpoints;
  /** the process environment, for the state directory */
  env?: Record<string, string | undefined>;
  session?: SessionOptions;
}

export interface DrillRequest {
  instance: string;
  drill: DrillConfig;
  /** default: the newest available automated snapshot */
  snapshot?: string;
  /** leave the restored instance running (cleanup deletes it later) */
  keep?: boolean;
  /** how long the restore may take to become available */
  timeoutMs?: number;
  /** what the operator gave as confirmation; required in a protected environment (see drillPhrase) */
  confirm?: string;
  /** ctrl-c: stop waiting, delete what was created when possible */
  signal?: AbortSignal;
  /** a second ctrl-c: stop the clean-up after an interrupt too */
  cleanupSignal?: AbortSignal;
  onProgress?: (p: DrillProgress) => void;
}

export const DRILL_ACTION = 'backup-drill';
export const DRILL_TIMEOUT_MS = 90 * 60_000;
/** the clean-up after ctrl-c asks RDS to delete, and does not wait longer than this for the answer */
export const INTERRUPT_CLEANUP_MS = 60_000;

/**
 * The drill's tier. All it changes is a new instance it tags and deletes
 * again, so elsewhere it is reversible and naming the instance starts it; a
 * protected environment asks for more, as every destructive action there
 * does: the environment and the instance, typed or passed with --confirm.
 */
export function drillTier(env: Pick<EnvironmentInfo, 'protected'>): Tier {
  return env.protected ? 'destructive' : 'reversible';
}

/** The phrase to type for the drill; undefined: y/N (or naming the instance on the command line) is enough. */
export function drillPhrase(env: Pick<EnvironmentInfo, 'name' | 'protected'>, instance: string): string | undefined {
  const tier = drillTier(env);
  return tier === 'destructive' ? confirmationPhrase(tier, env, instance) : undefined;
}

/** "20261122T090000Z": in run ids and report names, to the second so two runs never share a file. */
export function fileStamp(t: number): string {
  return new Date(t).toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';
}

export function runIdOf(instance: string, t: number): string {
  return `${instance}-${fileStamp(t)}`;
}

const SUFFIX = '-drill-';
/** UTC yyyymmddhhmmss: to the second, so a second drill in the same minute gets an id of its own. */
function drillStamp(t: number): string {
  return new Date(t).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}
/** <instance>-drill-<UTC yyyymmddhhmmss>, lower case as RDS stores it, the instance part cut to fit RDS's 63 characters. */
export function drillInstanceId(instance: string, t: number): string {
  const room = 63 - SUFFIX.length - 14;
  // the cut must not leave a trailing hyphen: "--" is not allowed in an RDS identifier
  const head = instance.toLowerCase().slice(0, room).replace(/-+$/, '');
  return `${head}${SUFFIX}${drillStamp(t)}`;
}

/** The instances' own endpoints with the drill's database and credentials, over TLS: what RDS serves. */
export function rdsEndpoints(rds: RdsControl, drill: DrillConfig): DrillEndpoints {
  return {
    async connectionFor(id, _role, signal) {
      const inst = await rds.instance(id, signal);
      if (!inst) throw new Error(`${id} does not exist`);
      if (!inst.endpoint) throw new Error(`${id} has no endpoint yet (${inst.status})`);
      return { host: inst.endpoint.host, port: inst.endpoint.port, database: drill.database, user: drill.user, ...(drill.password !== undefined ? { password: drill.password } : {}), ssl: true };
    },
  };
}

export interface RdsCalls {
  /** just before RestoreDBInstanceFromDBSnapshot is sent */
  restoreSent?(newId: string): void;
  restoreAccepted?(newId: string, res: RdsWriteResult): void;
  deleteAccepted?(id: string, res: RdsWriteResult): void;
}

/** The same port, telling the drill when its calls go out and come back (the executor does not say). */
export function observed(rds: RdsControl, calls: RdsCalls): RdsControl {
  return {
    ...rds,
    instance: (id, s) => rds.instance(id, s),
    snapshots: (id, s) => rds.snapshots(id, s),
    snapshot: (id, s) => rds.snapshot(id, s),
    createSnapshot: (i, id, tags, s) => rds.createSnapshot(i, id, tags, s),
    tagsOf: (id, s) => rds.tagsOf(id, s),
    async restoreFromSnapshot(req, signal) {
      calls.restoreSent?.(req.newId);
      const res = await rds.restoreFromSnapshot(req, signal);
      calls.restoreAccepted?.(req.newId, res);
      return res;
    },
    async deleteInstance(id, signal) {
      const res = await rds.deleteInstance(id, signal);
      calls.deleteAccepted?.(id, res);
      return res;
    },
  };
}

/** "2.1 minutes", as the runbook writes RTO. */
export function minutes(ms: number): string {
  return `${(ms / 60_000).toFixed(1)} minutes`;
}

/** "0.4 s", "12 s", "3 min 05 s": step durations. */
export function stepDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
