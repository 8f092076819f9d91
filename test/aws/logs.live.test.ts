// Live Tail with aws-sdk-client-mock. Shapes follow the CloudWatch Logs API
// reference (StartLiveTail, StartLiveTailResponseStream, LiveTailSessionUpdate):
// the response's `responseStream` is an async iterable that yields
// { sessionStart } once, then { sessionUpdate: { sessionMetadata: { sampled },
// sessionResults: [...] } } every second; the SDK throws SessionTimeoutException
// and SessionStreamingException while iterating (the typed union also allows
// them as members, so both are exercised).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AccessDeniedException,
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  SessionStreamingException,
  SessionTimeoutException,
  StartLiveTailCommand,
  type FilteredLogEvent,
  type LiveTailSessionLogEvent,
  type StartLiveTailCommandInput,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { ManualClock } from '../../src/engine/clock.js';
import type { LogBatch, LogCursor, LogEvent } from '../../src/model/logs.js';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { createLogSource, type AwsLogSource, type LogGroupConfig, type LogSourceOptions } from '../../src/sources/aws/logs.js';

const logsMock = mockClient(CloudWatchLogsClient);
const ACCOUNT = '123456789012';
const arn = (name: string) => `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${name}`;
const T0 = Date.UTC(2026, 2, 14, 3, 12, 0);
const signal = () => new AbortController().signal;

/**
 * A response stream the test feeds: an async generator, as the SDK's is,
 * that waits for the next pushed item. `returned` is set when the consumer
 * closes it.
 */
class FakeStream implements AsyncIterable<StartLiveTailResponseStream> {
  private items: Array<{ ev: StartLiveTailResponseStream } | { end: true } | { error: unknown }> = [];
  private wake: (() => void) | undefined;
  returned = false;

  push(...events: StartLiveTailResponseStream[]): this {
    this.items.push(...events.map((ev) => ({ ev })));
    this.wake?.();
    return this;
  }
  start(): this {
    return this.push({ sessionStart: { sessionId: 'session-1', requestId: 'req-1', logGroupIdentifiers: [arn('/ecs/api')] } });
  }
  update(results: LiveTailSessionLogEvent[], sampled = false): this {
    return this.push({ sessionUpdate: { sessionMetadata: { sampled }, sessionResults: results } });
  }
  end(): void {
    this.items.push({ end: true });
    this.wake?.();
  }
  fail(error: unknown): void {
    this.items.push({ error });
    this.wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<StartLiveTailResponseStream> {
    try {
      for (;;) {
        while (this.items.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
        const item = this.items.shift()!;
        if ('end' in item) return;
        if ('error' in item) throw item.error;
        yield item.ev;
      }
    } finally {
      this.returned = true;
    }
  }
}

let ctx: AwsContext;
let streams: FakeStream[];
let liveInputs: StartLiveTailCommandInput[];
const sources: AwsLogSource[] = [];

beforeEach(() => {
  logsMock.reset();
  streams = [];
  liveInputs = [];
  ctx = createAwsContext({ config: { region: 'us-east-1' }, env: {}, sdk: { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } });
  logsMock.on(DescribeLogGroupsCommand).callsFake((input: { logGroupNamePrefix?: string }) => {
    const name = input.logGroupNamePrefix ?? '';
    return { logGroups: [{ logGroupName: `${name}-staging`, arn: `${arn(`${name}-staging`)}:*` }, { logGroupName: name, arn: `${arn(name)}:*` }] };
  });
  logsMock.on(FilterLogEventsCommand).resolves({ events: [] });
  // every StartLiveTail gets the next prepared stream, or a fresh one
  logsMock.on(StartLiveTailCommand).callsFake((input: StartLiveTailCommandInput) => {
    liveInputs.push(input);
    const s = streams[liveInputs.length - 1] ?? new FakeStream().start();
    streams[liveInputs.length - 1] = s;
    return { responseStream: s };
  });
});
afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
  ctx.close();
  logsMock.reset();
});

// no reorder window unless a test is about it: lines come out as soon as they are read
function source(groups: LogGroupConfig[], opts: LogSourceOptions = {}): AwsLogSource {
  const s = createLogSource(ctx, groups, { live: { backoffBaseMs: 1, backoffMaxMs: 5 }, reorderMs: 0, ...opts });
  sources.push(s);
  return s;
}

const line = (timestamp: number, message: string, over: Partial<LiveTailSessionLogEvent> = {}): LiveTailSessionLogEvent => ({
  logStreamName: 'api/1',
  logGroupIdentifier: `${ACCOUNT}:/ecs/api`,
  timestamp,
  ingestionTime: timestamp + 200,
  message,
  ...over,
});

/** Reads like the runtime, feeding the cursor back, until `done` holds for all lines read. */
class Reader {
  cursor: LogCursor | undefined;
  events: LogEvent[] = [];
  batches: LogBatch[] = [];
  constructor(
    private readonly src: AwsLogSource,
    private readonly startAt = T0 - 15 * 60_000,
  ) {}
  async once(): Promise<LogBatch> {
    const b = await this.src.read(this.cursor, this.startAt, signal());
    this.cursor = b.cursor;
    this.events.push(...b.events);
    this.batches.push(b);
    return b;
  }
  async until(done: (events: LogEvent[]) => boolean, what: string): Promise<void> {
    await expect.poll(async () => (await this.once(), done(this.events)), { message: what }).toBe(true);
  }
  get messages(): string[] {
    return this.events.map((e) => e.message);
  }
}

const filterCalls = () => logsMock.commandCalls(FilterLogEventsCommand).length;

describe('Live Tail', () => {
  it('streams sessionUpdates into batches in time order, with groups from their identifiers', async () => {
    const s = new FakeStream().start();
    streams.push(s);
    const src = source([{ group: '/ecs/api', filterPattern: '?ERROR ?WARN' }, { group: '/ecs/worker', filterPattern: '?ERROR ?WARN' }]);
    const r = new Reader(src);
    await r.once();
    await expect.poll(() => liveInputs.length, { message: 'StartLiveTail' }).toBe(1);
    // ARNs from DescribeLogGroups (the exact name, not the -staging one that shares the prefix), without ":*"
    expect(liveInputs[0]).toEqual({ logGroupIdentifiers: [arn('/ecs/api'), arn('/ecs/worker')], logEventFilterPattern: '?ERROR ?WARN' });
    s.update([line(T0 + 2_000, 'ERROR second'), line(T0 + 1_000, 'WARN first', { logGroupIdentifier: arn('/ecs/worker'), logStreamName: 'worker/7' })]);
    s.update([]);
    s.update([line(T0 + 3_000, 'ERROR third')]);
    await r.until((ev) => ev.length === 3, 'three live lines');
    expect(r.messages).toEqual(['WARN first', 'ERROR second', 'ERROR third']);
    expect(r.events.map((e) => [e.group, e.stream, e.severity])).toEqual([
      ['/ecs/worker', 'worker/7', 'warn'],
      ['/ecs/api', 'api/1', 'error'],
      ['/ecs/api', 'api/1', 'error'],
    ]);
    expect(r.batches.at(-1)!.mode).toBe('live');
    expect(r.batches.some((b) => b.sampled)).toBe(false);
    expect(r.cursor!.since).toBe(T0 + 3_000);
  });

  it('reports sampled when the service sampled an update, once', async () => {
    const s = new FakeStream().start();
    streams.push(s);
    const r = new Reader(source([{ group: '/ecs/api' }]));
    await r.once();
    s.update([line(T0 + 1, 'INFO a'), line(T0 + 2, 'INFO b')], true);
    await r.until((ev) => ev.length === 2, 'the sampled update');
    expect(r.batches.at(-1)!.sampled).toBe(true);
    s.update([line(T0 + 3, 'INFO c')]);
    await r.until((ev) => ev.length === 3, 'the next update');
    expect(r.batches.at(-1)!.sampled).toBeUndefined();
  });

  it('drops the oldest buffered lines beyond its bound and says sampled', async () => {
    const s = new FakeStream().start();
    streams.push(s);
    const src = source([{ group: '/ecs/api' }], { live: { maxBuffered: 3, backoffBaseMs: 1 } });
    const r = new Reader(src);
    await r.once();
    s.update(Array.from({ length: 5 }, (_, i) => line(T0 + i, `INFO ${i}`)));
    await r.until((ev) => ev.length >= 3, 'the bounded buffer');
    expect(r.messages).toEqual(['INFO 2', 'INFO 3', 'INFO 4']);
    expect(r.batches.some((b) => b.sampled)).toBe(true);
  });

  it('starts a new session when the stream ends, and polls across the gap', async () => {
    const clock = new ManualClock(T0);
    const first = new FakeStream().start();
    const second = new FakeStream().start();
    streams.push(first, second);
    const r = new Reader(source([{ group: '/ecs/api' }], { clock }));
    await r.once();
    first.update([line(T0 + 1, 'INFO from the first session')]);
    await r.until((ev) => ev.length === 1, 'the first session');
    // settled: after a poll begun 5 s after the session started, polling stops
    clock.advance(6_000);
    await r.once();
    const settled = filterCalls();
    await r.once();
    await r.once();
    expect(filterCalls()).toBe(settled);

    clock.advance(60_000);
    first.end();
    await expect.poll(() => liveInputs.length, { message: 'a second StartLiveTail' }).toBe(2);
    second.update([line(T0 + 70_000, 'INFO from the second session')]);
    await r.until((ev) => ev.length === 2, 'the second session');
    expect(r.messages).toEqual(['INFO from the first session', 'INFO from the second session']);
    // the gap between the sessions is read with FilterLogEvents, from where the first one stopped
    const bridge = logsMock.commandCalls(FilterLogEventsCommand).slice(settled);
    expect(bridge.length).toBeGreaterThan(0);
    expect(bridge[0]!.args[0].input).toMatchObject({ logGroupName: '/ecs/api', startTime: T0 + 66_000 - 10_000, interleaved: true });
  });

  it('a line read by both the bridging poll and the session is delivered once', async () => {
    const clock = new ManualClock(T0);
    const s = new FakeStream().start();
    streams.push(s);
    const both = line(T0 + 500, 'ERROR seen twice');
    const polled: FilteredLogEvent = { eventId: '3720', logStreamName: both.logStreamName, timestamp: both.timestamp, ingestionTime: both.ingestionTime, message: both.message };
    logsMock.on(FilterLogEventsCommand).resolves({ events: [polled] });
    const r = new Reader(source([{ group: '/ecs/api' }], { clock }));
    await r.once();
    await expect.poll(() => liveInputs.length).toBe(1);
    s.update([both, line(T0 + 600, 'INFO live only')]);
    await r.until((ev) => ev.length >= 2, 'the live lines');
    await r.once();
    expect(r.messages).toEqual(['ERROR seen twice', 'INFO live only']);
  });

  it.each([
    ['yielded as a member', (s: FakeStream) => s.push({ SessionStreamingException: new SessionStreamingException({ message: 'internal error', $metadata: {} }) })],
    ['thrown while iterating', (s: FakeStream) => s.fail(new SessionStreamingException({ message: 'internal error', $metadata: {} }))],
    ['a broken connection', (s: FakeStream) => s.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))],
  ])('reconnects after a streaming error %s', async (_how, breakIt) => {
    const first = new FakeStream().start();
    const second = new FakeStream().start();
    streams.push(first, second);
    const r = new Reader(source([{ group: '/ecs/api' }]));
    await r.once();
    first.update([line(T0 + 1, 'INFO before')]);
    await r.until((ev) => ev.length === 1, 'the first line');
    breakIt(first);
    await expect.poll(() => liveInputs.length, { message: 'a reconnect' }).toBe(2);
    second.update([line(T0 + 2, 'INFO after')]);
    await r.until((ev) => ev.length === 2, 'the line after the reconnect');
    expect(r.messages).toEqual(['INFO before', 'INFO after']);
    expect(r.batches.at(-1)!.mode).toBe('live');
  });

  it.each([
    ['thrown', (s: FakeStream) => s.fail(new SessionTimeoutException({ message: 'Session timed out', $metadata: {} }))],
    ['yielded', (s: FakeStream) => s.push({ SessionTimeoutException: new SessionTimeoutException({ message: 'Session timed out', $metadata: {} }) })],
  ])('renews the session on SessionTimeoutException (%s)', async (_how, timeOut) => {
    const first = new FakeStream().start();
    streams.push(first);
    const r = new Reader(source([{ group: '/ecs/api' }]));
    await r.once();
    await expect.poll(() => liveInputs.length).toBe(1);
    timeOut(first);
    await expect.poll(() => liveInputs.length, { message: 'a renewed session' }).toBe(2);
    expect(liveInputs[1]).toEqual(liveInputs[0]);
  });

  it('renews a session before the three hours are up, closing the old stream', async () => {
    const first = new FakeStream().start();
    streams.push(first);
    const r = new Reader(source([{ group: '/ecs/api' }], { live: { renewAfterMs: 30, backoffBaseMs: 1 } }));
    await r.once();
    await expect.poll(() => liveInputs.length, { message: 'the renewal' }).toBeGreaterThanOrEqual(2);
    // the old stream is let go: its generator finishes at its next event
    first.update([]);
    await expect.poll(() => first.returned, { message: 'the old stream to be closed' }).toBe(true);
  });

  it('falls back to polling when StartLiveTail is denied, with mode poll', async () => {
    logsMock.on(StartLiveTailCommand).rejects(
      new AccessDeniedException({
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/oncall/jane is not authorized to perform: logs:StartLiveTail on resource: ${arn('/ecs/api')}`,
        $metadata: { httpStatusCode: 400 },
      }),
    );
    logsMock.on(FilterLogEventsCommand).resolves({ events: [{ eventId: '1', logStreamName: 'api/1', timestamp: T0 - 1_000, ingestionTime: T0, message: 'ERROR polled' }] });
    const src = source([{ group: '/ecs/api' }]);
    const r = new Reader(src);
    await r.once();
    await expect.poll(() => src.liveProblems().length, { message: 'the denied start' }).toBe(1);
    expect(src.liveProblems()[0]).toBe(`live tail unavailable for /ecs/api, polling instead: access denied for logs:StartLiveTail on ${arn('/ecs/api')}: the IAM policy needs logs:StartLiveTail`);
    const b = await r.once();
    expect(b.mode).toBe('poll');
    expect(r.messages).toEqual(['ERROR polled']);
    expect(logsMock.commandCalls(StartLiveTailCommand)).toHaveLength(1);
  });

  it('polling sweeps back 60 s every 10 s, from where the previous sweep began, so a stream up to 60 s late loses nothing', async () => {
    logsMock.on(FilterLogEventsCommand).resolves({ events: [] });
    const clock = new ManualClock(T0);
    const src = source([{ group: '/ecs/api', mode: 'poll' }], { clock });
    const r = new Reader(src, T0 - 60_000);
    for (let i = 0; i < 25; i++) {
      await r.once();
      clock.advance(1_000);
    }
    const starts = logsMock.commandCalls(FilterLogEventsCommand).map((c) => (c.args[0].input.startTime ?? 0) - T0);
    expect(starts.slice(0, 13)).toEqual([
      -60_000, // the first read: from startAt
      ...Array.from({ length: 9 }, (_, i) => i * 1_000 - 10_000), // each query from 10 s before the previous one began
      -60_000, // a sweep: 60 s before the previous sweep began (the first read, at T0)
      10_000 - 10_000,
      11_000 - 10_000,
    ]);
    // the next sweep starts 60 s before the one at T0 + 10 s began
    expect(starts[20]).toBe(10_000 - 60_000);
  });

  it('builds ARNs from the caller identity when DescribeLogGroups is denied', async () => {
    logsMock.on(DescribeLogGroupsCommand).rejects(new AccessDeniedException({ message: 'not authorized to perform: logs:DescribeLogGroups', $metadata: {} }));
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const stsMock = mockClient(STSClient);
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/oncall/jane`, UserId: 'x' });
    try {
      await new Reader(source([{ group: '/ecs/api' }])).once();
      await expect.poll(() => liveInputs.length, { message: 'StartLiveTail' }).toBe(1);
      expect(liveInputs[0]!.logGroupIdentifiers).toEqual([arn('/ecs/api')]);
    } finally {
      stsMock.restore();
    }
  });

  it('opens one session per distinct filter pattern and at most ten groups per session', async () => {
    const groups: LogGroupConfig[] = [
      ...Array.from({ length: 12 }, (_, i) => ({ group: `/ecs/svc-${i}`, filterPattern: 'ERROR' })),
      { group: '/ecs/audit' },
      { group: '/ecs/batch', mode: 'poll' as const },
    ];
    await new Reader(source(groups)).once();
    await expect.poll(() => liveInputs.length, { message: 'three sessions' }).toBe(3);
    const byPattern = liveInputs.map((i) => `${i.logEventFilterPattern ?? '(none)'} × ${i.logGroupIdentifiers!.length}`).sort();
    expect(byPattern).toEqual(['(none) × 1', 'ERROR × 10', 'ERROR × 2']);
    expect(liveInputs.flatMap((i) => i.logGroupIdentifiers)).not.toContain(arn('/ecs/batch'));
  });

  it('close() ends the sessions and starts no new ones', async () => {
    const s = new FakeStream().start();
    streams.push(s);
    const src = source([{ group: '/ecs/api' }]);
    await new Reader(src).once();
    await expect.poll(() => liveInputs.length).toBe(1);
    await src.close();
    s.update([]);
    await expect.poll(() => s.returned, { message: 'the stream to be closed' }).toBe(true);
    s.end();
    await expect(src.read(undefined, T0, signal())).rejects.toThrow(/closed/);
    expect(liveInputs).toHaveLength(1);
  });
});
