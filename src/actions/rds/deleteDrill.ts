/**
 * Delete an instance a backup drill restored, and nothing else. The only
 * thing that makes an instance deletable is the opsdeck:drill tag: not its
 * name, not what the operator types. The tag is checked three times: in the
 * plan (no tag: refused), in the fingerprint the executor compares under the
 * lock (tag gone since the plan: aborted), and by execute itself just before
 * the call, so even a plan built by hand cannot delete an untagged instance.
 */
import type { ActionDefinition, Plan } from '../types.js';
import { confirmationPhrase } from '../types.js';
import { DRILL_TAG, duration, instanceTarget, tagLines, type DbInstanceDetail, type RdsActionContext, type RdsControl } from './context.js';
import { waitUntil } from './wait.js';

export interface DeleteDrillArgs {
  instance: string;
  verifyTimeoutMs?: number;
}

export const DELETE_VERIFY_TIMEOUT_MS = 30 * 60_000;

interface Facts {
  inst: DbInstanceDetail | undefined;
  tags: Record<string, string>;
}

async function read(rds: RdsControl, id: string, signal: AbortSignal): Promise<Facts> {
  const inst = await rds.instance(id, signal);
  return { inst, tags: inst ? await rds.tagsOf(id, signal) : {} };
}

// createdAt tells a re-created instance of the same id (and so the same ARN) from the one planned against
const fingerprintOf = (f: Facts) => JSON.stringify({ status: f.inst?.status ?? null, [DRILL_TAG]: f.tags[DRILL_TAG] ?? null, createdAt: f.inst?.createdAt ?? null });

export function notADrillInstance(id: string): string {
  return `${id} does not carry the tag ${DRILL_TAG}: opsdeck deletes only the instances a backup drill restored`;
}

export const deleteDrillAction: ActionDefinition<DeleteDrillArgs, RdsActionContext, Record<string, never>> = {
  id: 'delete-drill-instance',
  title: 'Delete a drill instance',
  tier: 'destructive',

  async plan(ctx, args, signal): Promise<Plan<Record<string, never>>> {
    const facts = await read(ctx.rds, args.instance, signal);
    const { inst, tags } = facts;
    let refusal: string | undefined;
    if (!inst) refusal = `no RDS instance ${args.instance} in ${ctx.env.name}; nothing to delete`;
    else if (!(DRILL_TAG in tags)) refusal = notADrillInstance(args.instance);
    else if (inst.deletionProtection) refusal = `${args.instance} has deletion protection on; opsdeck does not turn it off`;
    else if (inst.status === 'deleting') refusal = `${args.instance} is already being deleted`;
    const tier = 'destructive';
    return {
      action: 'delete-drill-instance',
      title: `Delete drill instance ${ctx.env.name}/${args.instance}`,
      tier,
      environment: ctx.env.name,
      target: instanceTarget(ctx, args.instance),
      summary: `${ctx.env.name} / instance ${args.instance}: delete (no final snapshot); ${inst ? `${inst.status}, ${inst.instanceClass}, ${DRILL_TAG}=${tags[DRILL_TAG] ?? '(absent)'}` : 'not found'}`,
      changes: [{ field: 'instance', before: inst?.status ?? '(none)', after: '(deleted)' }],
      calls: [{ api: 'rds:DeleteDBInstance', params: { DBInstanceIdentifier: args.instance, SkipFinalSnapshot: true, DeleteAutomatedBackups: true } }],
      details: [
        ...(inst ? [`tags: ${tagLines(tags) || '(none)'}`] : []),
        'No final snapshot is taken: the instance and its automated backups are gone for good. The snapshot it was restored from is not touched.',
      ],
      phrase: confirmationPhrase(tier, ctx.env, args.instance),
      fingerprint: fingerprintOf(facts),
      ...(refusal ? { refusal } : {}),
      verifyTimeoutMs: args.verifyTimeoutMs ?? DELETE_VERIFY_TIMEOUT_MS,
      params: {},
      createdAt: ctx.now(),
    };
  },

  async fingerprint(ctx, plan, signal) {
    return fingerprintOf(await read(ctx.rds, plan.target.name, signal));
  },

  async execute(ctx, plan, signal) {
    const id = plan.target.name;
    // the plan is data and could have been edited: the tag decides, here, last
    const tags = await ctx.rds.tagsOf(id, signal);
    if (!(DRILL_TAG in tags)) throw new Error(`refused: ${notADrillInstance(id)}`);
    const res = await ctx.rds.deleteInstance(id, signal);
    return { requestIds: res.requestId ? [res.requestId] : [], detail: `DeleteDBInstance ${id} accepted (${DRILL_TAG}=${tags[DRILL_TAG]})` };
  },

  verify(ctx, plan, onProgress, signal) {
    const id = plan.target.name;
    return waitUntil(
      ctx,
      plan,
      (s) => ctx.rds.instance(id, s),
      (inst, elapsed) => {
        if (!inst) return { progress: { message: `${id} is gone (${duration(elapsed)})`, fraction: 1 }, done: { ok: true, message: `${plan.target.display} is deleted after ${duration(elapsed)}` } };
        return { progress: { message: `${id}: ${inst.status} (${duration(elapsed)})`, fraction: inst.status === 'deleting' ? 0.5 : 0 } };
      },
      onProgress,
      signal,
    );
  },
};
