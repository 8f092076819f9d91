/**
 * The failed-job browser's keys: J opens it on the selected queue, the moves
 * walk its list or scroll a job's detail, Enter shows a job, space marks,
 * Q / X requeue or delete the marked jobs (else the one selected or shown),
 * r reads again. Nothing here reads Redis: the view state changes, and App
 * hands what it wants to the job feed, which reads in the background.
 */
import { noPauseReason } from '../src/model/queues.js';
import type { DispatchContext, Handler } from './dispatchContext.js';
import { say } from './dispatchContext.js';
import { filterQueues } from './panels/QueuesPanel.js';

/** The queue the Queues panel has selected. */
export function selectedQueue(ctx: Pick<DispatchContext, 'getState'>, data: ReturnType<NonNullable<DispatchContext['jobs']>['queues']>) {
  const state = ctx.getState();
  const list = data ? filterQueues(data, state.filters.queues ?? '') : [];
  return list[Math.max(0, Math.min(state.selection.queues ?? 0, list.length - 1))];
}

export const openJobs: Handler = (ctx) => {
  if (!ctx.jobs) return ctx.dispatch({ type: 'message', text: 'this session reads no queues: the environment configures no Redis', tone: 'warn' });
  const data = ctx.jobs.queues();
  const q = selectedQueue(ctx, data);
  if (!q) return ctx.dispatch({ type: 'message', text: data ? 'the Queues panel lists no queue' : 'the Queues panel has no data yet: wait for the first poll', tone: 'warn' });
  if (q.flavor === 'stream') return ctx.dispatch({ type: 'message', text: `${q.name} is a stream: it keeps its entries, there is no failed set to list`, tone: 'warn' });
  ctx.dispatch({ type: 'jobs', open: { redis: q.redis, queue: q.name } });
};

/** The selected row's id in the list as the feed holds it. */
function selectedId(ctx: DispatchContext): string | undefined {
  const jobs = ctx.jobs?.view().list?.jobs ?? [];
  const s = ctx.getState().jobs;
  return s ? jobs[Math.min(s.selected, jobs.length - 1)]?.id : undefined;
}

/** j / k / pages in the browser: the list's selection, or the detail's scroll. */
export function moveJobs(ctx: DispatchContext, step: number): void {
  const s = ctx.getState().jobs;
  if (!s) return;
  if (s.open !== null) return ctx.dispatch({ type: 'jobScroll', delta: step, max: ctx.jobs?.maxScroll() ?? 0 });
  ctx.dispatch({ type: 'jobsSelect', delta: step, count: ctx.jobs?.view().list?.jobs.length ?? 0 });
}

export const openJob: Handler = (ctx) => {
  const id = selectedId(ctx);
  if (id === undefined) return ctx.dispatch({ type: 'message', text: 'no failed job to show', tone: 'muted' });
  ctx.dispatch({ type: 'jobOpen', id });
};

export const markJob: Handler = (ctx) => {
  const s = ctx.getState().jobs;
  const id = s?.open ?? selectedId(ctx);
  if (id === undefined) return;
  ctx.dispatch({ type: 'jobsMark', id });
  if (s?.open === null) ctx.dispatch({ type: 'jobsSelect', delta: 1, count: ctx.jobs?.view().list?.jobs.length ?? 0 });
};

/** Q / X: the marked jobs, else the job shown, else the one selected. */
export const actOnJobs =
  (command: 'job-requeue' | 'job-delete'): Handler =>
  (ctx) => {
    const s = ctx.getState().jobs;
    if (!s || !ctx.actions) return ctx.dispatch({ type: 'message', text: 'this session cannot act on queues', tone: 'warn' });
    const chosen = s.marked.length ? s.marked : s.open !== null ? [s.open] : [selectedId(ctx)].filter((x): x is string => x !== undefined);
    if (chosen.length === 0) return ctx.dispatch({ type: 'message', text: 'no failed job to act on', tone: 'muted' });
    say(ctx, ctx.actions.start(command, chosen));
  };

/** P: the flavours without a pause say so in one line; BullMQ's goes to the action. */
export const pauseQueue: Handler = (ctx) => {
  if (!ctx.actions) return ctx.dispatch({ type: 'message', text: 'this session cannot act on queues', tone: 'warn' });
  const s = ctx.getState().jobs;
  const data = ctx.jobs?.queues();
  const q = s ? data?.queues.find((x) => x.redis === s.redis && x.name === s.queue) : selectedQueue(ctx, data);
  const no = q ? noPauseReason(q.flavor) : undefined;
  if (no) return ctx.dispatch({ type: 'message', text: `${q!.name}: ${no}`, tone: 'warn' });
  say(ctx, ctx.actions.start('queue-pause'));
};

export const reloadJobs: Handler = (ctx) => {
  ctx.jobs?.reload();
  ctx.dispatch({ type: 'message', text: `reading the failed jobs of ${ctx.getState().jobs?.queue ?? ''} again`, tone: 'muted' });
};
