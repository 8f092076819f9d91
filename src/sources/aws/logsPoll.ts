/**
 * FilterLogEvents for one log group, read a bounded amount at a time.
 *
 * A query runs from a start time to "now" and is paginated with nextToken;
 * when a read stops with pages left, the next read continues the same query
 * with its token, so nothing is skipped or read twice. When a query
 * completes, the next one starts LOOKBACK before the time the completed one
 * began: agents (awslogs, the CloudWatch agent) upload in batches every few
 * seconds, so a line stamped 5 s ago may become visible only now.
 *
 * A stream can lag much more than that (an agent retrying, a task under
 * load): every SWEEP_EVERY a query re-reads from LATE before the moment the
 * previous such sweep began. A line uploaded at most LATE after its
 * timestamp was not yet there when that sweep began, so its timestamp is
 * after the new sweep's start: nothing up to LATE late is lost. The lines
 * read twice because of the overlaps are dropped by id downstream.
 */
import type { FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { send, type AwsContext } from './clients.js';
import { groupParam, isNotFound, notFound, type LogGroupRef } from './logsGroups.js';
import type { RawLine } from './logsEvents.js';
import { throwIfAborted } from './util.js';

export interface PollLimits {
  /** lines read per group per read */
  maxEvents: number;
  /** pages per group per read (FilterLogEvents can return empty pages while it searches) */
  maxPages: number;
  /** a new query starts this long before the previous one began */
  lookbackMs: number;
  /** a stream uploading up to this long after its lines' timestamps loses nothing */
  lateMs: number;
  /** how often a query sweeps back `lateMs` */
  sweepEveryMs: number;
  /** reads in a row that end with pages left before the group skips ahead to now */
  maxBehind: number;
}

export const DEFAULT_POLL_LIMITS: PollLimits = { maxEvents: 5_000, maxPages: 10, lookbackMs: 10_000, lateMs: 60_000, sweepEveryMs: 10_000, maxBehind: 10 };

// FilterLogEvents' own maximum page size
const PAGE_LIMIT = 10_000;

interface PollResult {
  lines: RawLine[];
  /** the query's numbering of identical lines, to hand to toEvents: a query's pages are numbered as one */
  twins: Map<string, number>;
  /**
   * Set while the group's query has pages left: lines of other groups newer
   * than this wait, so batches stay in time order.
   */
  horizon?: number;
  /** the group was so far behind that it skipped ahead, leaving lines unread */
  skipped: boolean;
}

interface Query {
  startTime: number;
  /** where a query without the sweep would have started: what it finds before this arrived late anyway */
  holdFrom: number;
  sweep: boolean;
  token: string;
  /** wall time of the query's first page */
  startedAt: number;
  twins: Map<string, number>;
  /** newest line read so far in this query */
  readThrough: number;
}

export class GroupPoller {
  private query: Query | undefined;
  /** lines up to this time have been read (the next query starts LOOKBACK before it) */
  private through: number;
  /** never query before this: the first read's start */
  private floor: number;
  private behind = 0;
  /** when the last completed sweep began; lines uploaded before then up to `lateMs` late are read */
  private sweptAt = -Infinity;

  constructor(
    readonly group: LogGroupRef,
    start: number,
    private readonly limits: PollLimits = DEFAULT_POLL_LIMITS,
  ) {
    this.through = start;
    this.floor = start;
  }

  /** Starts over at `start` (a new cursor); the first query has no lookback before it. */
  restart(start: number): void {
    this.query = undefined;
    this.sweptAt = -Infinity;
    this.through = start;
    this.floor = start;
    this.behind = 0;
  }

  /**
   * A live session covered the group from `from` to `until`. If polling had
   * read up to the session's start, the next query can start at its end;
   * otherwise polling carries on from where it is and nothing is skipped.
   */
  covered(from: number, until: number): void {
    if (this.query === undefined && this.through >= from) {
      // the session delivered every line ingested up to `until`, however late: no sweep needed before it
      this.through = Math.max(this.through, until);
      this.sweptAt = Math.max(this.sweptAt, until);
    }
  }

  /** Whether the group has been read up to `at` by a query that started after it. */
  caughtUpTo(at: number): boolean {
    return this.query === undefined && this.through >= at;
  }

  get reading(): boolean {
    return this.query !== undefined;
  }

  async read(ctx: AwsContext, now: number, signal: AbortSignal): Promise<PollResult> {
    let skipped = false;
    if (this.query && this.behind >= this.limits.maxBehind) {
      // Reading at full speed and still falling behind: show the present rather than a backlog.
      this.query = undefined;
      this.through = now;
      this.sweptAt = now;
      this.floor = Math.min(this.floor, now);
      this.behind = 0;
      skipped = true;
    }
    const q: Query = this.query ?? this.nextQuery(now);
    const lines: RawLine[] = [];
    let token: string | undefined = q.token || undefined;
    for (let page = 0; page < this.limits.maxPages && lines.length < this.limits.maxEvents; page++) {
      throwIfAborted(signal);
      const limit = Math.min(PAGE_LIMIT, this.limits.maxEvents - lines.length);
      const res = await this.page(ctx, q.startTime, limit, token, signal);
      for (const e of res.events ?? []) {
        const line = toRaw(this.group.name, e);
        if (!line) continue;
        lines.push(line);
        if (line.timestamp > q.readThrough) q.readThrough = line.timestamp;
      }
      token = res.nextToken;
      if (!token) break;
    }
    if (token) {
      this.query = { ...q, token };
      this.behind++;
      return { lines, twins: q.twins, horizon: Math.max(q.readThrough, q.holdFrom - 1), skipped };
    }
    this.query = undefined;
    this.through = Math.max(this.through, q.startedAt);
    if (q.sweep) this.sweptAt = q.startedAt;
    this.behind = 0;
    return { lines, twins: q.twins, skipped };
  }

  private nextQuery(now: number): Query {
    const regular = Math.max(this.floor, this.through - this.limits.lookbackMs);
    const sweep = now - this.sweptAt >= this.limits.sweepEveryMs;
    const startTime = sweep ? Math.max(this.floor, Math.min(regular, this.sweptAt - this.limits.lateMs)) : regular;
    return { startTime, holdFrom: regular, sweep, token: '', startedAt: now, readThrough: -Infinity, twins: new Map() };
  }

  private async page(ctx: AwsContext, startTime: number, limit: number, token: string | undefined, signal: AbortSignal) {
    const g = this.group;
    try {
      return await send(
        ctx,
        'logs',
        (l) =>
          new l.FilterLogEventsCommand({
            ...groupParam(g),
            startTime,
            limit,
            // deprecated and always true at AWS; emulators still honour it
            interleaved: true,
            ...(g.pattern ? { filterPattern: g.pattern } : {}),
            ...(token ? { nextToken: token } : {}),
          }),
        signal,
        { configPath: `logs[${g.index}].group` },
      );
    } catch (err) {
      if (isNotFound(err)) throw notFound(ctx, g, err);
      throw err;
    }
  }
}

function toRaw(group: string, e: FilteredLogEvent): RawLine | undefined {
  if (e.timestamp === undefined || e.message === undefined) return undefined;
  const line: RawLine = { group, stream: e.logStreamName ?? '', timestamp: e.timestamp, message: e.message };
  if (e.ingestionTime !== undefined) line.ingestionTime = e.ingestionTime;
  return line;
}
