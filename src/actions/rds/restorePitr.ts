/**
 * Restore an instance as it was at a moment (or at the latest restorable
 * time) to a NEW instance: the answer to "a migration dropped a table at
 * 08:04", where last night's snapshot would lose the morning. Never in
 * place, like the snapshot restore (restore.ts), whose settings carry-over
 * and verification it shares; a time outside the instance's restorable
 * window is refused with the window, before RDS is asked.
 */
import type { PitrWindow } from '../../model/rds.js';
import type { ActionDefinition, Plan, PlanChange } from '../types.js';
import { confirmationPhrase } from '../types.js';
import {
  CREATED_BY_TAG,
  PITR_TAG,
  duration,
  instanceTarget,
  invalidIdentifier,
  placementParams,
  stampedId,
  tagLines,
  tagValue,
  type DbInstanceDetail,
  type PitrRequest,
  type Placement,
  type RdsActionContext,
} from './context.js';
import { RESTORE_VERIFY_TIMEOUT_MS, carryOver, waitForNewInstance } from './restore.js';

export interface PitrArgs extends Placement {
  instance: string;
  /** ms epoch; undefined: the latest restorable time, as RDS has it when the call is made */
  time?: number;
  newId: string;
  verifyTimeoutMs?: number;
}

/** "<instance>-pitr-<UTC yyyymmddhhmm of the time restored to>". */
export const pitrInstanceId = (instance: string, at: number) => stampedId(instance, 'pitr', at);

/** "2026-11-26 08:04:10 UTC": restore times are to the second. */
export const utcSeconds = (t: number) => `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * "latest", or a time as ISO 8601; one without a zone is UTC, never the
 * machine's local time (an SSH session's zone is anyone's guess). Throws one
 * line saying what to type.
 */
export function parsePitrTime(text: string): number | 'latest' {
  const t = text.trim();
  if (t.toLowerCase() === 'latest') return 'latest';
  const m = ISO.exec(t);
  const at = m ? Date.parse(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`) : NaN;
  if (Number.isNaN(at)) throw new Error(`the time is an ISO 8601 time like 2026-11-26T08:04:00Z (no zone: UTC) or latest, not "${t}"`);
  return at;
}

const FROM: Record<NonNullable<PitrWindow['earliestFrom']>, string> = {
  'restore-window': "RDS's restore window",
  'oldest-backup': 'the oldest automated snapshot kept',
  retention: 'the retention period counted back',
};

/** "2026-11-19 03:10:00 UTC → 2026-11-26 08:00:00 UTC (4 min ago)". */
export function windowText(w: PitrWindow, now: number): string {
  const start = w.earliest !== undefined ? utcSeconds(w.earliest) : '(start unknown)';
  const end = w.latest !== undefined ? `${utcSeconds(w.latest)} (${duration(now - w.latest)} ago)` : '(no latest restorable time)';
  return `${start} → ${end}`;
}

/** Why `time` cannot be restored to from `w` (undefined: it can); `time` undefined asks for the latest. */
export function outsideWindow(instance: string, w: PitrWindow | undefined, time: number | undefined, now: number): string | undefined {
  if (!w) return undefined;
  if (w.retentionDays === 0) return `${instance} keeps no automated backups (retention 0 days): there is no point in time to restore to; restore one of its snapshots instead`;
  if (w.latest === undefined) return `RDS gives no latest restorable time for ${instance} yet (automated backups not taken yet, or the instance is not available): try again later, or restore a snapshot`;
  if (time === undefined) return undefined;
  if (time > w.latest || (w.earliest !== undefined && time < w.earliest)) return `${utcSeconds(time)} is outside ${instance}'s restorable window ${windowText(w, now)}`;
  return undefined;
}

const fingerprintOf = (source: DbInstanceDetail | undefined, existing: DbInstanceDetail | undefined, inWindow: boolean) =>
  JSON.stringify({ source: source ? 'present' : null, newInstance: existing?.status ?? null, time: inWindow ? 'in the window' : 'outside the window' });

export const restorePitrAction: ActionDefinition<PitrArgs, RdsActionContext, PitrRequest> = {
  id: 'restore-pitr',
  title: 'Restore an instance to a point in time, as a new instance',
  tier: 'destructive',

  async plan(ctx, args, signal): Promise<Plan<PitrRequest>> {
    const bad = invalidIdentifier(args.newId, 63);
    if (bad) throw new Error(`new instance id "${args.newId}" ${bad}`);
    const [source, window, existing] = await Promise.all([ctx.rds.instance(args.instance, signal), ctx.rds.restoreWindow(args.instance, signal), ctx.rds.instance(args.newId, signal)]);
    const now = ctx.now();
    const outside = outsideWindow(args.instance, window, args.time, now);

    let refusal: string | undefined;
    if (!source) refusal = `no instance ${args.instance} in ${ctx.env.name}; the RDS panel lists the instances there are`;
    else if (outside) refusal = outside;
    else if (existing) refusal = `an instance ${args.newId} already exists (${existing.status}); a point-in-time restore only ever creates a new instance, pick another id`;

    const { placement, changes: placed } = carryOver(args, source, args.instance);
    const at = args.time !== undefined ? new Date(args.time).toISOString().replace('.000Z', 'Z') : 'latest';
    const tags = { [PITR_TAG]: tagValue(`${args.instance}@${at}`), [CREATED_BY_TAG]: tagValue(ctx.env.identity) };
    const req: PitrRequest = { sourceId: args.instance, newId: args.newId, ...(args.time !== undefined ? { time: args.time } : {}), ...placement, tags };

    const when =
      args.time !== undefined
        ? `${utcSeconds(args.time)} (${duration(now - args.time)} ago)`
        : `the latest restorable time${window?.latest !== undefined ? ` (${utcSeconds(window.latest)} now; RDS takes the latest when the call is made)` : ''}`;
    const changes: PlanChange[] = [
      { field: 'instance', before: '(none)', after: args.newId },
      { field: 'restored to', before: '(none)', after: `${args.instance} as of ${when}` },
      ...placed,
      { field: 'tags', before: '(none)', after: tagLines(tags) },
    ];
    const from = window?.earliestFrom ? `; the start from ${FROM[window.earliestFrom]}` : '';
    const kept = window?.retentionDays ? `, backups kept ${window.retentionDays} days` : '';
    const details = [
      window && window.retentionDays !== 0 ? `restorable window of ${args.instance}: ${windowText(window, now)}${kept}${from}` : '',
      source ? `source ${source.id}: ${source.status}, ${source.engine} ${source.engineVersion}, ${source.instanceClass}, ${source.allocatedStorageGb} GiB` : '',
      source?.multiAz ? `${source.id} is Multi-AZ; the new instance is Single-AZ (RDS's default for a restore)` : '',
      'RDS restores the automated snapshot before that time and replays the transaction log up to it: expect longer than a snapshot restore.',
      `A new instance is created and billed until it is deleted; ${args.instance} is not touched.`,
    ].filter(Boolean);

    const tier = 'destructive';
    return {
      action: 'restore-pitr',
      title: `Restore ${args.instance} as of ${args.time !== undefined ? utcSeconds(args.time) : 'the latest restorable time'} to a new instance ${ctx.env.name}/${args.newId}`,
      tier,
      environment: ctx.env.name,
      target: instanceTarget(ctx, args.newId, args.instance),
      summary: `${ctx.env.name} / ${args.instance} as of ${args.time !== undefined ? utcSeconds(args.time) : 'latest'} → new instance ${args.newId}${placement.instanceClass ? ` (${placement.instanceClass})` : ''}`,
      changes,
      calls: [{ api: 'rds:RestoreDBInstanceToPointInTime', params: pitrParams(req) }],
      details,
      phrase: confirmationPhrase(tier, ctx.env, args.newId),
      fingerprint: fingerprintOf(source, existing, !outside),
      ...(refusal ? { refusal } : {}),
      verifyTimeoutMs: args.verifyTimeoutMs ?? RESTORE_VERIFY_TIMEOUT_MS,
      params: req,
      createdAt: now,
    };
  },

  // the window's end moves on by itself; what matters is that the time is still inside it (its start moves too, a day at a time)
  async fingerprint(ctx, plan, signal) {
    const req = plan.params;
    const [source, window, existing] = await Promise.all([ctx.rds.instance(req.sourceId, signal), ctx.rds.restoreWindow(req.sourceId, signal), ctx.rds.instance(req.newId, signal)]);
    return fingerprintOf(source, existing, !outsideWindow(req.sourceId, window, req.time, ctx.now()));
  },

  async execute(ctx, plan, signal) {
    const req = plan.params;
    const res = await ctx.rds.restoreToPointInTime(req, signal);
    const at = req.time !== undefined ? utcSeconds(req.time) : 'the latest restorable time';
    return { requestIds: res.requestId ? [res.requestId] : [], detail: `RestoreDBInstanceToPointInTime ${req.sourceId} as of ${at} → ${req.newId} accepted` };
  },

  verify: (ctx, plan, onProgress, signal) => waitForNewInstance(ctx, plan, plan.params.newId, onProgress, signal),
};

/** The API's own parameter names, as the plan lists the call. */
export function pitrParams(req: PitrRequest): Record<string, unknown> {
  return {
    SourceDBInstanceIdentifier: req.sourceId,
    TargetDBInstanceIdentifier: req.newId,
    ...(req.time !== undefined ? { RestoreTime: new Date(req.time).toISOString() } : { UseLatestRestorableTime: true }),
    ...placementParams(req),
    Tags: Object.entries(req.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}
