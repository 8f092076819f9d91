/**
 * Pause or resume a queue: reversible tier (y / n), and only where the
 * library has a pause. BullMQ's Queue#pause sets the meta hash's `paused`
 * field, which every worker reads before taking a job (jobs in hand finish,
 * new jobs still arrive and wait); #resume clears it. RQ has none (its
 * workers are stopped instead) and Sidekiq's is an Enterprise feature: the
 * plan refuses with that one line.
 *
 * Re-read: whether the queue is paused (it must still be as the plan saw
 * it). Verify: Queue#isPaused says what was asked.
 */
import type { ActionDefinition, Plan } from '../types.js';
import { confirmationPhrase } from '../types.js';
import { noPauseReason } from '../../model/queues.js';
import { queueTarget, where, type QueueActionContext, type QueueArgs } from './context.js';

export type PauseMode = 'pause' | 'resume';

export interface PauseArgs extends QueueArgs {
  mode: PauseMode;
  verifyTimeoutMs?: number;
}

export interface PauseParams {
  redis: string;
  paused: boolean;
}

const fingerprintOf = (paused: boolean) => `paused:${paused}`;

export const pauseAction: ActionDefinition<PauseArgs, QueueActionContext, PauseParams> = {
  id: 'queue-pause',
  title: 'Pause or resume a queue',
  tier: 'reversible',

  async plan(ctx, args, signal): Promise<Plan<PauseParams>> {
    const flavor = ctx.queues.flavorOf(args.redis, args.queue);
    if (!flavor) throw new Error(`no queue "${args.queue}" under Redis "${args.redis}" in ${ctx.env.name}'s config`);
    const want = args.mode === 'pause';
    const base = {
      action: 'queue-pause',
      tier: 'reversible' as const,
      environment: ctx.env.name,
      target: queueTarget(ctx, args),
      phrase: confirmationPhrase('reversible', ctx.env, args.queue),
      verifyTimeoutMs: args.verifyTimeoutMs ?? 10_000,
      createdAt: ctx.now(),
      title: `${want ? 'Pause' : 'Resume'} ${ctx.env.name}/${args.queue}`,
      params: { redis: args.redis, paused: want },
    };
    const no = noPauseReason(flavor);
    if (no || !ctx.queues.canPause(args.redis, args.queue)) {
      return { ...base, summary: `${where(ctx, args)} (${flavor}): no pause`, changes: [], calls: [], details: [], fingerprint: '', refusal: no ?? `${args.queue} cannot be paused here` };
    }
    const paused = await ctx.queues.paused(args.redis, args.queue, signal);
    const details = want
      ? ['workers finish the jobs they hold and take no new one until the queue is resumed; producers still add jobs, which wait']
      : ['workers take waiting jobs again at once'];
    return {
      ...base,
      summary: `${where(ctx, args)} (${flavor}): paused ${paused} → ${want}`,
      changes: [{ field: 'paused', before: String(paused), after: String(want) }],
      calls: [{ api: want ? 'bullmq:Queue.pause' : 'bullmq:Queue.resume', params: { redis: args.redis, queue: args.queue } }],
      details,
      fingerprint: fingerprintOf(paused),
      ...(paused === want ? { refusal: `${args.queue} is already ${want ? 'paused' : 'running (not paused)'}; nothing to do` } : {}),
    };
  },

  async fingerprint(ctx, plan, signal) {
    return fingerprintOf(await ctx.queues.paused(plan.params.redis, plan.target.name, signal));
  },

  async execute(ctx, plan, signal) {
    await ctx.queues.setPaused(plan.params.redis, plan.target.name, plan.params.paused, signal);
    return { requestIds: [], detail: plan.params.paused ? 'paused' : 'resumed' };
  },

  async verify(ctx, plan, onProgress, signal) {
    const now = await ctx.queues.paused(plan.params.redis, plan.target.name, signal);
    const ok = now === plan.params.paused;
    const message = `${plan.target.display}: ${now ? 'paused' : 'not paused'}${ok ? '' : ` (asked: ${plan.params.paused ? 'paused' : 'resumed'})`}`;
    onProgress({ message, fraction: ok ? 1 : 0 });
    return { ok, message };
  },
};
