import { describe, it, expect } from 'vitest';
import { NOW, MIN, HOUR, logs, line, one, findings } from './support.js';
import { windowFromSnapshot, type LogWindow } from '../../src/checks/logWindow.js';

const rate = (l: ReturnType<typeof logs>) => one('logs.error-rate', { logs: l });

describe('logs.error-rate', () => {
  it('grades the share of error lines in an unfiltered tail', () => {
    expect(rate(logs({ errorsPerMinute: [0, 0, 0, 0, 0] })).severity).toBe('ok');
    expect(rate(logs({ errorsPerMinute: [2, 2, 2, 2, 2] }))).toMatchObject({ severity: 'warn', figure: '2.0% errors over 5m' });
    expect(rate(logs({ errorsPerMinute: [1, 1, 1, 1, 0] })).severity).toBe('ok');
    expect(rate(logs({ errorsPerMinute: [1, 1, 1, 1, 1] })).severity).toBe('warn');
    expect(rate(logs({ errorsPerMinute: [5, 5, 5, 5, 5] })).severity).toBe('crit');
  });

  it('counts error lines per minute when a filter pattern narrowed the tail', () => {
    // every line of a tail filtered on ?ERROR is an error: a share would always read 100 %
    const all = logs({ filtered: true, errorsPerMinute: [1, 0, 0, 0, 0], linesPerMinute: [1, 0, 0, 0, 0] });
    expect(rate(all)).toMatchObject({ severity: 'ok', figure: '0.2 errors/min over 5m' });
    expect(rate(logs({ filtered: true, errorsPerMinute: [20, 20, 20, 20, 20], linesPerMinute: [20, 20, 20, 20, 20] })).severity).toBe('crit');
  });

  it('per log group thresholds', () => {
    const opts = { thresholds: { subjects: { '/ecs/api': { errorRatePercent: { warn: 3, crit: 10 } } } } };
    expect(one('logs.error-rate', { logs: logs({ errorsPerMinute: [2, 2, 2, 2, 2] }) }, opts).severity).toBe('ok');
  });

  it('says nothing when no log group is configured', () => {
    expect(findings('logs.error-rate', { logs: logs({ groups: [] }) })).toEqual([]);
  });
});

describe('logs.errors-window', () => {
  const window = (over: Partial<LogWindow>): LogWindow => ({ from: NOW - 12 * HOUR, to: NOW, lines: 10_000, errors: 0, partial: false, filtered: false, ...over });
  const overnight = (w: LogWindow) => one('logs.errors-window', {}, { logWindow: w, since: w.from });

  it('tells the count over the window with the most frequent error', () => {
    const f = overnight(window({ errors: 57, top: { fingerprint: 'ERROR TimeoutError: upstream payments timed out after <n>ms', count: 41 } }));
    expect(f).toMatchObject({
      severity: 'ok',
      message: '57 errors in the last 12.0 h, top: ERROR TimeoutError: upstream payments timed out after <n>ms (×41)',
      figure: '57 errors in 10000 events, 0.6%',
    });
    expect(overnight(window({})).message).toBe('no errors in the last 12.0 h');
  });

  it('grades the window like the rate: a burst at 02:00 still shows in the morning', () => {
    expect(overnight(window({ errors: 100 })).severity).toBe('warn');
    expect(overnight(window({ errors: 500 })).severity).toBe('crit');
    // filtered: errors per minute over the window
    expect(overnight(window({ errors: 720, lines: 720, filtered: true }))).toMatchObject({ severity: 'warn', figure: '720 errors, 1.00/min' });
  });

  it('says when the count is a lower bound', () => {
    expect(overnight(window({ errors: 3, partial: true })).message).toBe('3 errors in the last 12.0 h; not every line was read, so this is a lower bound');
  });

  it('without a read window, uses what the log panel holds (the TUI)', () => {
    const lines = [line('ERROR db timeout after 5000ms', NOW - 3 * MIN), line('ERROR db timeout after 7000ms', NOW - 2 * MIN), line('ERROR bad request id 9', NOW - MIN), line('ERROR db timeout after 1ms', NOW - 40 * MIN)];
    const snap = logs({ lines, errorsPerMinute: [0, 0, 1, 1, 1], linesPerMinute: [100, 100, 100, 100, 100] });
    const w = windowFromSnapshot(snap, NOW - 5 * MIN, NOW);
    expect(w).toMatchObject({ errors: 3, lines: 500, partial: false, top: { fingerprint: 'ERROR db timeout after <n>ms', count: 2 } });
    // asked for more than the panel holds: counted as a lower bound
    expect(windowFromSnapshot(snap, NOW - HOUR, NOW)).toMatchObject({ errors: 3, partial: true });
    const f = one('logs.errors-window', { logs: snap }, { since: NOW - 5 * MIN });
    expect(f.message).toBe('3 errors in the last 5 min, top: ERROR db timeout after <n>ms (×2)');
  });

  it('keeps control sequences of a log line out of the finding', () => {
    const f = overnight(window({ errors: 1, top: { fingerprint: 'ERROR \x1b]0;pwned\x07boom', count: 1 } }));
    expect(f.message).not.toMatch(/\x1b|\x07/);
  });
});
