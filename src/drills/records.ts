/**
 * What a drill leaves in the state directory. The pending record is written
 * BEFORE the restore is requested and rewritten as the drill moves on, so a
 * drill killed at any moment (ctrl-c twice, a crash, a closed laptop) leaves
 * enough for `opsdeck drill cleanup` to find the one instance it may have
 * created, and nothing else: the id, the environment and the tag value that
 * only this run put on it.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../state/paths.js';

type Env = Record<string, string | undefined>;

export type PendingStatus =
  /** written before the call: the instance may or may not exist */
  | 'restoring'
  /** RDS accepted the restore */
  | 'restored'
  /** the drill asked RDS to delete it and did not see it gone */
  | 'deleting'
  /** left on purpose (--keep); cleanup deletes it when asked */
  | 'kept';

export interface PendingDrill {
  kind: 'opsdeck-drill-pending';
  runId: string;
  environment: string;
  instance: string;
  drillInstance: string;
  snapshot: string;
  /** the value of the opsdeck:drill tag the restore put on drillInstance: this run's id */
  tag: string;
  status: PendingStatus;
  /** epoch ms of the instance RDS created, once seen: tells it from a later instance with the same id */
  instanceCreatedAt?: number;
  startedAt: string;
  updatedAt: string;
  /** the drill's process, for the listing */
  pid: number;
  host: string;
}

export function drillsDir(env: Env = process.env): string {
  return join(stateDir(env), 'drills');
}

export function pendingDir(env: Env = process.env): string {
  return join(drillsDir(env), 'pending');
}

/** Written whole to a temp file and renamed, so a crash mid-write leaves the previous version, never half of one. */
export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

export function pendingPath(runId: string, env: Env = process.env): string {
  return join(pendingDir(env), `${runId}.json`);
}

export function writePending(record: PendingDrill, env: Env = process.env): string {
  mkdirSync(pendingDir(env), { recursive: true, mode: 0o700 });
  const path = pendingPath(record.runId, env);
  writeAtomic(path, JSON.stringify(record, null, 2) + '\n');
  return path;
}

export function removePending(runId: string, env: Env = process.env): void {
  rmSync(pendingPath(runId, env), { force: true });
}

export interface PendingEntry {
  path: string;
  record?: PendingDrill;
  /** set when the file is not a record opsdeck wrote */
  problem?: string;
}

/** Every record in the pending directory, oldest run first; files that do not parse are listed with the reason. */
export function listPending(env: Env = process.env): PendingEntry[] {
  let names: string[];
  try {
    names = readdirSync(pendingDir(env)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().map((name) => {
    const path = join(pendingDir(env), name);
    try {
      const record = JSON.parse(readFileSync(path, 'utf8')) as PendingDrill;
      const fields = [record.runId, record.environment, record.instance, record.drillInstance, record.tag, record.status];
      if (record.kind !== 'opsdeck-drill-pending' || fields.some((f) => typeof f !== 'string' || f === '')) return { path, problem: 'not a drill record opsdeck wrote' };
      return { path, record };
    } catch (err) {
      return { path, problem: `unreadable (${err instanceof SyntaxError ? 'not JSON' : 'cannot read'})` };
    }
  });
}
