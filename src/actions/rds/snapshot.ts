/**
 * Take a manual snapshot of an instance, e.g. before a risky migration.
 * Reversible (y/n): it adds a snapshot and changes nothing else. Verify
 * watches it go from creating to available with RDS's own percentage.
 */
import type { DbSnapshot } from '../../model/rds.js';
import type { ActionDefinition, Plan } from '../types.js';
import { confirmationPhrase } from '../types.js';
import { CREATED_BY_TAG, duration, instanceTarget, invalidIdentifier, tagLines, tagValue, utcStamp, type RdsActionContext } from './context.js';
import { waitUntil } from './wait.js';

export interface SnapshotArgs {
  instance: string;
  /** default: <instance>-opsdeck-<UTC yyyymmddhhmm> */
  snapshotId?: string;
  verifyTimeoutMs?: number;
}

export const SNAPSHOT_VERIFY_TIMEOUT_MS = 60 * 60_000;
// storage-optimization: RDS allows a snapshot while storage is being tuned
const SNAPSHOTTABLE = new Set(['available', 'storage-optimization']);
const IN_PROGRESS = new Set(['creating', 'copying', 'pending']);

export function manualSnapshotId(instance: string, now: number): string {
  // RDS stores the id in lower case; naming it so keeps the plan, the call and the panel alike
  return `${instance}-opsdeck-${utcStamp(now)}`.toLowerCase();
}

export interface SnapshotParams {
  snapshotId: string;
  tags: Record<string, string>;
}

const fingerprintOf = (status: string | null, existing: DbSnapshot | undefined) => JSON.stringify({ status, snapshot: existing?.status ?? null });

export const snapshotAction: ActionDefinition<SnapshotArgs, RdsActionContext, SnapshotParams> = {
  id: 'snapshot',
  title: 'Take a manual snapshot',
  tier: 'reversible',

  async plan(ctx, args, signal): Promise<Plan<SnapshotParams>> {
    const snapshotId = args.snapshotId ?? manualSnapshotId(args.instance, ctx.now());
    const bad = invalidIdentifier(snapshotId, 255);
    if (bad) throw new Error(`snapshot id "${snapshotId}" ${bad}`);
    const [inst, existing] = await Promise.all([ctx.rds.instance(args.instance, signal), ctx.rds.snapshot(snapshotId, signal)]);
    let refusal: string | undefined;
    if (!inst) refusal = `no RDS instance ${args.instance} in ${ctx.env.name}; check the id (rds[].instance in the config)`;
    else if (!SNAPSHOTTABLE.has(inst.status)) refusal = `${args.instance} is ${inst.status}; RDS snapshots an instance only while it is available`;
    else if (existing) refusal = `a snapshot ${snapshotId} already exists (${existing.status}); wait a minute or name another`;
    const tags = { [CREATED_BY_TAG]: tagValue(ctx.env.identity) };
    const tier = 'reversible';
    return {
      action: 'snapshot',
      title: `Snapshot ${ctx.env.name}/${args.instance} as ${snapshotId}`,
      tier,
      environment: ctx.env.name,
      target: instanceTarget(ctx, args.instance),
      summary: `${ctx.env.name} / instance ${args.instance}: new manual snapshot ${snapshotId}; instance ${inst?.status ?? 'not found'}${inst ? `, ${inst.allocatedStorageGb} GiB` : ''}`,
      changes: [{ field: 'manual snapshot', before: '(none)', after: snapshotId }],
      calls: [{ api: 'rds:CreateDBSnapshot', params: { DBInstanceIdentifier: args.instance, DBSnapshotIdentifier: snapshotId, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } }],
      details: [
        `tags: ${tagLines(tags)}`,
        'A manual snapshot stays until someone deletes it; automated ones expire with the retention period.',
        ...(inst && !inst.multiAz ? ['Single-AZ instance: writes pause for a few seconds (up to a few minutes) while the snapshot starts.'] : []),
      ],
      phrase: confirmationPhrase(tier, ctx.env, args.instance),
      fingerprint: fingerprintOf(inst?.status ?? null, existing),
      ...(refusal ? { refusal } : {}),
      verifyTimeoutMs: args.verifyTimeoutMs ?? SNAPSHOT_VERIFY_TIMEOUT_MS,
      creates: { kind: 'db-snapshot', id: snapshotId },
      params: { snapshotId, tags },
      createdAt: ctx.now(),
    };
  },

  async fingerprint(ctx, plan, signal) {
    const [inst, existing] = await Promise.all([ctx.rds.instance(plan.target.name, signal), ctx.rds.snapshot(plan.params.snapshotId, signal)]);
    return fingerprintOf(inst?.status ?? null, existing);
  },

  async execute(ctx, plan, signal) {
    const { snapshotId, tags } = plan.params;
    const res = await ctx.rds.createSnapshot(plan.target.name, snapshotId, tags, signal);
    return { requestIds: res.requestId ? [res.requestId] : [], detail: `CreateDBSnapshot ${snapshotId} accepted` };
  },

  verify(ctx, plan, onProgress, signal) {
    const id = plan.params.snapshotId;
    return waitUntil(
      ctx,
      plan,
      (s) => ctx.rds.snapshot(id, s),
      (snap, elapsed) => {
        if (!snap) return { progress: { message: `snapshot ${id} not visible yet (${duration(elapsed)})`, fraction: 0 } };
        const line = `snapshot ${id} ${snap.status} ${snap.progress} % (${duration(elapsed)})`;
        const progress = { message: line, fraction: snap.progress / 100 };
        if (snap.status === 'available') return { progress, done: { ok: true, message: `snapshot ${id} of ${plan.target.display} is available after ${duration(elapsed)}` } };
        if (!IN_PROGRESS.has(snap.status)) return { progress, done: { ok: false, message: `snapshot ${id} ended ${snap.status} at ${snap.progress} %; read the instance's RDS events for the reason` } };
        return { progress };
      },
      onProgress,
      signal,
    );
  },
};
