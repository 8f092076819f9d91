/**
 * The sandbox's benchmark hook (OPSDECK_SANDBOX_LOG_RATE / logRate): exactly
 * the asked-for extra lines per second from the sandbox's start, nothing
 * else in the simulation changes, and a bad value is one clear error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/engine/clock.js';
import { createSandbox } from '../../src/sources/sandbox/index.js';
import type { LogEvent } from '../../src/model/logs.js';

const T0 = Date.UTC(2026, 10, 22, 9, 30, 0);
const signal = new AbortController().signal;

/** Every line from 15 minutes before T0 to T0 + `seconds`, read as the runtime would (following the cursor). */
async function linesOver(seconds: number, logRate?: number): Promise<LogEvent[]> {
  const clock = new ManualClock(T0);
  const sb = createSandbox({ scenario: 'calm', seed: 7, clock, ...(logRate === undefined ? {} : { logRate }) });
  const out: LogEvent[] = [];
  let batch = await sb.sources.logs.read(undefined, T0 - 15 * 60_000, signal);
  out.push(...batch.events);
  for (let s = 0; s < seconds; s++) {
    clock.advance(1_000);
    do {
      batch = await sb.sources.logs.read(batch.cursor, T0, signal);
      out.push(...batch.events);
    } while (batch.events.length > 0 && batch.cursor.since < clock.now());
  }
  return out;
}

const perSecond = (lines: LogEvent[]) => {
  const counts = new Map<number, number>();
  for (const l of lines) if (l.timestamp > T0) counts.set(Math.ceil((l.timestamp - T0) / 1000), (counts.get(Math.ceil((l.timestamp - T0) / 1000)) ?? 0) + 1);
  return counts;
};

describe('sandbox log rate for the benchmarks', () => {
  const saved = process.env.OPSDECK_SANDBOX_LOG_RATE;
  afterEach(() => {
    if (saved === undefined) delete process.env.OPSDECK_SANDBOX_LOG_RATE;
    else process.env.OPSDECK_SANDBOX_LOG_RATE = saved;
  });

  it('adds exactly the rate per second after the start and leaves the backlog and the normal lines alone', async () => {
    delete process.env.OPSDECK_SANDBOX_LOG_RATE;
    const normal = await linesOver(10);
    const loaded = await linesOver(10, 300);
    expect(loaded.filter((l) => l.timestamp <= T0)).toEqual(normal.filter((l) => l.timestamp <= T0));
    const extra = perSecond(loaded);
    const base = perSecond(normal);
    for (let s = 1; s <= 10; s++) expect((extra.get(s) ?? 0) - (base.get(s) ?? 0)).toBe(300);
    // the normal traffic is still there, line for line
    const messages = new Set(loaded.map((l) => `${l.timestamp} ${l.stream} ${l.message}`));
    for (const l of normal) expect(messages.has(`${l.timestamp} ${l.stream} ${l.message}`)).toBe(true);
    expect(new Set(loaded.map((l) => l.id)).size).toBe(loaded.length);
  });

  it('reads the rate from OPSDECK_SANDBOX_LOG_RATE, and an empty one is the normal traffic', async () => {
    delete process.env.OPSDECK_SANDBOX_LOG_RATE;
    const normal = (await linesOver(4)).length;
    process.env.OPSDECK_SANDBOX_LOG_RATE = '250';
    expect((await linesOver(4)).length - normal).toBe(1_000);
    process.env.OPSDECK_SANDBOX_LOG_RATE = '';
    expect((await linesOver(4)).length).toBe(normal);
  });

  it('refuses a rate that is not a number of lines per second, in one line naming the variable', () => {
    for (const bad of ['lots', '-5', 'Infinity']) {
      process.env.OPSDECK_SANDBOX_LOG_RATE = bad;
      expect(() => createSandbox({ scenario: 'calm' })).toThrow(new RegExp(`^OPSDECK_SANDBOX_LOG_RATE must be log lines per second \\(0 or more\\), got "${bad}"; unset it`));
    }
  });
});
