// Conformance: the log tail and the error count against moto's CloudWatch Logs.
//
// Three streams write for four virtual minutes: one on time, one whose agent
// uploads every 3 s (lines up to 4 s out of order across streams), and one
// that uploads lines 20 to 60 s after their timestamps, after
// the tail has moved on. Some errors come with a multi-line trace, one event
// per line. What the tail shows is compared, exactly, with what moto itself
// returns when asked directly with the SDK: GetLogEvents per stream for the
// lines, FilterLogEvents with the pattern ERROR for the error events (every
// error head, and nothing else, carries the word). The source runs on a
// ManualClock (Live Tail is unavailable at moto, so it polls): no real sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { LogTail } from '../../src/engine/logTail.js';
import { topErrors } from '../../src/engine/logAnalysis.js';
import { readLogs } from '../../src/checks/logWindow.js';
import type { LogCursor, LogEvent } from '../../src/model/logs.js';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { createLogSource } from '../../src/sources/aws/logs.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';

const GROUP = '/ecs/shop';
const ON_TIME = 'api/api/0a1b2c3d4e5f60718293';
const BATCHED = 'api/api/9f8e7d6c5b4a39281706';
const LATE = 'worker/worker/5e6f7a8b9c0d1e2f3a4b';
const SECONDS = 240;

let moto: Moto;
let ctx: AwsContext;

beforeAll(async () => {
  moto = await startMoto();
  ctx = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
});
afterAll(async () => {
  ctx?.close();
  await moto?.stop();
});

type Line = [timestamp: number, message: string];

/** A small deterministic generator: the same lines every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const nodeTrace = (t: number, order: number): Line[] => [
  [t, `ERROR TimeoutError: upstream payments timed out after 5000ms (order ${order})`],
  [t, '    at PaymentsClient.charge (/app/dist/payments/client.js:57:13)'],
  [t, '    at async CheckoutService.pay (/app/dist/checkout/service.js:112:7)'],
];
const javaTrace = (t: number, job: number): Line[] => [
  [t, `2026-03-14 03:12:00,123 ERROR [pool-1-thread-3] c.s.w.JobRunner - job ${job} failed`],
  [t, `java.lang.IllegalStateException: charge ${job} refused`],
  [t, '\tat com.shop.worker.JobRunner.run(JobRunner.java:42)'],
  [t + 1, 'Caused by: java.net.SocketTimeoutException: Read timed out'],
  [t + 1, '\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)'],
  [t + 1, '\t... 12 more'],
];
const pythonTrace = (t: number, job: number): Line[] => [
  [t, `ERROR:worker:job ${job} failed`],
  [t, 'Traceback (most recent call last):'],
  [t, '  File "/app/worker.py", line 88, in run'],
  [t + 2, '    handler(job)'],
  [t + 2, `KeyError: 'sku'`],
];

interface Upload {
  /** virtual time of the PutLogEvents call */
  at: number;
  stream: string;
  lines: Line[];
}

/** The whole scenario, as a list of uploads in the order they happen. */
function scenario(t0: number): Upload[] {
  const rnd = prng(20260314);
  const uploads: Upload[] = [];
  let batched: Line[] = [];
  /** written but not uploaded yet: one entry per event, a trace's lines together */
  let late: Line[][] = [];
  let n = 0;
  for (let s = 1; s <= SECONDS; s++) {
    const now = t0 + s * 1_000;
    const onTime: Line[] = [];
    for (let k = 0; k < 3; k++) {
      const t = now - 999 + Math.floor(rnd() * 999);
      n++;
      if (n % 17 === 0) onTime.push(...nodeTrace(t, 80_000 + n));
      else if (n % 5 === 0) onTime.push([t, `WARN slow request GET /api/v1/search 200 ${1_200 + n}ms`]);
      else onTime.push([t, `INFO GET /api/v1/orders/${n} 200 ${12 + (n % 50)}ms`]);
    }
    // two separate errors of one stream within one second are two errors
    if (s % 40 === 0) onTime.push([now - 300, `ERROR HTTP 502 from inventory GET /v2/stock/${s}`], [now - 200, `ERROR HTTP 502 from inventory GET /v2/stock/${s + 1}`]);
    uploads.push({ at: now, stream: ON_TIME, lines: onTime });

    batched.push([now - Math.floor(rnd() * 1_000), `INFO batch line ${s}`]);
    if (s % 9 === 0) batched.push([now - 500, `ERROR POST /api/v1/orders 500 (req ${s})`]);
    if (s % 3 === 0) {
      uploads.push({ at: now, stream: BATCHED, lines: batched });
      batched = [];
    }

    // the worker's lines are stamped when written, and its agent uploads every 20 s (skipping
    // every third upload) only what is at least 20 s old: each line reaches CloudWatch 20-60 s late
    late.push([[now - 700, `INFO job ${s} done`]]);
    if (s % 11 === 0) late.push(javaTrace(now - 600, s));
    if (s % 13 === 0) late.push(pythonTrace(now - 400, s));
    if (s % 20 === 0 && s % 60 !== 40) {
      const age = (event: Line[]) => now - event[0]![0];
      const due = late.filter((e) => age(e) >= 20_000);
      late = late.filter((e) => age(e) < 20_000);
      if (due.length) uploads.push({ at: now, stream: LATE, lines: due.flat() });
    }
  }
  if (batched.length) uploads.push({ at: t0 + SECONDS * 1_000, stream: BATCHED, lines: batched });
  if (late.length) uploads.push({ at: t0 + (SECONDS + 40) * 1_000, stream: LATE, lines: late.flat() });
  return uploads;
}

async function put(stream: string, lines: Line[]): Promise<void> {
  const l = await ctx.sdk('logs');
  const c = await ctx.logs();
  const sorted = [...lines].sort((a, b) => a[0] - b[0]);
  await c.send(new l.PutLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, logEvents: sorted.map(([timestamp, message]) => ({ timestamp, message })) }));
}

/** Every line of the group, as moto's GetLogEvents returns it stream by stream. */
async function motoLines(streams: string[]): Promise<string[]> {
  const l = await ctx.sdk('logs');
  const c = await ctx.logs();
  const out: string[] = [];
  for (const stream of streams) {
    let token: string | undefined;
    for (;;) {
      const r = await c.send(new l.GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true, ...(token ? { nextToken: token } : {}) }));
      for (const e of r.events ?? []) out.push(key(stream, e.timestamp!, e.message!));
      if (!r.nextForwardToken || r.nextForwardToken === token || (r.events ?? []).length === 0) break;
      token = r.nextForwardToken;
    }
  }
  return out.sort();
}

/** How many events moto's FilterLogEvents finds with the pattern ERROR. */
async function motoErrorEvents(): Promise<number> {
  const l = await ctx.sdk('logs');
  const c = await ctx.logs();
  let n = 0;
  let token: string | undefined;
  do {
    const r = await c.send(new l.FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: 'ERROR', ...(token ? { nextToken: token } : {}) }));
    n += (r.events ?? []).length;
    token = r.nextToken;
  } while (token);
  return n;
}

const key = (stream: string, timestamp: number, message: string) => `${timestamp} ${stream} ${message}`;

/** What differs between two sorted lists of keys, for the failure message. */
function difference(shown: string[], expected: string[]): string {
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const a = count(shown);
  const b = count(expected);
  const missing = [...b].filter(([k, v]) => (a.get(k) ?? 0) < v).map(([k]) => k);
  const extra = [...a].filter(([k, v]) => (b.get(k) ?? 0) < v).map(([k]) => k);
  return `opsdeck showed ${shown.length} lines, moto holds ${expected.length}; missing ${missing.length}: ${missing.slice(0, 5).join(' | ')}; shown too often ${extra.length}: ${extra.slice(0, 5).join(' | ')}`;
}

/** Lines shown after a newer one without the late mark, and lines marked late that were not. */
function orderProblems(shown: LogEvent[]): string[] {
  const problems: string[] = [];
  let newest = -Infinity;
  for (const e of shown) {
    const outOfOrder = e.timestamp < newest;
    if (outOfOrder && !e.late) problems.push(`out of order, not marked late: ${key(e.stream, e.timestamp, e.message)} after ${newest}`);
    if (!outOfOrder && e.late) problems.push(`marked late but in order: ${key(e.stream, e.timestamp, e.message)}`);
    newest = Math.max(newest, e.timestamp);
  }
  return problems;
}

describe('CloudWatch Logs conformance (moto)', () => {
  it('the polled tail shows every line of moto exactly once, in time order or marked late, and counts errors per event', async () => {
    const l = await ctx.sdk('logs');
    const c = await ctx.logs();
    await c.send(new l.CreateLogGroupCommand({ logGroupName: GROUP }));
    for (const s of [ON_TIME, BATCHED, LATE]) await c.send(new l.CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: s }));

    // virtual time ends a few minutes before the real now: moto refuses lines from the future
    const t0 = Math.floor(Date.now() / 1_000) * 1_000 - 10 * 60_000;
    const startAt = t0;
    const clock = new ManualClock(t0);
    const source = createLogSource(ctx, [{ group: GROUP }], { clock });
    const tail = new LogTail({ capacity: 100_000, minutes: 15, groups: source.groups });
    const shown: LogEvent[] = [];
    let cursor: LogCursor | undefined;
    const read = async () => {
      const batch = await source.read(cursor, startAt, new AbortController().signal);
      cursor = batch.cursor;
      shown.push(...tail.add(batch));
    };

    const uploads = scenario(t0);
    const end = t0 + (SECONDS + 120) * 1_000;
    let next = 0;
    let lateLines = 0;
    try {
      // the runtime reads once a second; uploads happen between reads
      for (let at = t0 + 1_000; at <= end; at += 1_000) {
        clock.set(at);
        for (; next < uploads.length && uploads[next]!.at <= at; next++) {
          const u = uploads[next]!;
          await put(u.stream, u.lines);
          if (u.stream === LATE) lateLines += u.lines.length;
        }
        await read();
      }
      // Live Tail failed at moto: everything came from polling
      expect(source.liveProblems().join('\n')).toMatch(/^live tail unavailable for \/ecs\/shop, polling instead/);
    } finally {
      await source.close();
    }
    expect(next).toBe(uploads.length);
    expect(lateLines).toBeGreaterThan(200);

    const expected = await motoLines([ON_TIME, BATCHED, LATE]);
    const got = shown.map((e) => key(e.stream, e.timestamp, e.message)).sort();
    expect(got, difference(got, expected)).toEqual(expected);

    const problems = orderProblems(shown);
    expect(problems, problems.slice(0, 10).join('\n')).toEqual([]);
    // the late stream's lines arrive 20-60 s after newer ones were shown: marked, not dropped
    expect(shown.filter((e) => e.late && e.stream === LATE).length).toBeGreaterThan(100);
    // the batched stream is only seconds behind: the reorder window puts it in order
    const batchedLate = shown.filter((e) => e.late && e.stream === BATCHED).length;
    expect(batchedLate, `${batchedLate} of ${shown.filter((e) => e.stream === BATCHED).length} lines of the stream uploading every 3 s shown late; expected 0`).toBe(0);

    const motoErrors = await motoErrorEvents();
    const snapshot = tail.snapshot(clock.now());
    const tailErrors = snapshot.errorsPerMinute.reduce((a, b) => a + b, 0);
    const perLine = shown.filter((e) => e.severity === 'error').length;
    expect(tailErrors, `opsdeck's tail counted ${tailErrors} errors (${perLine} error lines); moto's FilterLogEvents ERROR returns ${motoErrors} events`).toBe(motoErrors);
    // the traces are there to be joined: counted per line there would be more
    expect(perLine).toBeGreaterThan(motoErrors);
    const grouped = topErrors(snapshot.lines, Number.MAX_SAFE_INTEGER).reduce((a, g) => a + g.count, 0);
    expect(grouped, `the top-errors groups hold ${grouped} errors; moto says ${motoErrors}`).toBe(motoErrors);

    // `opsdeck check` reads the same window in one shot
    const oneShot = createLogSource(ctx, [{ group: GROUP }], { mode: 'poll', clock });
    try {
      const { window } = await readLogs(oneShot, { from: startAt, now: clock.now(), signal: new AbortController().signal, deadline: Infinity, clock: () => 0 });
      expect(window.errors, `opsdeck check counted ${window.errors} errors; moto's FilterLogEvents ERROR returns ${motoErrors} events`).toBe(motoErrors);
      expect(window.partial).toBe(false);
    } finally {
      await oneShot.close();
    }
  }, 240_000);
});
