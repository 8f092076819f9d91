/**
 * Restore a snapshot to a NEW instance. Never in place: an instance that
 * already has the new id is a refusal, so a typo cannot touch production.
 * RDS would otherwise give the new instance the default subnet group,
 * security group and parameter group, which usually means nothing can reach
 * it, so the plan copies them from the snapshot's source instance and shows
 * each. The operator types the new id.
 */
import type { DbInstance, DbSnapshot } from '../../model/rds.js';
import type { ActionDefinition, Plan, PlanChange, VerifyProgress, VerifyResult } from '../types.js';
import { confirmationPhrase } from '../types.js';
import { CREATED_BY_TAG, RESTORED_FROM_TAG, duration, placementParams, instanceTarget, invalidIdentifier, tagLines, tagValue, type DbInstanceDetail, type Placement, type RdsActionContext, type RestoreRequest } from './context.js';
import { waitUntil } from './wait.js';

export interface RestoreArgs extends Placement {
  snapshot: string;
  newId: string;
  /** added to the opsdeck tags; the drill passes opsdeck:drill here */
  tags?: Record<string, string>;
  verifyTimeoutMs?: number;
}

export const RESTORE_VERIFY_TIMEOUT_MS = 90 * 60_000;
/** States a restore does not leave by itself: the instance exists but will not serve. */
export const RESTORE_FAILED = new Set([
  'failed',
  'incompatible-restore',
  'incompatible-parameters',
  'incompatible-network',
  'incompatible-option-group',
  'incompatible-credentials',
  'inaccessible-encryption-credentials',
  'restore-error',
  'storage-full',
  'deleting',
]);
// how far along a restore usually is in each state, for the progress bar
const FRACTION: Record<string, number> = { creating: 0.3, 'backing-up': 0.8, modifying: 0.9, 'configuring-enhanced-monitoring': 0.9, available: 1 };

const fingerprintOf = (existing: DbInstance | undefined, snap: DbSnapshot | undefined) =>
  JSON.stringify({ newInstance: existing?.status ?? null, snapshot: snap?.status ?? null });

export const restoreAction: ActionDefinition<RestoreArgs, RdsActionContext, RestoreRequest> = {
  id: 'restore',
  title: 'Restore a snapshot to a new instance',
  tier: 'destructive',

  async plan(ctx, args, signal): Promise<Plan<RestoreRequest>> {
    const bad = invalidIdentifier(args.newId, 63);
    if (bad) throw new Error(`new instance id "${args.newId}" ${bad}`);
    const [snap, existing] = await Promise.all([ctx.rds.snapshot(args.snapshot, signal), ctx.rds.instance(args.newId, signal)]);
    const source = snap ? await ctx.rds.instance(snap.instanceId, signal) : undefined;

    const { placement, changes: placed } = carryOver(args, source, snap?.instanceId ?? '');
    const tags = { [RESTORED_FROM_TAG]: tagValue(args.snapshot), [CREATED_BY_TAG]: tagValue(ctx.env.identity), ...args.tags };

    let refusal: string | undefined;
    if (!snap) refusal = `no snapshot ${args.snapshot} in ${ctx.env.name}; automated ones are named rds:<instance>-<date>, see the RDS panel`;
    else if (snap.status !== 'available') refusal = `snapshot ${args.snapshot} is ${snap.status} (${snap.progress} %); restore it once it is available`;
    else if (existing) refusal = `an instance ${args.newId} already exists (${existing.status}); restore only ever creates a new instance, pick another id`;

    const req: RestoreRequest = { snapshotId: args.snapshot, newId: args.newId, ...placement, tags };
    const changes: PlanChange[] = [{ field: 'instance', before: '(none)', after: args.newId }, ...placed, { field: 'tags', before: '(none)', after: tagLines(tags) }];
    const details = [
      snap ? `snapshot ${snap.id}: ${snap.type}, ${snap.engine}, ${snap.allocatedStorageGb} GiB, taken ${snap.createdAt ? `${duration(ctx.now() - snap.createdAt)} ago` : 'at an unknown time'} from ${snap.instanceId}` : '',
      snap && !source ? `the source instance ${snap.instanceId} no longer exists: whatever is not given is left to RDS's defaults` : '',
      source?.multiAz ? `${source.id} is Multi-AZ; the new instance is Single-AZ (RDS's default for a restore)` : '',
      `A new instance is created and billed until it is deleted; ${snap?.instanceId ?? 'the source instance'} is not touched.`,
    ].filter(Boolean);

    const tier = 'destructive';
    return {
      action: 'restore',
      title: `Restore ${args.snapshot} to a new instance ${ctx.env.name}/${args.newId}`,
      tier,
      environment: ctx.env.name,
      target: instanceTarget(ctx, args.newId, snap?.instanceId),
      summary: `${ctx.env.name} / snapshot ${args.snapshot} → new instance ${args.newId}${placement.instanceClass ? ` (${placement.instanceClass})` : ''}`,
      changes,
      calls: [{ api: 'rds:RestoreDBInstanceFromDBSnapshot', params: restoreParams(req) }],
      details,
      phrase: confirmationPhrase(tier, ctx.env, args.newId),
      fingerprint: fingerprintOf(existing, snap),
      ...(refusal ? { refusal } : {}),
      verifyTimeoutMs: args.verifyTimeoutMs ?? RESTORE_VERIFY_TIMEOUT_MS,
      params: req,
      createdAt: ctx.now(),
    };
  },

  async fingerprint(ctx, plan, signal) {
    const req = plan.params;
    const [existing, snap] = await Promise.all([ctx.rds.instance(req.newId, signal), ctx.rds.snapshot(req.snapshotId, signal)]);
    return fingerprintOf(existing, snap);
  },

  async execute(ctx, plan, signal) {
    const req = plan.params;
    const res = await ctx.rds.restoreFromSnapshot(req, signal);
    return { requestIds: res.requestId ? [res.requestId] : [], detail: `RestoreDBInstanceFromDBSnapshot ${req.snapshotId} → ${req.newId} accepted` };
  },

  verify: (ctx, plan, onProgress, signal) => waitForNewInstance(ctx, plan, plan.params.newId, onProgress, signal),
};

/** A restore's verification: the new instance goes creating → backing-up → available, or ends in a state it will not leave. */
export function waitForNewInstance(ctx: RdsActionContext, plan: Plan, id: string, onProgress: (p: VerifyProgress) => void, signal: AbortSignal): Promise<VerifyResult> {
  const seen: string[] = [];
  return waitUntil(
    ctx,
    plan,
    (s) => ctx.rds.instance(id, s),
    (inst, elapsed) => {
      if (!inst) {
        if (seen.length > 0) return { progress: { message: `${id} is gone (${seen.join(' → ')})` }, done: { ok: false, message: `${id} disappeared after ${seen.join(' → ')}; someone deleted it` } };
        return { progress: { message: `${id} not visible yet (${duration(elapsed)})`, fraction: 0 } };
      }
      if (seen[seen.length - 1] !== inst.status) seen.push(inst.status);
      const path = seen.join(' → ');
      const progress = { message: `${id}: ${path} (${duration(elapsed)})`, fraction: FRACTION[inst.status] ?? 0.5 };
      if (inst.status === 'available') {
        const where = inst.endpoint ? `; endpoint ${inst.endpoint.host}:${inst.endpoint.port}` : '';
        return { progress, done: { ok: true, message: `${plan.target.display} is available after ${duration(elapsed)} (${path})${where}` } };
      }
      if (RESTORE_FAILED.has(inst.status)) {
        return { progress, done: { ok: false, message: `${id} ended ${inst.status} (${path}); read its RDS events for the reason, then delete the instance` } };
      }
      return { progress };
    },
    onProgress,
    signal,
  );
}

/**
 * The settings a restore gives the new instance: each one given, else the
 * source instance's (RDS would pick its defaults instead), and the plan's
 * rows saying which is which.
 */
export function carryOver(given: Placement, source: DbInstanceDetail | undefined, sourceId: string): { placement: Placement; changes: PlanChange[] } {
  const pick = <T>(mine: T | undefined, copied: T | undefined) => (mine !== undefined ? { value: mine, how: 'given' } : copied !== undefined ? { value: copied, how: `as ${sourceId}` } : undefined);
  const cls = pick(given.instanceClass, source?.instanceClass);
  const subnet = pick(given.subnetGroup, source?.subnetGroup);
  const sgs = pick(given.securityGroups, source && source.securityGroups.length > 0 ? source.securityGroups : undefined);
  const params = pick(given.parameterGroup, source?.parameterGroup);
  const show = (p: { value: string | string[]; how: string } | undefined) => (p ? `${[p.value].flat().join(', ')} (${p.how})` : '(RDS default)');
  return {
    placement: {
      ...(cls ? { instanceClass: cls.value } : {}),
      ...(subnet ? { subnetGroup: subnet.value } : {}),
      ...(sgs ? { securityGroups: sgs.value } : {}),
      ...(params ? { parameterGroup: params.value } : {}),
    },
    changes: [
      { field: 'class', before: '(none)', after: show(cls) },
      { field: 'subnet group', before: '(none)', after: show(subnet) },
      { field: 'security groups', before: '(none)', after: show(sgs) },
      { field: 'parameter group', before: '(none)', after: show(params) },
    ],
  };
}

/** The API's own parameter names, as the plan lists the call. */
export function restoreParams(req: RestoreRequest): Record<string, unknown> {
  return {
    DBSnapshotIdentifier: req.snapshotId,
    DBInstanceIdentifier: req.newId,
    ...placementParams(req),
    Tags: Object.entries(req.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}
