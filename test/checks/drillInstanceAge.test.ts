// rds.drill-instance-age: a drill copy older than a drill takes is critical,
// on its own facts (its tag and RDS's creation time), whatever the records say.
import { describe, it, expect } from 'vitest';
import { NOW, HOUR, instance, rds, findings } from './support.js';
import { createSandbox } from '../../src/sources/sandbox/index.js';
import { ManualClock } from '../../src/engine/clock.js';
import { runChecks } from '../../src/checks/run.js';
import { checkSettings } from '../../src/checks/evaluate.js';
import { DRILL_TAG } from '../../src/actions/rds/context.js';
import { readFileSync } from 'node:fs';

const drillCopy = (hours: number, over = {}) => instance({ id: 'prod-db-drill-20261122060000', tags: { [DRILL_TAG]: 'prod-db-20261122T060000Z' }, createdAt: NOW - hours * HOUR, ...over });
const judge = (restored: ReturnType<typeof instance>[], opts = {}) => findings('rds.drill-instance-age', { rds: rds({ restored }) }, opts);

describe('rds.drill-instance-age', () => {
  it('is critical from 3 h, with the delete-drill-instance suggestion', () => {
    expect(judge([drillCopy(2.9)]).map((f) => f.severity)).toEqual(['ok']);
    expect(judge([drillCopy(3)])).toMatchObject([
      {
        severity: 'crit',
        subject: 'prod/prod-db-drill-20261122060000',
        figure: '3.0 h old, available',
        message: 'drill instance (opsdeck:drill=prod-db-20261122T060000Z) older than a drill takes (3 h): a copy of production data left running',
        suggested: { action: 'delete-drill-instance', instance: 'prod-db-drill-20261122060000', target: 'prod-db-drill-20261122060000' },
      },
    ]);
  });

  it('judges only instances carrying the drill tag; a restore opsdeck made for a person is not a drill', () => {
    expect(judge([drillCopy(30, { tags: { 'opsdeck:restored-from': 'rds:prod-db-x' } })])).toEqual([]);
  });

  it('follows the environment and per-instance thresholds', () => {
    const t = (thresholds: object) => judge([drillCopy(5)], { thresholds: { values: { drillInstanceAgeHours: { warn: 3, crit: 3 } }, subjects: {}, ...thresholds } });
    expect(t({}).map((f) => f.severity)).toEqual(['crit']);
    expect(t({ subjects: { 'prod-db-drill-20261122060000': { drillInstanceAgeHours: { warn: 4, crit: 8 } } } }).map((f) => f.severity)).toEqual(['warn']);
  });

  it('uses the same tag as the drill action', () => {
    expect(readFileSync(new URL('../../src/checks/rules/rds.ts', import.meta.url), 'utf8')).toContain(`const DRILL_TAG = '${DRILL_TAG}';`);
  });

  it('`check` reports a drill-tagged instance no record names as critical once it is older than 3 h', async () => {
    const clock = new ManualClock(Date.parse('2026-11-22T09:00:00Z'));
    const sandbox = createSandbox({ scenario: 'calm', seed: 7, clock });
    try {
      await sandbox.rds.restore({ snapshotId: 'rds:demo-db-2026-11-22-03-10', newId: 'demo-db-drill-20261122090000', tags: { [DRILL_TAG]: 'demo-db-20261122T090000Z' } });
      const check = async () => {
        const r = await runChecks({ sources: sandbox.sources, env: 'demo', ...checkSettings(sandbox.environment), now: clock.now(), sinceMs: 12 * 3_600_000 });
        return r.findings.filter((f) => f.checkId === 'rds.drill-instance-age').map((f) => [f.subject, f.severity, f.suggested?.action]);
      };
      clock.advance(2 * HOUR);
      expect(await check()).toEqual([['demo/demo-db-drill-20261122090000', 'ok', undefined]]);
      clock.advance(HOUR);
      expect(await check()).toEqual([['demo/demo-db-drill-20261122090000', 'crit', 'delete-drill-instance']]);
    } finally {
      await sandbox.sources.close();
    }
  });
});
