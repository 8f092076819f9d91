/**
 * Every check, in the order of the panels. Each is data (id, area, what it
 * reads, the thresholds it grades with, the actions it may suggest) with an
 * evaluate function; a panel that could not be read makes its checks
 * `unknown` with the reason, never silently ok (see evaluate.ts).
 */
import type { CheckDefinition } from './types.js';
import { ECS_CHECKS } from './rules/ecs.js';
import { RDS_CHECKS } from './rules/rds.js';
import { LOG_CHECKS } from './rules/logs.js';
import { LOG_RULE_CHECKS } from './rules/logRules.js';
import { QUEUE_CHECKS } from './rules/queues.js';
import { POSTGRES_CHECKS } from './rules/postgres.js';
import { HEALTH_CHECKS } from './rules/health.js';
import { METRICS_CHECKS } from './rules/metrics.js';
import { JOURNAL_CHECKS } from './rules/journal.js';
import { DRILL_CHECKS } from './rules/drills.js';

export type { CheckContext, CheckDefinition, ActionId } from './types.js';

export const CHECKS: readonly CheckDefinition[] = [...ECS_CHECKS, ...RDS_CHECKS, ...DRILL_CHECKS, ...LOG_CHECKS, ...LOG_RULE_CHECKS, ...QUEUE_CHECKS, ...POSTGRES_CHECKS, ...HEALTH_CHECKS, ...METRICS_CHECKS, ...JOURNAL_CHECKS];

export function checkById(id: string): CheckDefinition | undefined {
  return CHECKS.find((c) => c.id === id);
}
