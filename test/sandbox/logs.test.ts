import { describe, expect, it } from 'vitest';
import type { LogCursor, LogEvent } from '../../src/model/logs.js';
import { severityOf } from '../../src/sources/sandbox/loglines.js';
import { MIN, T0, sandboxAt, signal } from './helpers.js';

const GROUP = '/ecs/demo-api';

describe('log source', () => {
  it('returns the last 15 minutes on a first read, oldest first, in sandbox mode', async () => {
    const { sb } = sandboxAt();
    expect(sb.sources.logs.groups).toEqual([GROUP]);
    const batch = await sb.sources.logs.read(undefined, T0 - 15 * MIN, signal);
    expect(batch.mode).toBe('sandbox');
    expect(batch.sampled).toBeUndefined();
    expect(batch.events.length).toBeGreaterThan(1_500);
    expect(batch.events.length).toBeLessThan(5_000);
    const times = batch.events.map((e) => e.timestamp);
    expect(times[0]!).toBeGreaterThanOrEqual(T0 - 15 * MIN);
    expect(times[0]!).toBeLessThan(T0 - 14 * MIN);
    expect(times.at(-1)!).toBeLessThanOrEqual(T0);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(batch.cursor.since).toBe(T0);
    for (const e of batch.events) {
      expect(e.group).toBe(GROUP);
      expect(e.stream).toMatch(/^ecs\/api\/[0-9a-f]{32}$/);
      expect(e.severity).toBe(severityOf(e.message));
    }
    expect(new Set(batch.events.map((e) => e.stream)).size).toBe(3);
    expect(batch.events.filter((e) => e.severity === 'info').length / batch.events.length).toBeGreaterThan(0.9);
  });

  it('sets severity from the text', () => {
    expect(severityOf('ERROR TimeoutError: upstream payments timed out after 5000ms (order 81723)')).toBe('error');
    expect(severityOf('WARN rate limit at 85% for tenant 4411')).toBe('warn');
    expect(severityOf('INFO GET /api/v1/orders 200 34ms')).toBe('info');
    expect(severityOf('DEBUG cache miss')).toBe('debug');
  });

  it('has no duplicates and no gaps across reads at irregular times', async () => {
    const { sb, clock } = sandboxAt('error-spike', 7);
    const steps = [0, 250, 1_000, 1_000, 3_700, 0, 12_000, 999, 1, 45_000, 2_000, 61_000, 500, 30_000];
    let cursor: LogCursor | undefined;
    const got: LogEvent[] = [];
    for (const ms of steps) {
      clock.advance(ms);
      const batch = await sb.sources.logs.read(cursor, T0 - 2 * MIN, signal);
      if (cursor) expect(batch.events.every((e) => e.timestamp >= cursor!.since)).toBe(true);
      got.push(...batch.events);
      cursor = batch.cursor;
    }
    const ids = got.map((e) => Number(e.id));
    expect(new Set(ids).size).toBe(ids.length);
    // ids are a counter: consecutive numbers mean nothing was skipped
    expect(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1)).toBe(true);
    // the same window read at once from a twin sandbox gives the very same lines
    const twin = sandboxAt('error-spike', 7);
    twin.clock.set(clock.now());
    const once = await twin.sb.sources.logs.read(undefined, T0 - 2 * MIN, signal);
    expect(once.events).toEqual(got);
  });

  it('uses seenAtSince to skip lines already delivered at the cursor time', async () => {
    const { sb } = sandboxAt();
    const all = (await sb.sources.logs.read(undefined, T0 - MIN, signal)).events;
    const pivot = all[10]!;
    const rest = await sb.sources.logs.read({ since: pivot.timestamp, seenAtSince: [pivot.id] }, 0, signal);
    expect(rest.events[0]).toEqual(all[11]);
    expect(rest.events.map((e) => e.id)).toEqual(all.slice(11).map((e) => e.id));
  });

  it('returns an empty batch and a stable cursor when nothing new happened', async () => {
    const { sb } = sandboxAt();
    const first = await sb.sources.logs.read(undefined, T0 - MIN, signal);
    const again = await sb.sources.logs.read(first.cursor, T0 - MIN, signal);
    expect(again.events).toEqual([]);
    expect(again.cursor).toEqual(first.cursor);
  });

  it('flags a reader whose cursor fell behind a long clock jump as sampled', async () => {
    const { sb, clock } = sandboxAt();
    const first = await sb.sources.logs.read(undefined, T0 - MIN, signal);
    clock.advance(6 * 60 * MIN);
    const after = await sb.sources.logs.read(first.cursor, 0, signal);
    expect(after.sampled).toBe(true);
    expect(after.events.length).toBeGreaterThan(1_000);
    expect(after.events[0]!.timestamp).toBeGreaterThan(clock.now() - 20 * MIN);
  });
});
