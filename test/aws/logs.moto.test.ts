// The CloudWatch Logs source against moto, which implements FilterLogEvents
// (paginated, interleaved, simple filter patterns) and DescribeLogGroups but
// not Live Tail: StartLiveTail fails there (the SDK sends it to a "stream-"
// host), which is exactly the automatic fallback to polling under test.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import type { LogBatch, LogCursor, LogEvent } from '../../src/model/logs.js';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { AwsError } from '../../src/sources/aws/errors.js';
import { createLogSource, type AwsLogSource, type LogGroupConfig, type LogSourceOptions } from '../../src/sources/aws/logs.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let ctx: AwsContext;
const sources: AwsLogSource[] = [];

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  ctx = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
});
afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
  ctx.close();
});

const signal = () => new AbortController().signal;

// no reorder window unless a test is about it: lines come out as soon as they are read
function source(groups: LogGroupConfig[], opts: LogSourceOptions = {}): AwsLogSource {
  const s = createLogSource(ctx, groups, { reorderMs: 0, ...opts });
  sources.push(s);
  return s;
}

async function createGroup(group: string, streams: string[]): Promise<void> {
  const l = await ctx.sdk('logs');
  const c = await ctx.logs();
  await c.send(new l.CreateLogGroupCommand({ logGroupName: group }));
  for (const s of streams) await c.send(new l.CreateLogStreamCommand({ logGroupName: group, logStreamName: s }));
}

async function put(group: string, stream: string, events: Array<[number, string]>): Promise<void> {
  const l = await ctx.sdk('logs');
  const c = await ctx.logs();
  await c.send(new l.PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: events.map(([timestamp, message]) => ({ timestamp, message })) }));
}

/** Every command sent on the logs client, by name. */
async function recordCommands(): Promise<string[]> {
  const c = await ctx.logs();
  const names: string[] = [];
  c.middlewareStack.add(
    (next, context) => async (args) => {
      names.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'testRecordLogsCalls' },
  );
  return names;
}

/** Reads until a read returns nothing new, feeding the cursor back like the runtime does. */
async function readAll(src: AwsLogSource, startAt: number, cursor?: LogCursor): Promise<{ batches: LogBatch[]; events: LogEvent[]; cursor: LogCursor | undefined }> {
  const batches: LogBatch[] = [];
  let c = cursor;
  for (let i = 0; i < 50; i++) {
    const b = await src.read(c, startAt, signal());
    batches.push(b);
    c = b.cursor;
    if (b.events.length === 0) break;
  }
  return { batches, events: batches.flatMap((b) => b.events), cursor: c };
}

const messages = (events: LogEvent[]) => events.map((e) => e.message);

describe('AWS log source against moto', () => {
  it('reads from startAt, then only what is new, across reads, without duplicates or gaps', async () => {
    const now = Date.now();
    await createGroup('/ecs/api', ['api/1', 'api/2']);
    await put('/ecs/api', 'api/1', [
      [now - 20 * 60_000, 'INFO too old for the window'],
      [now - 60_000, 'INFO GET /orders 200 12ms'],
      [now - 50_000, 'ERROR TimeoutError: upstream payments timed out after 5000ms (order 81723)'],
    ]);
    await put('/ecs/api', 'api/2', [[now - 55_000, 'WARN slow request GET /search 1500ms']]);
    // every query sweeps back for late streams (by default one every 10 s)
    const src = source([{ group: '/ecs/api', mode: 'poll' }], { poll: { sweepEveryMs: 0 } });
    const startAt = now - 15 * 60_000;

    const first = await src.read(undefined, startAt, signal());
    expect(messages(first.events)).toEqual(['INFO GET /orders 200 12ms', 'WARN slow request GET /search 1500ms', 'ERROR TimeoutError: upstream payments timed out after 5000ms (order 81723)']);
    expect(first.events.map((e) => e.severity)).toEqual(['info', 'warn', 'error']);
    expect(first.events.map((e) => e.stream)).toEqual(['api/1', 'api/2', 'api/1']);
    expect(first.events.every((e) => e.group === '/ecs/api')).toBe(true);
    expect(first.mode).toBe('poll');
    expect(first.cursor.since).toBe(now - 50_000);

    // nothing new: nothing delivered, the cursor holds
    const second = await src.read(first.cursor, startAt, signal());
    expect(second.events).toEqual([]);
    expect(second.cursor.since).toBe(now - 50_000);

    // a line at the cursor's exact millisecond, a line that arrives late (older
    // than the cursor, within the lookback), and a newer one
    await put('/ecs/api', 'api/2', [[now - 50_000, 'INFO same millisecond, other stream']]);
    const late = Date.now() - 3_000;
    await put('/ecs/api', 'api/1', [[late, 'INFO uploaded late']]);
    await put('/ecs/api', 'api/1', [[Date.now(), 'INFO newest']]);
    const rest = await readAll(src, startAt, second.cursor);
    expect(messages(rest.events)).toEqual(['INFO same millisecond, other stream', 'INFO uploaded late', 'INFO newest']);

    // a fresh source handed the cursor (a restarted runtime) continues without repeating
    await put('/ecs/api', 'api/2', [[Date.now() + 1, 'INFO after the restart']]);
    const again = source([{ group: '/ecs/api', mode: 'poll' }]);
    const resumed = await readAll(again, startAt, rest.cursor);
    expect(messages(resumed.events)).toEqual(['INFO after the restart']);
  });

  it('merges two groups in time order', async () => {
    const now = Date.now();
    await createGroup('/ecs/api', ['a']);
    await createGroup('/ecs/worker', ['w']);
    await put('/ecs/api', 'a', [
      [now - 5_000, 'api 1'],
      [now - 3_000, 'api 3'],
      [now - 1_000, 'api 5'],
    ]);
    await put('/ecs/worker', 'w', [
      [now - 4_000, 'worker 2'],
      [now - 2_000, 'worker 4'],
    ]);
    const src = source([{ group: '/ecs/api' }, { group: '/ecs/worker' }], { mode: 'poll' });
    expect(src.groups).toEqual(['/ecs/api', '/ecs/worker']);
    const { events } = await readAll(src, now - 60_000);
    expect(messages(events)).toEqual(['api 1', 'worker 2', 'api 3', 'worker 4', 'api 5']);
    expect(events.map((e) => e.group)).toEqual(['/ecs/api', '/ecs/worker', '/ecs/api', '/ecs/worker', '/ecs/api']);
  });

  it('paginates with nextToken a bounded amount per read, keeping groups in time order across reads', async () => {
    const now = Date.now();
    await createGroup('/ecs/api', ['a']);
    await createGroup('/ecs/worker', ['w']);
    // api is busy, worker has one line in the middle of api's burst
    await put('/ecs/api', 'a', Array.from({ length: 12 }, (_, i): [number, string] => [now - 30_000 + i * 1_000, `api ${i}`]));
    await put('/ecs/worker', 'w', [[now - 24_500, 'worker mid-burst']]);
    const src = source([{ group: '/ecs/api' }, { group: '/ecs/worker' }], { mode: 'poll', poll: { maxEvents: 2, maxPages: 2 } });
    const { batches, events } = await readAll(src, now - 60_000);
    const all = messages(events);
    expect(all).toEqual([...Array.from({ length: 6 }, (_, i) => `api ${i}`), 'worker mid-burst', ...Array.from({ length: 6 }, (_, i) => `api ${i + 6}`)]);
    // no read delivered more than the group's bound, so it took several
    expect(batches.filter((b) => b.events.length > 0).length).toBeGreaterThanOrEqual(6);
    for (const b of batches) expect(b.events.length).toBeLessThanOrEqual(3);
    expect(batches.some((b) => b.sampled)).toBe(false);
  });

  it('identical lines of one upload stay two when a page boundary falls between them', async () => {
    const now = Date.now();
    await createGroup('/ecs/api', ['a']);
    // a recursive stack: the same frame twice, same millisecond, same upload
    await put('/ecs/api', 'a', [
      [now - 2_000, 'ERROR RangeError: Maximum call stack size exceeded'],
      [now - 2_000, '    at walk (/app/dist/tree.js:12:5)'],
      [now - 2_000, '    at walk (/app/dist/tree.js:12:5)'],
    ]);
    const src = source([{ group: '/ecs/api' }], { mode: 'poll', poll: { maxEvents: 1, maxPages: 1 } });
    const { events } = await readAll(src, now - 60_000);
    expect(messages(events)).toEqual(['ERROR RangeError: Maximum call stack size exceeded', '    at walk (/app/dist/tree.js:12:5)', '    at walk (/app/dist/tree.js:12:5)']);
  });

  it('applies the filter pattern', async () => {
    const now = Date.now();
    await createGroup('/ecs/api', ['a']);
    await put('/ecs/api', 'a', [
      [now - 3_000, 'INFO GET /orders 200'],
      [now - 2_000, 'ERROR charge failed for order 81723'],
      [now - 1_000, 'INFO GET /cart 200'],
    ]);
    const src = source([{ group: '/ecs/api', filterPattern: 'ERROR', mode: 'poll' }]);
    const { events } = await readAll(src, now - 60_000);
    expect(messages(events)).toEqual(['ERROR charge failed for order 81723']);
  });

  it('falls back to polling when Live Tail is unavailable, and retries live after minutes, not every read', async () => {
    const now = Date.now();
    await createGroup('/ecs/api', ['a']);
    await put('/ecs/api', 'a', [[now - 10_000, 'ERROR before the first read']]);
    const calls = await recordCommands();
    const clock = new ManualClock(now);
    const src = source([{ group: '/ecs/api' }], { clock });

    const first = await src.read(undefined, now - 15 * 60_000, signal());
    // the backlog comes from FilterLogEvents while the session starts
    expect(messages(first.events)).toEqual(['ERROR before the first read']);
    await expect.poll(() => src.liveProblems().length, { message: 'StartLiveTail to fail at moto' }).toBeGreaterThan(0);
    expect(src.liveProblems()[0]).toMatch(/^live tail unavailable for \/ecs\/api, polling instead: /);
    expect(calls.filter((c) => c === 'StartLiveTailCommand')).toHaveLength(1);
    // the session was asked for by ARN, resolved with DescribeLogGroups
    expect(calls).toContain('DescribeLogGroupsCommand');

    await put('/ecs/api', 'a', [[Date.now(), 'INFO while polling']]);
    let cursor = first.cursor;
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      const b = await src.read(cursor, now - 15 * 60_000, signal());
      expect(b.mode).toBe('poll');
      seen.push(...messages(b.events));
      cursor = b.cursor;
    }
    expect(seen).toEqual(['INFO while polling']);
    expect(calls.filter((c) => c === 'StartLiveTailCommand')).toHaveLength(1);

    clock.advance(5 * 60_000);
    await src.read(cursor, now - 15 * 60_000, signal());
    await expect.poll(() => calls.filter((c) => c === 'StartLiveTailCommand').length, { message: 'a second StartLiveTail after five minutes' }).toBe(2);
  });

  it('mode: poll never starts Live Tail', async () => {
    const now = Date.now();
    await createGroup('/ecs/api', ['a']);
    await put('/ecs/api', 'a', [[now - 1_000, 'INFO x']]);
    const calls = await recordCommands();
    const src = source([{ group: '/ecs/api', mode: 'poll' }]);
    const { batches } = await readAll(src, now - 60_000);
    expect(batches.every((b) => b.mode === 'poll')).toBe(true);
    expect(calls.filter((c) => c !== 'FilterLogEventsCommand')).toEqual([]);
  });

  it('a group that does not exist is one line naming the config entry', async () => {
    await createGroup('/ecs/api', ['a']);
    const src = source([{ group: '/ecs/api' }, { group: '/ecs/typo' }], { mode: 'poll' });
    const err = await src.read(undefined, Date.now() - 60_000, signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect((err as AwsError).message).toBe('CloudWatch Logs group /ecs/typo not found in region us-east-1: fix logs[1].group in the config, or the region');
    expect((err as AwsError).kind).toBe('not-found');
  });
});
