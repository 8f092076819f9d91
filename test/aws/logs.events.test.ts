// The pieces under the log source's merge: ids derived from the line, the
// outbox (dedupe, time order, horizon, bound) and the cursor.
import { describe, expect, it } from 'vitest';
import { advanceCursor, Outbox, toEvents, type RawLine } from '../../src/sources/aws/logsEvents.js';
import { groupMatcher, groupRefs } from '../../src/sources/aws/logsGroups.js';

const raw = (timestamp: number, message: string, over: Partial<RawLine> = {}): RawLine => ({ group: '/ecs/api', stream: 'api/1', timestamp, ingestionTime: timestamp + 100, message, ...over });

describe('toEvents', () => {
  it('gives the same line the same id whichever API read it, and identical lines distinct ids', () => {
    const [a] = toEvents([raw(1, 'ERROR x')]);
    const [b] = toEvents([raw(1, 'ERROR x')]);
    expect(a!.id).toBe(b!.id);
    expect(a!.severity).toBe('error');
    const twins = toEvents([raw(1, 'INFO tick'), raw(1, 'INFO tick')]);
    expect(new Set(twins.map((e) => e.id)).size).toBe(2);
    // the same twins read again get the same two ids
    expect(toEvents([raw(1, 'INFO tick'), raw(1, 'INFO tick')]).map((e) => e.id)).toEqual(twins.map((e) => e.id));
    expect(toEvents([raw(1, 'INFO tick', { stream: 'api/2' })])[0]!.id).not.toBe(twins[0]!.id);
  });
});

describe('Outbox', () => {
  it('drops lines already accepted and hands out lines oldest first up to the horizon', () => {
    const box = new Outbox({ maxPending: 100, maxRemembered: 100 });
    expect(box.accept(toEvents([raw(30, 'c'), raw(10, 'a')]))).toBe(2);
    expect(box.accept(toEvents([raw(10, 'a'), raw(20, 'b')]))).toBe(1);
    const first = box.take(20, 10);
    expect(first.events.map((e) => e.message)).toEqual(['a', 'b']);
    expect(box.take(Infinity, 10).events.map((e) => e.message)).toEqual(['c']);
    // delivered lines stay remembered
    expect(box.accept(toEvents([raw(30, 'c')]))).toBe(0);
  });

  it('hands out at most max lines per take, and drops the oldest beyond its bound as sampled', () => {
    const box = new Outbox({ maxPending: 3, maxRemembered: 100 });
    box.accept(toEvents([1, 2, 3, 4, 5].map((t) => raw(t, `m${t}`))));
    const t1 = box.take(Infinity, 2);
    expect(t1.events.map((e) => e.message)).toEqual(['m3', 'm4']);
    expect(t1.sampled).toBe(true);
    const t2 = box.take(Infinity, 2);
    expect(t2.events.map((e) => e.message)).toEqual(['m5']);
    expect(t2.sampled).toBe(false);
  });

  it('a line older than one already handed out goes at once, marked late; the rest wait for the horizon', () => {
    const box = new Outbox({ maxPending: 100, maxRemembered: 100 });
    box.accept(toEvents([raw(10, 'a'), raw(30, 'c'), raw(50, 'e')]));
    expect(box.take(40, 10).events.map((e) => [e.message, e.late ?? false])).toEqual([['a', false], ['c', false]]);
    // b (20) turns up after c (30) was handed out; d (40) is in order; e waits for the horizon
    box.accept(toEvents([raw(20, 'b'), raw(40, 'd')]));
    expect(box.take(45, 10).events.map((e) => [e.message, e.late ?? false])).toEqual([['b', true], ['d', false]]);
    // even a horizon that moved back lets late lines through
    box.accept(toEvents([raw(5, 'z')]));
    expect(box.take(0, 10).events.map((e) => [e.message, e.late ?? false])).toEqual([['z', true]]);
    expect(box.take(Infinity, 10).events.map((e) => [e.message, e.late ?? false])).toEqual([['e', false]]);
  });

  it('holds a line until its time is older than the window, or until it has waited the window', () => {
    const box = new Outbox({ maxPending: 100, maxRemembered: 100 });
    // accepted at 1000 with a 100 ms window: 880 is settled, 950 is not yet
    box.accept(toEvents([raw(880, 'settled'), raw(950, 'fresh')]), 1_000);
    expect(box.take(Infinity, 10, 900).events.map((e) => e.message)).toEqual(['settled']);
    // a stream stamped 5 s ahead of this clock: held only for the window after it arrived, and what
    // is older than it goes with it, in order
    box.accept(toEvents([raw(6_000, 'ahead'), raw(1_020, 'other stream')]), 1_050);
    expect(box.take(Infinity, 10, 1_000).events.map((e) => e.message)).toEqual(['fresh']);
    expect(box.take(Infinity, 10, 1_050).events.map((e) => e.message)).toEqual(['other stream', 'ahead']);
  });

  it('after a reset, lines older than the cursor are late', () => {
    const box = new Outbox({ maxPending: 100, maxRemembered: 100 });
    box.reset([], 100);
    box.accept(toEvents([raw(90, 'old'), raw(100, 'at the cursor'), raw(110, 'new')]));
    expect(box.take(Infinity, 10).events.map((e) => [e.message, e.late ?? false])).toEqual([['old', true], ['at the cursor', false], ['new', false]]);
  });

  it('forgets ids by age and by count', () => {
    const box = new Outbox({ maxPending: 100, maxRemembered: 2 });
    box.accept(toEvents([raw(1, 'a'), raw(2, 'b'), raw(3, 'c')]));
    box.take(Infinity, 10);
    box.forget(0);
    // only the two newest are remembered
    expect(box.accept(toEvents([raw(1, 'a')]))).toBe(1);
    box.forget(10);
    expect(box.accept(toEvents([raw(3, 'c')]))).toBe(1);
  });
});

describe('advanceCursor', () => {
  it('moves to the newest line and keeps the ids at that millisecond', () => {
    const ev = toEvents([raw(5, 'a'), raw(7, 'b'), raw(7, 'c')]);
    const c1 = advanceCursor(undefined, 0, ev);
    expect(c1).toEqual({ since: 7, seenAtSince: [ev[1]!.id, ev[2]!.id] });
    const more = toEvents([raw(7, 'd'), raw(3, 'late')]);
    const c2 = advanceCursor(c1, 0, more);
    expect(c2).toEqual({ since: 7, seenAtSince: [ev[1]!.id, ev[2]!.id, more[0]!.id] });
    expect(advanceCursor(c2, 0, [])).toEqual(c2);
    expect(advanceCursor(undefined, 42, [])).toEqual({ since: 42, seenAtSince: [] });
  });
});

describe('log group config', () => {
  it('accepts names and ARNs, and maps Live Tail identifiers back to the configured names', () => {
    const refs = groupRefs([{ group: '/ecs/api' }, { group: 'arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/worker:*', filterPattern: ' ', mode: 'poll' }]);
    expect(refs.map((r) => [r.name, r.configured, r.pattern, r.mode])).toEqual([
      ['/ecs/api', '/ecs/api', undefined, 'live'],
      ['/ecs/worker', 'arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/worker', undefined, 'poll'],
    ]);
    const groupOf = groupMatcher(refs, ['arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/api', refs[1]!.configured]);
    expect(groupOf('123456789012:/ecs/api')).toBe('/ecs/api');
    expect(groupOf('arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/worker:*')).toBe('/ecs/worker');
    expect(groupOf('/ecs/api')).toBe('/ecs/api');
    expect(groupOf('arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/other')).toBe('/ecs/other');
  });
});
