/**
 * The topology rule: a service may run more than one task only while a named
 * condition holds (a runbook's "instances > 1 without Redis is UNSAFE").
 * Conditions read what the panels already know, so no extra call is made.
 */
import type { QueuesSnapshot } from '../model/queues.js';
import type { PostgresSnapshot } from '../model/postgres.js';
import type { HealthSnapshot } from '../model/health.js';

export interface ConditionFacts {
  queues?: QueuesSnapshot;
  postgres?: PostgresSnapshot;
  health?: HealthSnapshot;
}

export interface ConditionVerdict {
  holds: boolean;
  reason: string;
}

export function evaluateCondition(condition: string, facts: ConditionFacts): ConditionVerdict {
  const [kind, name] = condition.split(':', 2) as [string, string | undefined];
  if (!name) return { holds: false, reason: `condition "${condition}" is not KIND:NAME` };
  switch (kind) {
    case 'redis': {
      const r = facts.queues?.redis.find((x) => x.name === name);
      if (!r) return { holds: false, reason: `no Redis named "${name}" is configured` };
      return r.ok ? { holds: true, reason: `Redis "${name}" is reachable` } : { holds: false, reason: `Redis "${name}" is unreachable` };
    }
    case 'postgres': {
      const p = facts.postgres?.databases.find((x) => x.name === name);
      return p ? { holds: true, reason: `PostgreSQL "${name}" is reachable` } : { holds: false, reason: `PostgreSQL "${name}" is not reachable or not configured` };
    }
    case 'http': {
      const h = facts.health?.probes.find((x) => x.name === name);
      if (!h) return { holds: false, reason: `no probe named "${name}" is configured` };
      return h.ok ? { holds: true, reason: `probe "${name}" passes` } : { holds: false, reason: `probe "${name}" fails` };
    }
    default:
      return { holds: false, reason: `unknown condition kind "${kind}"` };
  }
}
