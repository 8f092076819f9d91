/**
 * The sandbox behind the RdsControl port the RDS actions use, so snapshot,
 * restore and delete-drill-instance run the same code in the demo as against
 * AWS. `sandboxRdsOps` is what the Sandbox exposes as `sandbox.rds`: every
 * call first brings the fleet up to the clock, like the sources do.
 */
import type { DbSnapshot, RdsSnapshot } from '../../model/rds.js';
import type { DbInstanceDetail, PitrRequest, RdsControl, RestoreRequest } from '../../actions/rds/context.js';
import type { Sandbox } from './index.js';
import { awsError } from './taskdefs.js';
import { findInstance, type Endpoint, type RdsSim } from './rds.js';

/** RDS as the sandbox lets tests, the drill and the actions drive it. */
export interface SandboxRds {
  instance(id: string, signal?: AbortSignal): Promise<DbInstanceDetail | undefined>;
  snapshot(id: string, signal?: AbortSignal): Promise<DbSnapshot | undefined>;
  createSnapshot(instanceId: string, snapshotId: string, tags: Record<string, string>, signal?: AbortSignal): Promise<void>;
  restore(req: RestoreRequest, signal?: AbortSignal): Promise<void>;
  /** like rds:RestoreDBInstanceToPointInTime */
  restorePitr(req: PitrRequest, signal?: AbortSignal): Promise<void>;
  deleteInstance(id: string, signal?: AbortSignal): Promise<void>;
  /** every instance carrying the tag `key`, as DescribeDBInstances lists them with their tags */
  tagged(key: string, signal?: AbortSignal): Promise<DbInstanceDetail[]>;
  /** like rds:RemoveTagsFromResource, on an instance the sandbox restored */
  removeTags(id: string, keys: readonly string[], signal?: AbortSignal): Promise<void>;
  /** where restored instances' endpoints point (the drill's real PostgreSQL); undefined: a made-up host */
  setEndpoint(fn: (instanceId: string) => Endpoint | undefined): void;
  /** the next restore ends in this state (e.g. incompatible-restore) instead of available */
  failNextRestore(status: string): void;
}

/** `now` catches the fleet up with the clock (and honours the signal); it returns the base view and its time. */
export function sandboxRdsOps(sim: RdsSim, now: (signal?: AbortSignal) => { t: number; base: RdsSnapshot }): SandboxRds {
  const view = (signal?: AbortSignal) => {
    const { t, base } = now(signal);
    return sim.view(base, t);
  };
  return {
    instance: async (id, signal) => findInstance(view(signal), id),
    async tagged(key, signal) {
      const v = view(signal);
      return [...v.instances, ...v.restored].filter((i) => key in i.tags);
    },
    snapshot: async (id, signal) => view(signal).snapshots.find((s) => s.id === id),
    async createSnapshot(instanceId, snapshotId, tags, signal) {
      const { t, base } = now(signal);
      sim.createSnapshot(base, t, instanceId, snapshotId, tags);
    },
    async restore(req, signal) {
      const { t, base } = now(signal);
      sim.restore(base, t, req);
    },
    async restorePitr(req, signal) {
      const { t, base } = now(signal);
      sim.restorePitr(base, t, req);
    },
    async deleteInstance(id, signal) {
      const { t, base } = now(signal);
      sim.deleteInstance(base, t, id);
    },
    async removeTags(id, keys, signal) {
      now(signal);
      sim.removeTags(id, keys);
    },
    setEndpoint: (fn) => sim.setEndpoint(fn),
    failNextRestore: (status) => sim.failNextRestore(status),
  };
}

let requestCounter = 0;
const requestId = () => `sandbox-rds-${(++requestCounter).toString(16).padStart(8, '0')}`;

export function sandboxRdsControl(sandbox: Sandbox): RdsControl {
  const { rds } = sandbox;
  return {
    instance: (id, signal) => rds.instance(id, signal),
    async snapshots(instanceId, signal) {
      const snap = await sandbox.sources.rds.describe(signal);
      return snap.snapshots.filter((s) => s.instanceId === instanceId);
    },
    snapshot: (id, signal) => rds.snapshot(id, signal),
    async createSnapshot(instanceId, snapshotId, tags, signal) {
      await rds.createSnapshot(instanceId, snapshotId, tags, signal);
      return { requestId: requestId() };
    },
    async restoreFromSnapshot(req, signal) {
      await rds.restore(req, signal);
      return { requestId: requestId() };
    },
    async restoreWindow(id, signal) {
      const inst = await rds.instance(id, signal);
      return inst ? (inst.pitr ?? {}) : undefined;
    },
    async restoreToPointInTime(req, signal) {
      await rds.restorePitr(req, signal);
      return { requestId: requestId() };
    },
    async deleteInstance(id, signal) {
      await rds.deleteInstance(id, signal);
      return { requestId: requestId() };
    },
    async tagsOf(id, signal) {
      const inst = await rds.instance(id, signal);
      if (!inst) throw awsError('DBInstanceNotFoundFault', `DBInstance ${id} not found.`);
      return { ...inst.tags };
    },
    tagged: (key, signal) => rds.tagged(key, signal),
  };
}
