/**
 * The log panel's lines from CloudWatch Logs.
 *
 * Live mode (the default) keeps Live Tail sessions open in the background,
 * one per filter pattern and ten groups, and each read drains what they
 * received. Polling (FilterLogEvents) fills in what a live session cannot
 * give: the backlog from `startAt`, the seconds while a session connects or
 * reconnects, and everything while Live Tail is unavailable (denied, or an
 * emulator without it: a failed start falls back to polling and live is tried
 * again every few minutes, not every second). Groups with `mode: poll` are
 * only polled.
 *
 * Lines from every group merge in time order; ids derived from the line drop
 * what both a poll and a session delivered, and the cursor remembers the ids
 * at its last millisecond.
 */
import type { LogBatch, LogCursor, LogRule, SavedFilter } from '../../model/logs.js';
import { rulesOf, savedFiltersOf } from '../../engine/logs/rules.js';
import { systemClock, type Clock } from '../../engine/clock.js';
import type { LogSource } from '../ports.js';
import type { AwsContext } from './clients.js';
import { advanceCursor, Outbox, toEvents } from './logsEvents.js';
import { groupMatcher, groupRefs, resolveArns, type LogGroupConfig, type LogGroupRef } from './logsGroups.js';
import { DEFAULT_LIVE_OPTIONS, LiveTail, type LiveTailOptions } from './logsLive.js';
import { DEFAULT_POLL_LIMITS, GroupPoller, type PollLimits } from './logsPoll.js';
import { chunk, mapLimit } from './util.js';

export type { LogGroupConfig } from './logsGroups.js';

/** StartLiveTail takes at most ten log groups. */
const LIVE_TAIL_MAX_GROUPS = 10;

export interface LogSourceOptions {
  clock?: Clock;
  /** 'poll' reads every group with FilterLogEvents, whatever the config says (one-shot reads) */
  mode?: 'live' | 'poll';
  /** lines per read; the rest wait for the next read */
  maxBatch?: number;
  /** lines waiting between reads; beyond this the oldest are dropped and the batch says sampled */
  maxPending?: number;
  /** after a failed StartLiveTail, poll this long before trying live again */
  retryLiveMs?: number;
  /** keep polling a group until a poll begun this long after its session started has completed */
  settleMs?: number;
  /** how long ids are remembered to drop lines read twice (at least as long as polling re-reads) */
  rememberMs?: number;
  /**
   * Lines wait up to this long before delivery so that lines of streams
   * uploading a few seconds apart come out in time order. Default 5 s; 0 with
   * mode 'poll' (a one-shot read wants every line now and shows none).
   */
  reorderMs?: number;
  poll?: Partial<PollLimits>;
  live?: Partial<Omit<LiveTailOptions, 'clock'>>;
}

const DEFAULTS = {
  maxBatch: 5_000,
  maxPending: 20_000,
  retryLiveMs: 5 * 60_000,
  settleMs: 5_000,
  rememberMs: 5 * 60_000,
  reorderMs: 5_000,
};
// concurrent FilterLogEvents calls: the API allows 5 per second per account
const POLL_CONCURRENCY = 3;

/** Groups sharing one Live Tail session. */
interface Lane {
  refs: LogGroupRef[];
  pattern: string | undefined;
  pollers: GroupPoller[];
  live: LiveTail | undefined;
  retryLiveAt: number | undefined;
  /** why live is not in use, until a session streams again */
  liveError: string | undefined;
  groupOf: (identifier: string | undefined) => string;
}

export class AwsLogSource implements LogSource {
  readonly groups: string[];
  readonly rules: LogRule[];
  readonly savedFilters: SavedFilter[];
  private readonly clock: Clock;
  private readonly opts: typeof DEFAULTS;
  private readonly pollers: GroupPoller[];
  private readonly lanes: Lane[] = [];
  private readonly laneOf = new Map<GroupPoller, Lane>();
  private readonly outbox: Outbox;
  private readonly arns = new Map<string, string>();
  private readonly liveOptions: LiveTailOptions;
  private last: LogCursor | undefined;
  private start = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly ctx: AwsContext,
    configured: readonly LogGroupConfig[],
    options: LogSourceOptions = {},
  ) {
    const refs = groupRefs(configured).map((r): LogGroupRef => (options.mode === 'poll' ? { ...r, mode: 'poll' } : r));
    this.groups = refs.map((r) => r.name);
    this.rules = refs.flatMap((r) => rulesOf(r.name, configured[r.index]!));
    this.savedFilters = savedFiltersOf(configured);
    this.clock = options.clock ?? systemClock;
    const limits = { ...DEFAULT_POLL_LIMITS, ...options.poll };
    this.opts = { ...DEFAULTS, ...(options.mode === 'poll' ? { reorderMs: 0 } : {}), ...definedOnly(options) };
    // an id forgotten before polling re-reads its line would let the line through twice
    this.opts.rememberMs = Math.max(this.opts.rememberMs, limits.lateMs + limits.sweepEveryMs + limits.lookbackMs + 60_000);
    this.liveOptions = { ...DEFAULT_LIVE_OPTIONS, ...options.live, clock: this.clock };
    this.pollers = refs.map((r) => new GroupPoller(r, 0, limits));
    this.outbox = new Outbox({ maxPending: this.opts.maxPending, maxRemembered: 200_000 });
    const byPattern = new Map<string, GroupPoller[]>();
    for (const p of this.pollers) {
      if (p.group.mode !== 'live') continue;
      const key = p.group.pattern ?? '';
      byPattern.set(key, [...(byPattern.get(key) ?? []), p]);
    }
    for (const [pattern, pollers] of byPattern) {
      for (const part of chunk(pollers, LIVE_TAIL_MAX_GROUPS)) {
        const laneRefs = part.map((p) => p.group);
        const lane: Lane = { refs: laneRefs, pattern: pattern || undefined, pollers: part, live: undefined, retryLiveAt: undefined, liveError: undefined, groupOf: groupMatcher(laneRefs, []) };
        this.lanes.push(lane);
        for (const p of part) this.laneOf.set(p, lane);
      }
    }
  }

  read(cursor: LogCursor | undefined, startAt: number, signal: AbortSignal): Promise<LogBatch> {
    // one read at a time: the pollers' pagination state is not shareable
    const run = this.queue.then(() => this.readNow(cursor, startAt, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Why live tail is not in use for some groups (one line each); empty when all is live or polling by choice. */
  /** A filter pattern on any group narrows the tail, so shares of all lines are unknown. */
  private get filtered(): boolean {
    return this.lanes.some((l) => l.refs.some((r) => r.pattern !== undefined));
  }

  liveProblems(): string[] {
    return this.lanes.flatMap((l) => {
      const why = l.live?.failed?.message ?? l.liveError;
      return why ? [`live tail unavailable for ${l.refs.map((r) => r.name).join(', ')}, polling instead: ${why}`] : [];
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const lane of this.lanes) lane.live?.close();
  }

  private async readNow(cursor: LogCursor | undefined, startAt: number, signal: AbortSignal): Promise<LogBatch> {
    if (this.closed) throw new Error('the CloudWatch Logs source is closed');
    const now = this.clock.now();
    if (!this.continues(cursor)) this.restart(cursor, startAt);
    let sampled = false;
    for (const lane of this.lanes) sampled = this.supervise(lane, now) || sampled;
    const due = this.pollers.filter((p) => this.needsPoll(p));
    let horizon = Infinity;
    await mapLimit(due, POLL_CONCURRENCY, async (p) => {
      const r = await p.read(this.ctx, now, signal);
      // accepted at once: a later group's failure must not lose these
      this.outbox.accept(toEvents(r.lines, r.twins), now);
      if (r.horizon !== undefined) horizon = Math.min(horizon, r.horizon);
      if (r.skipped) sampled = true;
    });
    const taken = this.outbox.take(horizon, this.opts.maxBatch, this.opts.reorderMs > 0 ? now - this.opts.reorderMs : Infinity);
    const next = advanceCursor(this.last, this.start, taken.events);
    this.outbox.forget(Math.min(now, next.since) - this.opts.rememberMs);
    this.last = next;
    const batch: LogBatch = { events: taken.events, cursor: next, mode: this.mode() };
    if (sampled || taken.sampled) batch.sampled = true;
    if (this.filtered) batch.filtered = true;
    const warnings = this.liveProblems();
    if (warnings.length) batch.warnings = warnings;
    return batch;
  }

  /** Whether `cursor` is the one this source returned last (the runtime hands it back). */
  private continues(cursor: LogCursor | undefined): boolean {
    const last = this.last;
    if (!cursor || !last) return false;
    if (cursor === last) return true;
    return cursor.since === last.since && cursor.seenAtSince.length === last.seenAtSince.length && cursor.seenAtSince.every((id, i) => id === last.seenAtSince[i]);
  }

  private restart(cursor: LogCursor | undefined, startAt: number): void {
    this.start = cursor ? cursor.since : startAt;
    this.last = cursor;
    this.outbox.reset(cursor?.seenAtSince ?? [], this.start);
    for (const p of this.pollers) p.restart(this.start);
  }

  /** Starts, watches and retries the lane's session; drains its lines. Returns whether it sampled. */
  private supervise(lane: Lane, now: number): boolean {
    let sampled = false;
    const live = lane.live;
    if (live) {
      const drained = live.drain();
      this.outbox.accept(toEvents(drained.lines), now);
      sampled = drained.sampled;
      const gap = live.takeGap();
      if (gap) for (const p of lane.pollers) p.covered(gap.from, gap.until);
      if (live.streamingSince !== undefined) lane.liveError = undefined;
      const failed = live.failed;
      if (failed) {
        live.close();
        lane.live = undefined;
        lane.liveError = failed.message;
        lane.retryLiveAt = failed.at + this.opts.retryLiveMs;
      }
    }
    if (!lane.live && (lane.retryLiveAt === undefined || now >= lane.retryLiveAt)) {
      lane.retryLiveAt = undefined;
      lane.live = new LiveTail(
        this.ctx,
        { pattern: lane.pattern, identifiers: (signal) => this.arnsOf(lane, signal), groupOf: (id) => lane.groupOf(id) },
        this.liveOptions,
      );
      lane.live.start();
    }
    return sampled;
  }

  private needsPoll(p: GroupPoller): boolean {
    const lane = this.laneOf.get(p);
    // no session: configured to poll, or live failed and waits for its retry
    if (!lane?.live || p.reading) return true;
    const since = lane.live.streamingSince;
    return since === undefined || !p.caughtUpTo(since + this.opts.settleMs);
  }

  private mode(): LogBatch['mode'] {
    if (this.pollers.some((p) => p.group.mode === 'poll')) return 'poll';
    const live = this.lanes.every((l) => l.live && !l.live.failed && (l.liveError === undefined || l.live.streamingSince !== undefined));
    return live ? 'live' : 'poll';
  }

  private async arnsOf(lane: Lane, signal: AbortSignal): Promise<string[]> {
    const missing = lane.refs.filter((r) => !this.arns.has(r.configured));
    if (missing.length > 0) {
      const found = await resolveArns(this.ctx, missing, signal);
      missing.forEach((r, i) => this.arns.set(r.configured, found[i]!));
    }
    const arns = lane.refs.map((r) => this.arns.get(r.configured)!);
    lane.groupOf = groupMatcher(lane.refs, arns);
    return arns;
  }
}

/** The LogSource for the environment's `logs:` entries. */
export function createLogSource(ctx: AwsContext, groups: readonly LogGroupConfig[], opts: LogSourceOptions = {}): AwsLogSource {
  return new AwsLogSource(ctx, groups, opts);
}

function definedOnly(o: LogSourceOptions): Partial<typeof DEFAULTS> {
  const out: Partial<typeof DEFAULTS> = {};
  for (const k of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
