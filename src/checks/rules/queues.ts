/** Queue checks: dead-letter depth, how long the oldest job has waited (or sits in a paused queue), Redis itself. */
import type { QueueStats } from '../../model/queues.js';
import { queueRef, redisRef } from '../../model/subjects.js';
import { grade } from '../thresholds.js';
import { age, findingsOf, pct, suggest, type CheckContext, type CheckDefinition } from '../types.js';

const subject = (_ctx: CheckContext, q: QueueStats) => queueRef(q);
const names = (q: QueueStats) => [`${q.redis}/${q.name}`, q.name];

const deadLetter: CheckDefinition = {
  id: 'queues.dead-letter',
  area: 'queues',
  title: 'Dead-letter queues are empty',
  reads: ['queues'],
  thresholds: ['deadLetter'],
  actions: ['requeue'],
  evaluate(ctx) {
    const f = findingsOf(this);
    return ctx.data.queues!.queues.map((q) => {
      const severity = grade(q.failed, ctx.threshold('deadLetter', names(q)));
      const figure = `${q.failed} failed`;
      if (severity === 'ok') return f('ok', subject(ctx, q), q.failed === 0 ? 'no failed jobs' : 'a few failed jobs, below the threshold', figure);
      return f(severity, subject(ctx, q), `${q.failed} failed jobs waiting for a decision`, figure, suggest({ action: 'requeue', redis: q.redis, queue: q.name }, `requeue the failed jobs of ${q.name} once their cause is fixed`));
    });
  },
};

/**
 * A paused queue's jobs wait because it is paused, not because workers lag,
 * and none is picked up until it is resumed: any waiting job warns, and one
 * past the age threshold's critical mark is critical.
 */
function pausedFinding(ctx: CheckContext, q: QueueStats, f: ReturnType<typeof findingsOf>) {
  if (q.waiting === 0) return f('ok', subject(ctx, q), 'paused, with no job waiting', 'paused, 0 waiting');
  const waited = q.oldestWaitingAgeMs;
  const severity = waited !== null && grade(waited / 1000, ctx.threshold('oldestJobAgeSeconds', names(q))) === 'crit' ? 'crit' : 'warn';
  const figure = `paused, ${q.waiting} waiting${waited === null ? '' : `, oldest ${age(waited)}`}`;
  return f(severity, subject(ctx, q), `the queue is paused: ${q.waiting} waiting ${q.waiting === 1 ? 'job is' : 'jobs are'} not picked up until it is resumed`, figure);
}

const oldestJob: CheckDefinition = {
  id: 'queues.oldest-job',
  area: 'queues',
  title: 'Jobs do not wait long',
  reads: ['queues'],
  thresholds: ['oldestJobAgeSeconds'],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return ctx.data.queues!.queues.map((q) => {
      if (q.paused) return pausedFinding(ctx, q, f);
      const waited = q.oldestWaitingAgeMs;
      if (waited === null) return f('ok', subject(ctx, q), q.waiting === 0 ? 'no job waiting' : 'jobs waiting (their age is unknown)', `${q.waiting} waiting`);
      const severity = grade(waited / 1000, ctx.threshold('oldestJobAgeSeconds', names(q)));
      const figure = `${q.waiting} waiting, oldest ${age(waited)}`;
      if (severity === 'ok') return f('ok', subject(ctx, q), 'jobs are picked up', figure);
      const drain = q.drainPerMinute === null || q.drainPerMinute === 0 ? 'and nothing is draining' : `at ${q.drainPerMinute.toFixed(0)} jobs/min`;
      return f(severity, subject(ctx, q), `the oldest waiting job has waited ${age(waited)}, ${drain}: workers are not keeping up`, figure);
    });
  },
};

const redis: CheckDefinition = {
  id: 'queues.redis',
  area: 'queues',
  title: 'Redis answers',
  reads: ['queues'],
  thresholds: [],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return ctx.data.queues!.redis.map((r) =>
      f(r.ok ? 'ok' : 'crit', redisRef(r), r.ok ? 'Redis answers' : `Redis does not answer: ${r.error ?? 'unknown error'}`, r.pingMs !== null ? `ping ${r.pingMs.toFixed(1)} ms` : undefined),
    );
  },
};

const redisMemory: CheckDefinition = {
  id: 'queues.redis-memory',
  area: 'queues',
  title: 'Redis memory below maxmemory',
  reads: ['queues'],
  thresholds: ['redisMemory'],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    // with no maxmemory there is no ceiling to be near: nothing to judge (the panel says "no maxmemory set")
    return ctx.data.queues!.redis.flatMap((r) => {
      if (!r.ok || r.usedMemoryBytes === null || !r.maxMemoryBytes) return [];
      const p = (100 * r.usedMemoryBytes) / r.maxMemoryBytes;
      const severity = grade(p, ctx.threshold('redisMemory', [r.name]));
      return [f(severity, redisRef(r), severity === 'ok' ? 'memory is below maxmemory' : 'memory near maxmemory: Redis will evict keys or refuse writes', `${pct(p)} of maxmemory`)];
    });
  },
};

const evictions: CheckDefinition = {
  id: 'queues.redis-evictions',
  area: 'queues',
  title: 'Redis evicts no keys',
  reads: ['queues'],
  thresholds: ['evictions'],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return ctx.data.queues!.redis.flatMap((r) => {
      if (!r.ok || r.evictedKeys === null) return [];
      // the first read has nothing to compare with: the counter may hold evictions of last month
      if (r.evictedSincePrevious === undefined || r.evictedSincePrevious === null) return [f('ok', redisRef(r), 'first read: evictions are judged from the next one on', `${r.evictedKeys} evicted since Redis started`)];
      const n = r.evictedSincePrevious;
      const severity = grade(n, ctx.threshold('evictions', [r.name]));
      return [f(severity, redisRef(r), n === 0 ? 'no key evicted since the previous read' : `${n} key${n === 1 ? '' : 's'} evicted since the previous read: Redis is full and dropping data`, `${n} evicted, ${r.evictedKeys ?? '?'} in all`)];
    });
  },
};

export const QUEUE_CHECKS: readonly CheckDefinition[] = [deadLetter, oldestJob, redis, redisMemory, evictions];
