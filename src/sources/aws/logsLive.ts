/**
 * One CloudWatch Live Tail session kept open in the background: up to ten
 * log groups and one filter pattern. Lines collect in a bounded buffer that
 * the log source drains on each read.
 *
 * The stream (StartLiveTailResponseStream) sends sessionStart once, then a
 * sessionUpdate every second (at most 500 lines; sessionMetadata.sampled when
 * AWS sent a sample of more), and ends with SessionTimeoutException after
 * three hours or SessionStreamingException on a server fault. The SDK throws
 * the exception members while iterating; both shapes are handled.
 *
 * Sessions are renewed before the three hours run out and whenever the stream
 * ends; after an error they reconnect with backoff. A failure to *start* a
 * session is not retried here: the source falls back to polling and tries
 * live again later. Each time the stream stops delivering, the moment is
 * recorded as a gap, which the source fills by polling.
 */
import type { LiveTailSessionUpdate, StartLiveTailResponseStream } from '@aws-sdk/client-cloudwatch-logs';
import type { Clock } from '../../engine/clock.js';
import { send, type AwsContext } from './clients.js';
import { describeAwsError } from './errors.js';
import type { RawLine } from './logsEvents.js';

export interface LiveTailOptions {
  clock: Clock;
  /** lines held between two reads; beyond this the oldest are dropped */
  maxBuffered: number;
  /** sessions end after 3 h; a new one is started this long after the current one began */
  renewAfterMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** a stream that ends sooner than this counts as a failed attempt for the backoff */
  healthyMs: number;
}

export const DEFAULT_LIVE_OPTIONS: Omit<LiveTailOptions, 'clock'> = {
  maxBuffered: 20_000,
  renewAfterMs: 3 * 3_600_000 - 10 * 60_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 30_000,
  healthyMs: 30_000,
};

interface LiveTailTarget {
  pattern: string | undefined;
  /** the groups' ARNs, resolved on each connection attempt until one succeeds */
  identifiers(signal: AbortSignal): Promise<string[]>;
  /** the configured group a line belongs to */
  groupOf(identifier: string | undefined): string;
}

/** A session streamed every line ingested from `from` to `until` (wall times). */
interface LiveGap {
  from: number;
  until: number;
}

type Outcome = 'ended' | 'timeout' | 'renew' | 'closed' | { error: unknown };

const ABORTED = Symbol('aborted');

export class LiveTail {
  private buffer: RawLine[] = [];
  private sampledSinceDrain = false;
  private connectedSince: number | undefined;
  /** the first stretch the stream covered and then stopped covering, not yet taken */
  private gap: LiveGap | undefined;
  private failure: { message: string; at: number } | undefined;
  private closed = false;
  private conn: AbortController | undefined;
  private wake: (() => void) | undefined;
  /** sessions started, for tests and diagnostics */
  sessions = 0;
  /** why the last session ended, for diagnostics */
  lastEnd: string | undefined;

  constructor(
    private readonly ctx: AwsContext,
    private readonly target: LiveTailTarget,
    private readonly opts: LiveTailOptions,
  ) {}

  start(): void {
    void this.run();
  }

  /** Wall time the current session started streaming; undefined while not connected. */
  get streamingSince(): number | undefined {
    return this.connectedSince;
  }

  /** Set when a session could not be started: the caller should poll instead. */
  get failed(): { message: string; at: number } | undefined {
    return this.failure;
  }

  /**
   * The stretch a session covered before it stopped delivering, once; the
   * earliest such stretch if several ended since the last call.
   */
  takeGap(): LiveGap | undefined {
    const g = this.gap;
    this.gap = undefined;
    return g;
  }

  drain(): { lines: RawLine[]; sampled: boolean } {
    const lines = this.buffer;
    const sampled = this.sampledSinceDrain;
    this.buffer = [];
    this.sampledSinceDrain = false;
    return { lines, sampled };
  }

  close(): void {
    this.closed = true;
    this.conn?.abort(new Error('live tail closed'));
    this.wake?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      const conn = new AbortController();
      this.conn = conn;
      let stream: AsyncIterable<StartLiveTailResponseStream>;
      try {
        stream = await this.connect(conn.signal);
      } catch (err) {
        if (!this.closed) this.failure = { message: describeAwsError(err, this.ctx), at: this.opts.clock.now() };
        return;
      }
      const openedAt = this.opts.clock.now();
      const outcome = await this.consume(stream, conn);
      this.markGap();
      this.lastEnd = typeof outcome === 'string' ? outcome : describeAwsError(outcome.error, this.ctx);
      if (outcome === 'closed' || this.closed) return;
      const healthy = this.opts.clock.now() - openedAt >= this.opts.healthyMs;
      if (typeof outcome !== 'string' || !healthy) failures++;
      else failures = 0;
      if (outcome === 'renew' || failures === 0) continue;
      await this.sleep(Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** (failures - 1)));
    }
  }

  private async connect(signal: AbortSignal): Promise<AsyncIterable<StartLiveTailResponseStream>> {
    const logGroupIdentifiers = await this.target.identifiers(signal);
    const pattern = this.target.pattern;
    this.sessions++;
    const out = await send(
      this.ctx,
      'logs',
      (l) => new l.StartLiveTailCommand({ logGroupIdentifiers, ...(pattern ? { logEventFilterPattern: pattern } : {}) }),
      signal,
    );
    if (!out.responseStream) throw new Error('StartLiveTail returned no event stream');
    return out.responseStream;
  }

  /** Reads the stream until it ends, fails, times out, or the session is renewed or closed. */
  private async consume(stream: AsyncIterable<StartLiveTailResponseStream>, conn: AbortController): Promise<Outcome> {
    const it = stream[Symbol.asyncIterator]();
    const renew = setTimeout(() => conn.abort(new Error('live tail session renewal')), this.opts.renewAfterMs);
    renew.unref?.();
    const aborted = new Promise<typeof ABORTED>((resolve) => {
      if (conn.signal.aborted) resolve(ABORTED);
      conn.signal.addEventListener('abort', () => resolve(ABORTED), { once: true });
    });
    try {
      for (;;) {
        const next = await Promise.race([it.next(), aborted]);
        if (next === ABORTED) {
          // the real stream ends with its aborted request; a generator waiting on nothing would not
          void Promise.resolve(it.return?.()).catch(() => undefined);
          return this.closed ? 'closed' : 'renew';
        }
        if (next.done) return 'ended';
        const ev = next.value;
        if (ev.sessionStart || ev.sessionUpdate) this.connectedSince ??= this.opts.clock.now();
        if (ev.sessionUpdate) this.collect(ev.sessionUpdate);
        else if (ev.SessionTimeoutException) return 'timeout';
        else if (ev.SessionStreamingException) return { error: ev.SessionStreamingException };
      }
    } catch (err) {
      if (conn.signal.aborted) return this.closed ? 'closed' : 'renew';
      if ((err as { name?: string } | undefined)?.name === 'SessionTimeoutException') return 'timeout';
      return { error: err };
    } finally {
      clearTimeout(renew);
    }
  }

  private collect(update: LiveTailSessionUpdate): void {
    if (update.sessionMetadata?.sampled) this.sampledSinceDrain = true;
    for (const r of update.sessionResults ?? []) {
      if (r.timestamp === undefined || r.message === undefined) continue;
      const line: RawLine = { group: this.target.groupOf(r.logGroupIdentifier), stream: r.logStreamName ?? '', timestamp: r.timestamp, message: r.message };
      if (r.ingestionTime !== undefined) line.ingestionTime = r.ingestionTime;
      this.buffer.push(line);
    }
    const excess = this.buffer.length - this.opts.maxBuffered;
    if (excess > 0) {
      this.buffer.splice(0, excess);
      this.sampledSinceDrain = true;
    }
  }

  private markGap(): void {
    if (this.connectedSince === undefined) return;
    this.gap ??= { from: this.connectedSince, until: this.opts.clock.now() };
    this.connectedSince = undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
