import { describe, it, expect } from 'vitest';
import { CHECKS } from '../../src/checks/rules.js';
import { resolveThresholds } from '../../src/checks/thresholds.js';
import type { LogsSnapshot } from '../../src/model/logs.js';

const rule = CHECKS.find((c) => c.id === 'logs.error-rate')!;
const logs = (over: Partial<LogsSnapshot>): LogsSnapshot => ({
  lines: [], dropped: 0, total: 0, errorsPerMinute: [0, 0, 0, 0, 0], linesPerMinute: [100, 100, 100, 100, 100],
  mode: 'poll', sampled: false, filtered: false, warnings: [], groups: ['/ecs/api'], ...over,
});
const run = (l: LogsSnapshot) => rule.evaluate({ data: { logs: l }, thresholds: resolveThresholds(undefined), now: 0, env: 'prod' })[0];

describe('logs.error-rate', () => {
  it('grades the share of error lines in an unfiltered tail', () => {
    expect(run(logs({ errorsPerMinute: [0, 0, 0, 0, 0] }))?.severity).toBe('ok');
    expect(run(logs({ errorsPerMinute: [2, 2, 2, 2, 2] }))).toMatchObject({ severity: 'warn', figure: '2.0% errors over 5m' });
    expect(run(logs({ errorsPerMinute: [9, 9, 9, 9, 9] }))?.severity).toBe('crit');
  });

  it('counts error lines per minute when a filter pattern narrowed the tail', () => {
    // every line of a tail filtered on ?ERROR is an error: a share would always read 100 %
    const all = logs({ filtered: true, errorsPerMinute: [1, 0, 0, 0, 0], linesPerMinute: [1, 0, 0, 0, 0] });
    expect(run(all)).toMatchObject({ severity: 'ok', figure: '0.2 errors/min over 5m' });
    expect(run(logs({ filtered: true, errorsPerMinute: [20, 20, 20, 20, 20], linesPerMinute: [20, 20, 20, 20, 20] }))?.severity).toBe('crit');
  });

  it('says nothing when no log group is configured', () => {
    expect(rule.evaluate({ data: { logs: logs({ groups: [] }) }, thresholds: resolveThresholds(undefined), now: 0, env: 'prod' })).toEqual([]);
  });
});
