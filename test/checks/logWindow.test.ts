// Reading a whole window of logs ("overnight") in bounded reads.
import { describe, it, expect } from 'vitest';
import { readLogs } from '../../src/checks/logWindow.js';
import type { LogSource } from '../../src/sources/ports.js';
import type { LogBatch, LogCursor, LogEvent } from '../../src/model/logs.js';
import { NOW, MIN, HOUR, line } from './support.js';

/** A log group of `events`, served `perRead` at a time from the cursor, like the real adapters. */
function source(events: LogEvent[], perRead: number, extra: Partial<LogBatch> = {}) {
  const calls: { cursor: LogCursor | undefined; startAt: number }[] = [];
  const src: LogSource = {
    groups: ['/ecs/api'],
    read: async (cursor, startAt) => {
      calls.push({ cursor, startAt });
      const from = cursor ? cursor.since : startAt;
      const after = events.filter((e) => (cursor ? e.timestamp > from : e.timestamp >= from));
      const out = after.slice(0, perRead);
      const last = out.at(-1);
      return { events: out, cursor: { since: last ? last.timestamp : from, seenAtSince: [] }, mode: 'poll', ...extra };
    },
  };
  return { src, calls };
}

const signal = new AbortController().signal;
const opts = (from: number, deadline = Infinity) => ({ from, now: NOW, signal, deadline, clock: () => 0 });

/** one line a minute over the last 12 h; every 10th an error, most of them one kind */
function night(): LogEvent[] {
  return Array.from({ length: 720 }, (_, i) => {
    const at = NOW - (720 - i) * MIN + 1;
    if (i % 10 !== 0) return line(`GET /orders/${i} 200`, at, 'info');
    return line(i % 30 === 0 ? `ERROR smtp timeout after ${i}ms` : `ERROR payment ${i} declined`, at);
  });
}

describe('readLogs', () => {
  it('reads the window in as many reads as it takes and counts all of it', async () => {
    const { src, calls } = source(night(), 100);
    const r = await readLogs(src, opts(NOW - 12 * HOUR));
    expect(calls.length).toBe(10); // 8 reads with lines, then two empty ones
    expect(r.window).toMatchObject({ from: NOW - 12 * HOUR, to: NOW, lines: 720, errors: 72, partial: false, filtered: false });
    // the most frequent error, not the most recent one
    expect(r.window.top).toEqual({ fingerprint: 'ERROR payment <n> declined', count: 48 });
    // the panel snapshot still carries the last five minutes for the rate check
    expect(r.snapshot.linesPerMinute).toEqual([1, 1, 1, 1, 0]); // the current minute has only begun
  });

  it('leaves out lines from before the window that a source hands back', async () => {
    const events = [line('ERROR before', NOW - 2 * HOUR), line('ERROR inside', NOW - 30 * MIN)];
    const { src } = source(events, 100);
    const early: LogSource = { ...src, read: (c, _s, sig) => src.read(c, NOW - 3 * HOUR, sig) };
    expect((await readLogs(early, opts(NOW - HOUR))).window).toMatchObject({ errors: 1, lines: 1 });
  });

  it('at the deadline, counts what it has as a lower bound and still reads the last five minutes', async () => {
    const { src, calls } = source(night(), 100);
    let reads = 0;
    const r = await readLogs(src, { ...opts(NOW - 12 * HOUR, 3), clock: () => ++reads });
    expect(r.window.partial).toBe(true);
    expect(r.window.lines).toBe(200);
    expect(calls.at(-1)).toEqual({ cursor: undefined, startAt: NOW - 5 * MIN });
    expect(r.snapshot.linesPerMinute).toEqual([1, 1, 1, 1, 0]); // the current minute has only begun
  });

  it('a source that sampled or is filtered says so', async () => {
    const { src } = source(night(), 1_000, { sampled: true, filtered: true });
    expect((await readLogs(src, opts(NOW - 12 * HOUR))).window).toMatchObject({ partial: true, filtered: true });
  });
});
