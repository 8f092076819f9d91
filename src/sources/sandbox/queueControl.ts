/**
 * The sandbox queues' jobs by id, and the QueueControl port over them, so the
 * requeue action runs the same code in the demo as against Redis.
 *
 * The fluid model in queues.ts counts jobs; the ledger here gives them
 * identities the way the libraries do: BullMQ numbers a queue's jobs from a
 * counter, RQ names each one with a uuid4. The failed set is kept oldest
 * failure first (as BullMQ's zset by finishedOn and RQ's registry by expiry
 * read). A requeued job keeps its id, as Job.retry and
 * FailedJobRegistry.requeue do, and joins the back of the waiting line; if it
 * fails again it is back in the failed set under the same id.
 *
 * Each failed job has a detail drawn from its id (payload, reason, stack,
 * attempts), shaped as the library writes it: a BullMQ job's data with an
 * SMTP failure and a Node stack, an RQ job's call with a Python traceback.
 * A payload carries a credential, as real ones sometimes do, so the demo
 * shows it masked.
 */
import type { QueueFlavor } from '../../model/queues.js';
import type { DeadJobs, JobPlace, QueueControl, RawJob, RawJobs, RemoveOutcome, RequeueOutcome } from '../redis/control.js';
import { oneLine } from '../../text/sanitize.js';
import { hashOf, Rng, uuidFrom } from './prng.js';
import type { Sandbox } from './index.js';

/** What a job id and its failure look like for one library. */
interface JobNaming {
  id(seq: number): string;
  /** as the real control labels it: the job's name or description, then why it failed */
  label(id: string): string;
  /** the failed job as the real control reads it; `failedAt` from the ledger */
  job(id: string, failedAt: number | null): RawJob;
}

const BULLMQ_NAMES = ['send-receipt', 'password-reset', 'order-shipped', 'weekly-digest', 'welcome', 'invoice-ready'];
const SMTP_ERRORS = [
  'SMTPError: 451 4.7.1 try again later',
  'SMTPError: 421 4.4.2 connection timed out',
  'SMTPError: 454 4.7.0 too many concurrent connections, try again later',
  'Error: Timeout of 30000ms exceeded (smtp.mailrelay.example:587)',
];
const RQ_CALLS = ['jobs.sync_invoice', 'jobs.refresh_rates', 'jobs.export_report', 'jobs.reindex_customer'];
const RQ_ERRORS = [
  'requests.exceptions.ReadTimeout: Read timed out. (read timeout=10)',
  'psycopg2.errors.LockNotAvailable: canceling statement due to lock timeout',
  'JobTimeoutException: Task exceeded maximum timeout value (180 seconds)',
];

function namingFor(flavor: QueueFlavor, seed: number): JobNaming {
  const at = (id: string) => new Rng(hashOf(seed, 'label', id));
  if (flavor === 'rq') {
    return {
      id: (seq) => uuidFrom(new Rng(hashOf(seed, 'job', seq))),
      label(id) {
        const r = at(id);
        const call = r.pick(RQ_CALLS);
        return oneLine(`${call}(${r.int(1_000, 99_999)}): ${r.pick(RQ_ERRORS)}`, 100);
      },
      job(id, failedAt) {
        const r = at(id);
        const call = r.pick(RQ_CALLS);
        const arg = r.int(1_000, 99_999);
        const error = r.pick(RQ_ERRORS);
        const fn = call.split('.')[1]!;
        const stack = [
          'Traceback (most recent call last):',
          '  File "/app/.venv/lib/python3.11/site-packages/rq/worker.py", line 1431, in perform_job',
          '    rv = job.perform()',
          '  File "/app/.venv/lib/python3.11/site-packages/rq/job.py", line 1280, in perform',
          '    self._result = self._execute()',
          `  File "/app/jobs.py", line ${r.int(20, 240)}, in ${fn}`,
          `    return client.${fn}(customer_id, timeout=10)`,
          error,
        ].join('\n');
        const started = failedAt === null ? null : failedAt - r.int(2_000, 180_000);
        const enqueued = started === null ? null : started - r.int(500, 600_000);
        return {
          id,
          name: call,
          failedAt,
          attempts: null,
          maxAttempts: null,
          reason: error,
          stack,
          payload: `${call}(${arg})`,
          payloadKind: 'call (RQ pickles the arguments; this is the job description)',
          times: [
            ...(enqueued === null ? [] : [{ label: 'enqueued', at: enqueued }]),
            ...(started === null ? [] : [{ label: 'started', at: started }]),
            ...(failedAt === null ? [] : [{ label: 'failed', at: failedAt }]),
          ],
        };
      },
    };
  }
  return {
    id: (seq) => String(seq),
    label(id) {
      const r = at(id);
      return oneLine(`${r.pick(BULLMQ_NAMES)}: ${r.pick(SMTP_ERRORS)}`, 100);
    },
    job(id, failedAt) {
      const r = at(id);
      const name = r.pick(BULLMQ_NAMES);
      const error = r.pick(SMTP_ERRORS);
      const user = r.int(1_000, 99_999);
      const data = { to: `customer${user}@example.com`, template: name, locale: r.pick(['en', 'de', 'fr']), orderId: `ord_${r.int(100_000, 999_999)}`, smtp: { host: 'smtp.mailrelay.example', user: 'mailer', pass: `sandbox-${r.int(1_000_000, 9_999_999)}` } };
      const stack = [
        error,
        '    at SMTPConnection._formatError (/app/node_modules/nodemailer/lib/smtp-connection/index.js:807:19)',
        '    at SMTPConnection._actionGreeting (/app/node_modules/nodemailer/lib/smtp-connection/index.js:1360:27)',
        '    at SMTPConnection._processResponse (/app/node_modules/nodemailer/lib/smtp-connection/index.js:993:20)',
        `    at async sendMail (/app/dist/mail/send.js:${r.int(20, 90)}:5)`,
        `    at async Worker.processJob (/app/dist/workers/${name}.js:${r.int(10, 60)}:7)`,
      ].join('\n');
      const started = failedAt === null ? null : failedAt - r.int(1_000, 30_000);
      const created = started === null ? null : started - r.int(500, 900_000);
      return {
        id,
        name,
        failedAt,
        attempts: 5,
        maxAttempts: 5,
        reason: error,
        stack,
        payload: JSON.stringify(data),
        payloadKind: 'data',
        times: [
          ...(created === null ? [] : [{ label: 'created', at: created }]),
          ...(started === null ? [] : [{ label: 'started', at: started }]),
          ...(failedAt === null ? [] : [{ label: 'failed', at: failedAt }]),
        ],
      };
    },
  };
}

/** `k` of the positions 0..n-1, ascending, each equally likely (selection sampling). */
function choose(rng: Rng, k: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n && out.length < k; i++) if (rng.float() * (n - i) < k - out.length) out.push(i);
  return out;
}

/** A stretch of the waiting line: fresh jobs with consecutive numbers, or requeued jobs by id. */
type Segment = { from: number; count: number } | { ids: string[]; head: number };

const INITIAL_SPREAD_MS = 40 * 60_000;

/**
 * Which jobs are where, kept in step with the fluid model's counts: the
 * waiting line (active at its head) holds exactly `pool` jobs, the failed set
 * exactly the failed count. Its randomness is its own, so the rest of the
 * fleet draws the same numbers with or without it.
 */
export class JobLedger {
  /** id → when it failed; a Map iterates in insertion order, so oldest failure first */
  private readonly failed = new Map<string, number>();
  private readonly line: Segment[] = [];
  /** requeued jobs that have since completed: the only finished jobs anyone outside knows by id */
  private readonly finished = new Set<string>();
  private readonly naming: JobNaming;
  private readonly rng: Rng;
  private nextSeq: number;
  private dated = false;

  constructor(flavor: QueueFlavor, seed: number, initialFailed: number, jobsSoFar: number) {
    this.naming = namingFor(flavor, seed);
    this.rng = new Rng(seed);
    // jobs removed on completion still used up their numbers
    this.nextSeq = jobsSoFar + this.rng.int(200, 2_000);
    // the failed set earlier trouble left: scattered among the latest jobs
    const span = Math.max(initialFailed * 3, initialFailed + 50);
    for (const k of choose(this.rng, initialFailed, span)) this.failed.set(this.naming.id(this.nextSeq - span + k), NaN);
  }

  get failedCount(): number {
    return this.failed.size;
  }

  /** The failures present at creation happened over the 40 minutes before the first step. */
  dateInitial(before: number): void {
    if (this.dated) return;
    this.dated = true;
    const n = this.failed.size;
    let i = 0;
    for (const id of this.failed.keys()) this.failed.set(id, before - Math.round(((n - i++) / n) * INITIAL_SPREAD_MS));
  }

  arrive(n: number): void {
    const tail = this.line[this.line.length - 1];
    if (tail && 'from' in tail && tail.from + tail.count === this.nextSeq) tail.count += n;
    else this.line.push({ from: this.nextSeq, count: n });
    this.nextSeq += n;
  }

  /** The first `done` of the line leave between `from` and `to`; `failing` of them, chosen at random, go to the failed set. */
  depart(done: number, failing: number, from: number, to: number): void {
    const picks = failing > 0 ? choose(this.rng, failing, done) : [];
    const at = (i: number) => from + Math.round(((i + 1) / done) * (to - from));
    let p = 0;
    for (let index = 0; index < done && this.line.length > 0; ) {
      const seg = this.line[0]!;
      if ('from' in seg) {
        const k = Math.min(seg.count, done - index);
        for (; p < picks.length && picks[p]! < index + k; p++) this.failed.set(this.naming.id(seg.from + picks[p]! - index), at(picks[p]!));
        seg.from += k;
        seg.count -= k;
        index += k;
        if (seg.count === 0) this.line.shift();
      } else {
        const k = Math.min(seg.ids.length - seg.head, done - index);
        for (let j = 0; j < k; j++, index++) {
          const id = seg.ids[seg.head + j]!;
          if (picks[p] === index) this.failed.set(id, at(picks[p++]!));
          else this.finished.add(id);
        }
        seg.head += k;
        if (seg.head === seg.ids.length) this.line.shift();
      }
    }
  }

  deadJobs(limit: number, detail: number): DeadJobs {
    const ids: string[] = [];
    for (const id of this.failed.keys()) {
      if (ids.length >= limit) break;
      ids.push(id);
    }
    return { total: this.failed.size, ids, shown: ids.slice(0, detail).map((id) => ({ id, label: this.naming.label(id) })) };
  }

  stillDead(ids: readonly string[]): string[] {
    return ids.filter((id) => this.failed.has(id));
  }

  /** Moves exactly `ids` from the failed set to the back of the waiting line; returns what moved. */
  requeue(ids: readonly string[]): RequeueOutcome {
    const moved: string[] = [];
    const skipped: RequeueOutcome['skipped'] = [];
    const known = this.positions();
    const now = new Set<string>();
    for (const id of ids) {
      if (this.failed.delete(id)) {
        moved.push(id);
        now.add(id);
      } else skipped.push({ id, reason: known.has(id) || this.finished.has(id) || now.has(id) ? 'not in the failed set any more' : 'the job no longer exists' });
    }
    if (moved.length) this.line.push({ ids: [...moved], head: 0 });
    return { moved, skipped };
  }

  /** The newest `limit` failures, newest first, with their details. */
  jobs(limit: number): RawJobs {
    const ids = [...this.failed.keys()].slice(-limit).reverse();
    return { total: this.failed.size, jobs: ids.map((id) => this.job(id)!) };
  }

  job(id: string): RawJob | undefined {
    const at = this.failed.get(id);
    if (at === undefined) return undefined;
    return this.naming.job(id, Number.isNaN(at) ? null : at);
  }

  /** Deletes exactly `ids` from the failed set: they are gone, as a removed job is. */
  remove(ids: readonly string[]): RemoveOutcome {
    const removed: string[] = [];
    const skipped: RemoveOutcome['skipped'] = [];
    for (const id of ids) {
      if (this.failed.delete(id)) removed.push(id);
      else skipped.push({ id, reason: 'not in the failed set any more' });
    }
    return { removed, skipped };
  }

  requeueAll(): RequeueOutcome {
    return this.requeue([...this.failed.keys()]);
  }

  /** Where each id is; `active` jobs at the head of the line are being worked on. */
  places(ids: readonly string[], active: number): Record<string, JobPlace> {
    const at = this.positions();
    const out: Record<string, JobPlace> = {};
    for (const id of ids) {
      const pos = at.get(id);
      out[id] = this.failed.has(id) ? 'failed' : pos !== undefined ? (pos < active ? 'active' : 'waiting') : this.finished.has(id) ? 'done' : 'gone';
    }
    return out;
  }

  /** Positions in the line of the jobs that were requeued by id (fresh jobs' ids were never shown to anyone). */
  private positions(): Map<string, number> {
    const at = new Map<string, number>();
    let pos = 0;
    for (const seg of this.line) {
      if ('from' in seg) pos += seg.count;
      else for (let j = seg.head; j < seg.ids.length; j++) at.set(seg.ids[j]!, pos++);
    }
    return at;
  }
}

/** The requeue action's port over the sandbox; every call first brings the fleet up to the clock. */
export function sandboxQueueControl(sandbox: Sandbox): QueueControl {
  return {
    flavorOf: (redis, queue) => sandbox.environment.redis.find((r) => r.name === redis)?.queues.find((q) => q.name === queue)?.flavor,
    deadJobs: async (redis, queue, o, signal) => sandbox.deadSet(redis, queue, signal).deadJobs(o.limit, o.detail),
    stillDead: async (redis, queue, ids, signal) => sandbox.deadSet(redis, queue, signal).stillDead(ids),
    requeue: async (redis, queue, ids, signal) => sandbox.deadSet(redis, queue, signal).requeue(ids),
    places: async (redis, queue, ids, signal) => sandbox.deadSet(redis, queue, signal).places(ids),
    jobs: async (redis, queue, limit, signal) => sandbox.deadSet(redis, queue, signal).jobs(limit),
    job: async (redis, queue, id, signal) => sandbox.deadSet(redis, queue, signal).job(id),
    remove: async (redis, queue, ids, signal) => sandbox.deadSet(redis, queue, signal).remove(ids),
    // the sandbox's BullMQ queue pauses as BullMQ does: its workers take no new job until resumed
    canPause: (redis, queue) => sandbox.environment.redis.find((r) => r.name === redis)?.queues.find((q) => q.name === queue)?.flavor === 'bullmq',
    paused: async (redis, queue, signal) => sandbox.deadSet(redis, queue, signal).paused(),
    setPaused: async (redis, queue, paused, signal) => sandbox.deadSet(redis, queue, signal).setPaused(paused),
    // the sandbox holds no connection; it closes with its sources
    close: async () => undefined,
  };
}
