/**
 * Job queues as a fluid model: arrivals (with occasional batches), worker
 * slots from the running `worker` tasks, a service time and a failure rate.
 * Waiting jobs are kept as (enqueued at, count) runs so the oldest job's age
 * and the drain rate come from the simulated history, as a real reader's would.
 * Which job is which (ids, the failed set, requeue by id) is the JobLedger's.
 */
import type { QueueFlavor, QueueStates, QueueStats, RedisHealth } from '../../model/queues.js';
import type { DeadJobs, JobPlace, RawJob, RawJobs, RemoveOutcome, RequeueOutcome } from '../redis/control.js';
import { hashOf, rngAt, type Rng } from './prng.js';
import { JobLedger } from './queueControl.js';

export interface QueuePlan {
  arrivalPerSec: number;
  /** a batch of jobs (newsletter, nightly export) arrives about this often */
  batchEverySec: number;
  batchSize: [number, number];
  serviceSec: number;
  slotsPerWorker: number;
  /** share of processed jobs that end in the failed set after their retries */
  failRate: number;
  delayed: [number, number];
}

const WINDOW_MS = 5 * 60_000;
const HISTORY_EVERY_MS = 5_000;
const MAX_RUNS = 4_000;

/** A queue's failed jobs by id and the moves on them, as the sandbox offers them to the QueueControl. */
export interface DeadSet {
  deadJobs(limit: number, detail: number): DeadJobs;
  stillDead(ids: readonly string[]): string[];
  requeue(ids: readonly string[]): RequeueOutcome;
  places(ids: readonly string[]): Record<string, JobPlace>;
  jobs(limit: number): RawJobs;
  job(id: string): RawJob | undefined;
  remove(ids: readonly string[]): RemoveOutcome;
  paused(): boolean;
  /** BullMQ's pause: workers finish what they hold and take nothing new; refused for other flavours */
  setPaused(paused: boolean): void;
}

export class QueueSim implements DeadSet {
  /** waiting and active jobs, oldest first */
  private runs: Array<[number, number]> = [];
  private pool = 0;
  private active = 0;
  private carry = 0;
  private delayed: number;
  private departed = 0;
  private arrived = 0;
  private completed: number;
  private history: Array<[number, number, number]> = [];
  private readonly ledger: JobLedger;
  private held = false;
  /** simulated up to here */
  private t = -Infinity;

  constructor(
    readonly redis: string,
    readonly name: string,
    readonly flavor: QueueFlavor,
    failed: number,
    completed: number,
    delayed: number,
  ) {
    this.completed = completed;
    this.delayed = delayed;
    // the fleet's completed count carries its seed: ids differ per seed without drawing from the fleet's stream
    this.ledger = new JobLedger(flavor, hashOf(redis, name, flavor, failed, completed), failed, completed + failed + delayed);
  }

  step(t: number, dt: number, rng: Rng, plan: QueuePlan, workers: number): void {
    this.ledger.dateInitial(t - dt);
    this.t = t;
    const secs = dt / 1000;
    let arrivals = rng.poisson(plan.arrivalPerSec * secs);
    const batches = rng.poisson(secs / plan.batchEverySec);
    for (let i = 0; i < batches; i++) arrivals += rng.int(plan.batchSize[0], plan.batchSize[1]);
    if (arrivals > 0) {
      this.runs.push([t - rng.int(0, Math.min(dt, 1_000) - 1), arrivals]);
      this.pool += arrivals;
      this.arrived += arrivals;
      this.ledger.arrive(arrivals);
    }
    // a paused queue: the jobs in hand finish, none is taken
    const slots = this.held ? 0 : workers * plan.slotsPerWorker;
    // second by second only the jobs in hand can finish; a coarse step lets the slots refill within it
    const fine = secs <= plan.serviceSec;
    const busy = fine ? this.active : slots;
    const capacity = (busy * secs) / plan.serviceSec + this.carry;
    const done = Math.min(fine ? this.active : this.pool, Math.floor(capacity));
    // idle capacity is not banked for later
    this.carry = busy > 0 && this.pool > done ? Math.min(1, capacity - done) : 0;
    this.take(done);
    const failedNow = rng.binomial(done, plan.failRate);
    this.ledger.depart(done, failedNow, t - dt, t);
    this.completed += done - failedNow;
    this.departed += done;
    this.active = Math.min(slots, this.pool);
    const target = (plan.delayed[0] + plan.delayed[1]) / 2;
    this.delayed = Math.max(plan.delayed[0], Math.min(plan.delayed[1], this.delayed + rng.int(-1, 1) + Math.sign(target - this.delayed) * (secs > 5 ? 2 : 0)));
    const lastAt = this.history[this.history.length - 1]?.[0] ?? -Infinity;
    if (t - lastAt >= HISTORY_EVERY_MS) {
      this.history.push([t, this.departed, this.arrived]);
      while (this.history.length > 2 && this.history[1]![0] <= t - WINDOW_MS) this.history.shift();
    }
    if (this.runs.length > MAX_RUNS) this.compact();
  }

  private take(n: number): void {
    this.pool -= n;
    while (n > 0 && this.runs.length > 0) {
      const head = this.runs[0]!;
      const k = Math.min(n, head[1]);
      head[1] -= k;
      n -= k;
      if (head[1] === 0) this.runs.shift();
    }
  }

  /** Merge neighbouring runs, keeping the earlier time: ages err on the old side. */
  private compact(): void {
    const merged: Array<[number, number]> = [];
    for (let i = 0; i < this.runs.length; i += 2) {
      const a = this.runs[i]!;
      const b = this.runs[i + 1];
      merged.push([a[0], a[1] + (b?.[1] ?? 0)]);
    }
    this.runs = merged;
  }

  /** Moves the failed set back to waiting, as "retry all" does; they may well fail again. */
  requeueFailed(): number {
    return this.back(this.ledger.requeueAll()).moved.length;
  }

  deadJobs(limit: number, detail: number): DeadJobs {
    return this.ledger.deadJobs(limit, detail);
  }

  stillDead(ids: readonly string[]): string[] {
    return this.ledger.stillDead(ids);
  }

  /** Moves exactly `ids` back to waiting, keeping their ids; they may well fail again. */
  requeue(ids: readonly string[]): RequeueOutcome {
    return this.back(this.ledger.requeue(ids));
  }

  /** Moved jobs join the back of the waiting line now. */
  private back(out: RequeueOutcome): RequeueOutcome {
    const n = out.moved.length;
    if (n > 0) {
      this.runs.push([this.t, n]);
      this.pool += n;
      this.arrived += n;
    }
    return out;
  }

  places(ids: readonly string[]): Record<string, JobPlace> {
    return this.ledger.places(ids, this.active);
  }

  jobs(limit: number): RawJobs {
    return this.ledger.jobs(limit);
  }

  job(id: string): RawJob | undefined {
    return this.ledger.job(id);
  }

  remove(ids: readonly string[]): RemoveOutcome {
    return this.ledger.remove(ids);
  }

  paused(): boolean {
    return this.held;
  }

  setPaused(paused: boolean): void {
    if (this.flavor !== 'bullmq') throw new Error(`the sandbox's ${this.flavor} queue ${this.name} has no pause`);
    this.held = paused;
  }

  stats(t: number): QueueStats {
    const waiting = this.pool - this.active;
    let skip = this.active;
    let oldest: number | null = null;
    for (const [at, count] of this.runs) {
      if (skip < count) {
        oldest = waiting > 0 ? Math.max(0, t - at) : null;
        break;
      }
      skip -= count;
    }
    const first = this.history[0];
    const last = this.history[this.history.length - 1];
    let drainPerMinute: number | null = null;
    let etaToEmptyMs: number | null = null;
    if (first && last && last[0] - first[0] >= 60_000) {
      const minutes = (last[0] - first[0]) / 60_000;
      drainPerMinute = Math.round(((last[1] - first[1]) / minutes) * 10) / 10;
      const netPerMinute = (last[1] - first[1] - (last[2] - first[2])) / minutes;
      if (waiting === 0) etaToEmptyMs = 0;
      // a queue that empties within a minute at its gross rate is draining, whatever the noise in arrivals
      else if (drainPerMinute > 0 && waiting <= drainPerMinute) etaToEmptyMs = Math.round((waiting / drainPerMinute) * 60_000);
      else if (netPerMinute > 0) etaToEmptyMs = Math.round((waiting / netPerMinute) * 60_000);
    }
    const failed = this.ledger.failedCount;
    const states = libraryStates(this.flavor, { waiting, active: this.active, delayed: this.delayed, failed, completed: this.completed });
    return {
      redis: this.redis,
      name: this.name,
      flavor: this.flavor,
      waiting,
      active: this.active,
      delayed: this.delayed,
      failed,
      completed: this.completed,
      // only a BullMQ queue has a pause, and says whether it is paused, as the real reader does
      ...(this.flavor === 'bullmq' ? { paused: this.held } : {}),
      ...(states ? { states } : {}),
      oldestWaitingAgeMs: oldest,
      drainPerMinute,
      etaToEmptyMs,
    };
  }

  get backlog(): number {
    return this.pool + this.ledger.failedCount + this.delayed;
  }
}

/**
 * The simulated figures under the names each library's own API gives its
 * states, so the demo shows the shape a real Redis shows. The simulation has
 * no priorities, dependencies, cancels or retries pending: those are 0, and
 * its failed jobs are Sidekiq's dead ones.
 */
function libraryStates(flavor: QueueFlavor, n: { waiting: number; active: number; delayed: number; failed: number; completed: number }): QueueStates | undefined {
  switch (flavor) {
    case 'bullmq':
      return { waiting: n.waiting, prioritized: 0, paused: 0, active: n.active, delayed: n.delayed, 'waiting-children': 0, completed: n.completed, failed: n.failed };
    case 'rq':
      return { queued: n.waiting, started: n.active, deferred: 0, scheduled: n.delayed, finished: n.completed, failed: n.failed, canceled: 0 };
    case 'sidekiq':
      return { enqueued: n.waiting, busy: n.active, scheduled: n.delayed, retry: 0, dead: n.failed };
    default:
      return undefined;
  }
}

export function redisHealth(name: string, seed: number, t: number, queues: QueueSim[], clients: number): RedisHealth {
  const rng = rngAt(seed, `redis:${name}`, t);
  const jobs = queues.reduce((n, q) => n + q.backlog, 0);
  return {
    name,
    ok: true,
    pingMs: Math.round(rng.range(0.3, 1.6) * 100) / 100,
    // baseline keys (sessions, rate-limit counters) plus about 2.5 KB per stored job
    usedMemoryBytes: Math.round(41_000_000 + rng.range(-400_000, 400_000) + jobs * 2_560),
    maxMemoryBytes: 268_435_456,
    clients,
    evictedKeys: 0,
  };
}
