/**
 * The simulated fleet: every system of the demo, advanced in fixed one-second
 * steps aligned to the clock's whole seconds. A read only catches up to the
 * clock, so what it sees does not depend on how often anyone reads; a long
 * jump is first crossed in coarse steps (without logs) to keep reads fast.
 */
import { CLUSTER, EcsSim, type SimTask } from './ecs.js';
import { LogStore } from './logs.js';
import { bootLines, crashLines, requestLine, shutdownLines, type RequestMix } from './loglines.js';
import { SAMPLE_EVERY_MS, Utilisation, demandAt } from './metrics.js';
import { hashOf, Rng } from './prng.js';
import { QueueSim } from './queues.js';
import { planFor, type QueueName, type Scenario, type ScenarioPlan } from './scenarios.js';
import { TaskDefinitions, imageTag, missingRequirement } from './taskdefs.js';
import { AutoscalingSim } from './autoscaling.js';
import { PgSignals } from './postgres.js';

const STEP_MS = 1_000;
/** the backlog a first log read gets, simulated at creation */
const WARMUP_MS = 15 * 60_000;
/** gaps up to this are simulated second by second */
const FINE_MS = 15 * 60_000;
const MAX_COARSE_STEPS = 200;
export const LOG_GROUP = '/ecs/demo-api';
/** API requests per second at normal demand */
const REQUESTS_PER_SEC = 2.6;

export class Fleet {
  readonly start: number;
  /** simulated up to here (a whole second) */
  t: number;
  readonly plan: ScenarioPlan;
  readonly taskDefs: TaskDefinitions;
  readonly ecs: EcsSim;
  readonly autoscaling: AutoscalingSim;
  readonly logs = new LogStore(LOG_GROUP);
  readonly queues: Record<QueueName, QueueSim>;
  readonly utilisation = new Map<string, Utilisation>();
  /** the demo database's sessions operators cancelled or terminated */
  readonly pgSignals = new PgSignals();
  private readonly rng: Rng;
  private nextEvent = 0;
  private quiet = false;
  /** an advance has run: later coarse stretches replay only the boots inside them */
  private advanced = false;
  /** the extra log lines (benchmarks) draw from their own stream, so the rest of the simulation is unchanged */
  private readonly loadRng: Rng;
  private loadCarry = 0;

  constructor(
    readonly seed: number,
    readonly scenario: Scenario,
    now: number,
    /** extra API log lines per second after `now` (see SandboxOptions.logRate) */
    private readonly extraLogRate = 0,
  ) {
    this.rng = new Rng(hashOf(seed, scenario));
    this.loadRng = new Rng(hashOf(seed, scenario, 'extra-logs'));
    this.start = Math.floor(now / STEP_MS) * STEP_MS;
    this.t = this.start - WARMUP_MS;
    this.plan = planFor(scenario, this.start);
    this.taskDefs = new TaskDefinitions(this.start);
    for (const r of this.plan.revisions) this.taskDefs.register(r.family, r.changes, r.at);
    this.plan.timeline.sort((a, b) => a.at - b.at);
    this.ecs = new EcsSim(this.rng, this.taskDefs, this.plan.services, (kind, service, task, at) => this.onTask(kind, service, task, at), this.t);
    this.autoscaling = new AutoscalingSim(this.plan.services);
    for (const name of this.ecs.services.keys()) this.utilisation.set(name, new Utilisation(name));
    const { failedAtStart } = this.plan;
    this.queues = {
      emails: new QueueSim('jobs', 'emails', 'bullmq', failedAtStart.emails, 184_220 + this.rng.int(0, 5_000), 4),
      default: new QueueSim('jobs', 'default', 'rq', failedAtStart.default, 61_870 + this.rng.int(0, 2_000), 1),
    };
    this.advanceTo(now);
  }

  advanceTo(now: number): void {
    const target = Math.floor(now / STEP_MS) * STEP_MS;
    if (target <= this.t) return;
    const coarseEnd = target - FINE_MS;
    if (coarseEnd > this.t) {
      const dt = Math.max(10 * STEP_MS, Math.ceil((coarseEnd - this.t) / MAX_COARSE_STEPS / STEP_MS) * STEP_MS);
      const silentFrom = this.t;
      this.quiet = true;
      while (this.t < coarseEnd) this.step(Math.min(coarseEnd, this.t + dt));
      this.quiet = false;
      this.logs.skip(this.t);
      // The coarse stretch keeps no lines, but a real log group holds each task's boot lines: the API tasks
      // that booted in it (all of them, on the first advance) say theirs at the start of what is kept, so a
      // per-task rule (the startup line) judges what they really wrote rather than a stream with no boot.
      for (const task of this.ecs.serving('api')) {
        if (!this.advanced || task.readyAt >= silentFrom) this.onTask('running', 'api', task, this.t, task.readyAt);
      }
    } else if (!this.advanced) {
      // tasks that booted before the simulation began, likewise
      for (const task of this.ecs.serving('api')) if (task.readyAt <= this.t) this.onTask('running', 'api', task, this.t, task.readyAt);
    }
    this.advanced = true;
    while (this.t < target) this.step(this.t + STEP_MS);
  }

  private step(t: number): void {
    const dt = t - this.t;
    const events = this.plan.timeline;
    while (this.nextEvent < events.length && events[this.nextEvent]!.at <= t) {
      const e = events[this.nextEvent++]!;
      e.run(this.ecs, Math.max(e.at, this.t));
    }
    this.ecs.step(t);
    this.autoscaling.step(this.ecs, t);
    const serving = this.ecs.serving('api');
    if (!this.quiet && serving.length > 0) {
      const rate = REQUESTS_PER_SEC * demandAt(t) * this.plan.traffic(t);
      const mix = this.plan.requests(t);
      const lines = this.rng.poisson((rate * dt) / 1000);
      for (let i = 0; i < lines; i++) {
        const task = this.rng.pick(serving);
        this.logs.add(t - dt + this.rng.int(1, dt), streamOf(task), requestLine(this.rng, mix));
      }
      if (this.extraLogRate > 0 && t > this.start) this.extraLines(t, dt, serving, mix);
    }
    const workers = this.ecs.serving('worker').length;
    for (const name of ['emails', 'default'] as const) this.queues[name].step(t, dt, this.rng, this.plan.queue(name, t), workers);
    if (Math.floor(t / SAMPLE_EVERY_MS) > Math.floor(this.t / SAMPLE_EVERY_MS)) this.sample(t);
    this.t = t;
    if (this.quiet) this.logs.skip(t);
    else this.logs.commit(t - dt, t);
  }

  /** Exactly the configured rate (a carry, not a random count), so a benchmark offers what it asks for. */
  private extraLines(t: number, dt: number, serving: SimTask[], mix: RequestMix): void {
    this.loadCarry += (this.extraLogRate * dt) / 1000;
    const n = Math.floor(this.loadCarry);
    this.loadCarry -= n;
    const r = this.loadRng;
    for (let i = 0; i < n; i++) this.logs.add(t - dt + r.int(1, dt), streamOf(r.pick(serving)), requestLine(r, mix));
  }

  private sample(t: number): void {
    const busySlots = this.queues.emails.stats(t).active + this.queues.default.stats(t).active;
    for (const [name, u] of this.utilisation) {
      const tasks = this.ecs.serving(name).length;
      const work = name === 'api' ? demandAt(t) * this.plan.traffic(t) : name === 'worker' ? busySlots : 1;
      u.sample(t, this.rng, { tasks, work });
    }
  }

  /** Lines the API itself writes when one of its tasks boots, crashes or shuts down. */
  private onTask(kind: 'running' | 'crashed' | 'stopping', service: string, task: SimTask, at: number, bootedAt = at): void {
    if (service !== 'api' || this.quiet) return;
    const version = imageTag(task.td.containers[0]?.image ?? '');
    const lines = kind === 'running' ? bootLines(version, this.plan.noStartupLineFrom === undefined || bootedAt < this.plan.noStartupLineFrom) : kind === 'crashed' ? crashLines(version, missingRequirement(task.td) ?? 'CONFIG') : shutdownLines(this.rng);
    lines.forEach((line, i) => this.logs.add(at - (lines.length - 1 - i) * 40, streamOf(task), line));
  }

  /** Image tags of the API tasks behind the load balancer. */
  servingVersions(): string[] {
    return this.ecs.serving('api').map((x) => imageTag(x.td.containers[0]?.image ?? ''));
  }

  /** Requests per serving API task, relative to the normal three tasks. */
  apiLoadPerTask(): number {
    const n = this.ecs.serving('api').length;
    return n === 0 ? Infinity : (3 * this.demand()) / n;
  }

  /** API demand relative to normal. */
  demand(): number {
    return demandAt(this.t) * this.plan.traffic(this.t);
  }

  tasksServing(name: string): number {
    return this.ecs.serving(name).length;
  }

  get cluster(): string {
    return CLUSTER;
  }
}

function streamOf(task: SimTask): string {
  return `ecs/${task.td.containers[0]?.name ?? 'app'}/${task.id}`;
}
