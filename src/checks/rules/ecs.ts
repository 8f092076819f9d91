/** ECS checks: desired count, crash loops, topology, CPU and memory, failed tasks. */
import type { Finding } from '../../model/findings.js';
import type { EcsService, EcsStoppedTask } from '../../model/ecs.js';
import type { PanelId } from '../../model/panels.js';
import { serviceRef } from '../../model/subjects.js';
import { unreachableRedis } from '../../model/queues.js';
import { evaluateCondition } from '../topology.js';
import { CRASH_LOOP_STOPS, failedStops, isCrashLooping } from '../crashLoop.js';
import { shortfallSince } from '../shortfall.js';
import { grade, gradeFor } from '../thresholds.js';
import { age, findingsOf, pct, suggest, utc, warningAbout, type CheckContext, type CheckDefinition } from '../types.js';

const subject = (_ctx: CheckContext, s: EcsService) => serviceRef(s);
/** threshold names of a service, most specific first */
const names = (s: EcsService) => [`${s.cluster}/${s.name}`, s.name];
const services = (ctx: CheckContext) => ctx.data.ecs!.services;
const STOPPED_TASKS_KEPT_MS = 3_600_000;

/** The panel a topology condition reads ("redis:jobs" → the queues panel). */
const CONDITION_PANEL: Record<string, PanelId> = { redis: 'queues', postgres: 'postgres', http: 'health' };

/** Whether the topology rule allows more than one task now; undefined when it cannot be told. */
function scaleOutAllowed(ctx: CheckContext, s: EcsService): boolean | undefined {
  if (!s.singleInstanceUnless) return true;
  if (outageOf(ctx, s.singleInstanceUnless)) return false;
  const panel = CONDITION_PANEL[s.singleInstanceUnless.split(':')[0]!];
  if (panel && ctx.unreadable[panel] !== undefined) return undefined;
  return evaluateCondition(s.singleInstanceUnless, ctx.data).holds;
}

/** "redis:jobs" while the queue read failed because Redis jobs did not answer: the condition is known to fail. */
function outageOf(ctx: CheckContext, rule: string): string | undefined {
  const [kind, name] = rule.split(':', 2);
  if (kind !== 'redis' || !name || !unreachableRedis(ctx.unreadable.queues).includes(name)) return undefined;
  return `Redis "${name}" is unreachable`;
}

/** Why a shortfall is critical whatever its age: waiting will not bring the tasks back. */
function criticalBecause(s: EcsService, now: number): string | undefined {
  if (s.running === 0) return 'nothing runs';
  // ECS's circuit breaker gave up
  if (s.rollout === 'FAILED') return 'the rollout failed';
  if (isCrashLooping(s, now)) return 'tasks keep stopping';
  return undefined;
}

/** The crash loop's fix, worded as the CLI takes it (the label is cut from its end on a narrow screen). */
const rollbackToLastGood = (s: { cluster: string; name: string }) =>
  suggest({ action: 'rollback', cluster: s.cluster, service: s.name, to: 'last-good' }, `rollback ${s.name} --to last-good (the last known good revision)`);

const belowDesired: CheckDefinition = {
  id: 'ecs.running-below-desired',
  area: 'ecs',
  title: 'Services run their desired count',
  reads: ['ecs'],
  thresholds: ['belowDesiredSeconds'],
  actions: ['rollback', 'redeploy'],
  evaluate(ctx) {
    const f = findingsOf(this);
    return services(ctx).map((s) => {
      const figure = `${s.running}/${s.desired} running`;
      if (s.running >= s.desired) return f('ok', subject(ctx, s), 'running at desired count', figure);
      const short = `${s.desired - s.running} of ${s.desired} tasks not running`;
      const since = shortfallSince(s);
      // ECS's clock and ours differ a little; a shortfall is never younger than zero
      const forMs = since === undefined ? undefined : Math.max(0, ctx.now - since);
      const why = criticalBecause(s, ctx.now);
      const byTime = forMs === undefined ? 'warn' : grade(forMs / 1000, ctx.threshold('belowDesiredSeconds', names(s)));
      // running below desired is never "ok": it warns at once, whatever the threshold
      const severity = why ? 'crit' : byTime === 'ok' ? 'warn' : byTime;
      const howLong = forMs === undefined ? ' (for how long is unknown)' : ` for ${age(forMs)}`;
      const failed = s.rollout === 'FAILED';
      const detail = why ? `: ${why}` : severity === 'warn' && s.rollout === 'IN_PROGRESS' ? ' (a rollout is under way)' : '';
      if (severity !== 'crit') return f(severity, subject(ctx, s), `${short}${howLong}${detail}`, figure);
      // a service that was fine on its previous revision goes back to it; otherwise fresh tasks may place
      const previous = s.deployments.some((d) => d.status !== 'PRIMARY') || failed;
      // a crash loop's previous revision may be the bad deploy before this one: back to the last known good
      const action = isCrashLooping(s, ctx.now)
        ? rollbackToLastGood(s)
        : previous
        ? suggest({ action: 'rollback', cluster: s.cluster, service: s.name }, `roll back ${s.name} to the previous revision`)
        : suggest({ action: 'redeploy', cluster: s.cluster, service: s.name }, `redeploy ${s.name} (start fresh tasks)`);
      return f('crit', subject(ctx, s), `${short}${howLong}${detail}`, figure, action);
    });
  },
};

const crashLoop: CheckDefinition = {
  id: 'ecs.crash-loop',
  area: 'ecs',
  title: 'No service keeps stopping tasks',
  reads: ['ecs'],
  thresholds: [],
  actions: ['rollback'],
  evaluate(ctx) {
    const f = findingsOf(this);
    return services(ctx).map((s) => {
      const recent = failedStops(s, ctx.now);
      const figure = `${recent.length} failed stops in 10m`;
      if (recent.length < CRASH_LOOP_STOPS) return f('ok', subject(ctx, s), 'no crash loop', figure);
      const reason = recent[0]?.stoppedReason ?? 'task stopped';
      return f('crit', subject(ctx, s), `tasks keep stopping: ${reason}`, figure, rollbackToLastGood(s));
    });
  },
};

const topology: CheckDefinition = {
  id: 'ecs.topology',
  area: 'ecs',
  title: 'Single-instance services stay single',
  reads: ['ecs'],
  alsoReads: ['queues', 'postgres', 'health'],
  thresholds: [],
  actions: ['scale'],
  evaluate(ctx) {
    const f = findingsOf(this);
    return services(ctx)
      .filter((s) => s.singleInstanceUnless)
      .map((s) => {
        const rule = s.singleInstanceUnless!;
        const figure = `${s.running} running, ${rule}`;
        const single = s.running <= 1 && s.desired <= 1;
        const allowed = scaleOutAllowed(ctx, s);
        if (allowed === undefined && !single) {
          const panel = CONDITION_PANEL[rule.split(':')[0]!]!;
          return f('unknown', subject(ctx, s), `${Math.max(s.running, s.desired)} tasks; cannot tell whether ${rule} holds: could not read ${panel}: ${ctx.unreadable[panel]}`, figure);
        }
        const outage = outageOf(ctx, rule);
        const verdict = outage ? { holds: false, reason: outage } : evaluateCondition(rule, ctx.data);
        if (verdict.holds || single) return f('ok', subject(ctx, s), verdict.holds ? verdict.reason : 'single instance', figure);
        return f('crit', subject(ctx, s), `${Math.max(s.running, s.desired)} tasks but only one is safe: ${verdict.reason}`, figure, suggest({ action: 'scale', cluster: s.cluster, service: s.name, desired: 1 }, `scale ${s.name} to 1`));
      });
  },
};

function utilisation(key: 'cpu' | 'memory'): CheckDefinition {
  const word = key === 'cpu' ? 'CPU' : 'memory';
  return {
    id: `ecs.${key}`,
    area: 'ecs',
    title: `Services have ${word} to spare`,
    reads: ['ecs'],
    alsoReads: ['queues', 'postgres', 'health'],
    thresholds: [key],
    actions: key === 'cpu' ? ['scale'] : ['redeploy'],
    evaluate(ctx) {
      const f = findingsOf(this);
      return services(ctx).flatMap((s): Finding[] => {
        const last = s[key].slice(-3);
        if (last.length === 0) {
          // no datapoint is normal for a service with no task, or a fresh one; a failed read is not
          const reason = warningAbout(ctx.data.ecs!.warnings, /cpu|memory|metric|cloudwatch/i);
          return s.running > 0 && reason ? [f('unknown', subject(ctx, s), `${word} unknown: ${reason}`)] : [];
        }
        const value = last.reduce((a, b) => a + b, 0) / last.length;
        const severity = gradeFor(key, value, ctx.threshold(key, names(s)));
        const figure = `${word} ${pct(value)}${last.length > 1 ? `, mean of the last ${last.length} samples` : ''}`;
        if (severity === 'ok') return [f('ok', subject(ctx, s), `${word} is fine`, figure)];
        const message = `${word} is ${severity === 'crit' ? 'nearly exhausted' : 'high'}`;
        if (key === 'memory') return [f(severity, subject(ctx, s), message, figure, suggest({ action: 'redeploy', cluster: s.cluster, service: s.name }, `redeploy ${s.name} to start fresh tasks if memory keeps climbing`))];
        if (scaleOutAllowed(ctx, s) !== true) return [f(severity, subject(ctx, s), `${message}; the topology rule ${s.singleInstanceUnless} keeps it at one task`, figure)];
        return [f(severity, subject(ctx, s), message, figure, suggest({ action: 'scale', cluster: s.cluster, service: s.name, desired: s.desired + 1 }, `scale ${s.name} out from ${s.desired} to ${s.desired + 1} tasks`))];
      });
    },
  };
}

/** Stops ECS asked for (a deployment, scale-in, a user) end with SIGTERM or SIGKILL: not a failure. */
const REQUESTED = new Set(['ServiceSchedulerInitiated', 'UserInitiated', 'SpotInterruption', 'TerminationNotice']);

function exitedWithError(t: EcsStoppedTask): boolean {
  if (t.stopCode === 'TaskFailedToStart') return true;
  return t.containers.some((c) => c.exitCode !== undefined && c.exitCode !== 0 && !(REQUESTED.has(t.stopCode ?? '') && (c.exitCode === 137 || c.exitCode === 143)));
}

function exitSummary(t: EcsStoppedTask): string {
  const bad = t.containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0);
  return bad ? `${bad.container} exit ${bad.exitCode}${bad.reason ? ` (${bad.reason})` : ''}` : t.stoppedReason;
}

const failedTasks: CheckDefinition = {
  id: 'ecs.failed-tasks',
  area: 'ecs',
  title: 'No task exited with an error since the last checklist',
  reads: ['ecs'],
  thresholds: [],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    const window = age(ctx.now - ctx.since);
    return services(ctx).map((s) => {
      // a crash loop is reported by its own check: while it lasts, its revision's stops are not counted here
      const inLoop = new Set(failedStops(s, ctx.now).length >= CRASH_LOOP_STOPS ? failedStops(s).map((t) => t.taskArn) : []);
      const failed = s.stoppedTasks.filter((t) => t.stoppedAt >= ctx.since && t.stoppedAt <= ctx.now && !inLoop.has(t.taskArn) && exitedWithError(t));
      const figure = `${failed.length} failed in the last ${window}`;
      if (failed.length === 0) return f('ok', subject(ctx, s), 'no task exited with an error', figure);
      const newest = failed[0]!;
      return f('warn', subject(ctx, s), `${failed.length === 1 ? 'a task' : `${failed.length} tasks`} exited with an error, newest ${age(ctx.now - newest.stoppedAt)} ago: ${exitSummary(newest)}`, figure);
    });
  },
};

// ECS lists stopped tasks for about an hour: a longer window cannot see further back
failedTasks.note = (ctx) =>
  ctx.now - ctx.since > STOPPED_TASKS_KEPT_MS && ctx.data.ecs?.services.length ? `ECS lists stopped tasks for about an hour: tasks that failed before ${utc(ctx.now - STOPPED_TASKS_KEPT_MS)} are not counted` : undefined;

export const ECS_CHECKS: readonly CheckDefinition[] = [belowDesired, crashLoop, topology, utilisation('cpu'), utilisation('memory'), failedTasks];
