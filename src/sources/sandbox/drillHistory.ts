/**
 * The drills "the team" ran on demo-db before the demo started, so the demo's
 * drill checks and `drill history --demo` have something to judge: monthly
 * drills with a failed one among them, the last 9 days ago in every scenario
 * but db-saturation, where the last successful drill is 40 days old (a
 * database under strain whose restore nobody proved lately).
 */
import type { DrillSummary } from '../../drills/history.js';
import { runIdOf } from '../../drills/setup.js';
import { DB_ID } from './rds.js';
import type { Scenario } from './scenarios.js';

const DAY = 86_400_000;
const OPERATORS = ['alice@ops-laptop', 'bob@bastion', 'alice@ops-laptop', 'carol@ci-runner'];

interface Past {
  daysAgo: number;
  /** seconds from the restore request to verification; null: the drill failed */
  rto: number | null;
}

const CALM: Past[] = [
  { daysAgo: 100, rto: 1_260 },
  { daysAgo: 70, rto: 1_170 },
  { daysAgo: 67, rto: null },
  { daysAgo: 38, rto: 1_010 },
  { daysAgo: 9, rto: 852 },
];

const STALE: Past[] = [
  { daysAgo: 102, rto: 1_230 },
  { daysAgo: 71, rto: 1_260 },
  { daysAgo: 40, rto: 1_104 },
];

export function seededDrills(scenario: Scenario, createdAt: number): DrillSummary[] {
  const plan = scenario === 'db-saturation' ? STALE : CALM;
  return plan.map((p, i) => {
    // two hours earlier in the day than the demo starts, to the minute; restoring the newest 03:10 backup before it
    const started = Math.floor((createdAt - p.daysAgo * DAY - 2 * 3_600_000) / 60_000) * 60_000;
    const stamp = new Date(started - (3 * 60 + 10) * 60_000).toISOString().slice(0, 10);
    const ok = p.rto !== null;
    return {
      kind: 'opsdeck-drill-summary',
      id: runIdOf(DB_ID, started),
      env: 'demo',
      instance: DB_ID,
      snapshot: `rds:${DB_ID}-${stamp}-03-10`,
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(started + (p.rto ?? 1_500) * 1000 + 240_000).toISOString(),
      outcome: ok ? 'ok' : 'failed',
      rtoSeconds: p.rto,
      summary: {
        result: ok ? 'passed' : 'failed',
        parity: ok ? 100 : 75,
        tables: { passed: ok ? 3 : 2, total: 3 },
        assertions: { passed: 1, total: 1 },
        failed: ok ? [] : ['order_items'],
        message: ok ? '4/4 checks passed' : '3/4 checks passed; failed: order_items',
      },
      operator: OPERATORS[i % OPERATORS.length]!,
    };
  });
}
