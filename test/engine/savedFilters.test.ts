// The config's saved log filters reach the log view's snapshot in their order, from the sandbox as from AWS's source.
import { describe, expect, it } from 'vitest';
import { savedFiltersOf } from '../../src/engine/logs/rules.js';
import { createSandbox } from '../../src/sources/sandbox/index.js';
import { ManualClock } from '../../src/engine/clock.js';
import { LogTail } from '../../src/engine/logTail.js';

describe('saved log filters', () => {
  it('keep the config order across entries; a name used twice keeps its first pattern', () => {
    expect(savedFiltersOf([{ filters: { errors: 'ERROR', slow: '/\\d{4,}ms/' } }, { filters: { errors: 'other', auth: '401' } }, {}])).toEqual([
      { name: 'errors', pattern: 'ERROR' },
      { name: 'slow', pattern: '/\\d{4,}ms/' },
      { name: 'auth', pattern: '401' },
    ]);
  });

  it('the demo\'s filters are on the snapshot the log view reads', () => {
    const sandbox = createSandbox({ scenario: 'calm', clock: new ManualClock(Date.UTC(2026, 11, 2, 10)) });
    expect(sandbox.sources.logs.savedFilters?.map((f) => f.name)).toEqual(['errors', 'slow', 'startup']);
    const tail = new LogTail({ capacity: 10, minutes: 5, groups: ['g'], savedFilters: sandbox.sources.logs.savedFilters ?? [] });
    expect(tail.snapshot(Date.UTC(2026, 11, 2, 10)).savedFilters?.map((f) => f.name)).toEqual(['errors', 'slow', 'startup']);
    expect(new LogTail({ capacity: 10, minutes: 5, groups: ['g'] }).snapshot(0).savedFilters).toBeUndefined();
  });
});
