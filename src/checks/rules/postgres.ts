/** PostgreSQL checks: connections against max_connections, queries waiting on a lock, long queries, idle transactions, replica lag. */
import type { Finding } from '../../model/findings.js';
import type { PgHealth, PgSession } from '../../model/postgres.js';
import type { ThresholdKey } from '../../config/thresholdKeys.js';
import { databaseRef } from '../../model/subjects.js';
import { grade } from '../thresholds.js';
import { age, findingsOf, pct, type CheckDefinition } from '../types.js';

const connections: CheckDefinition = {
  id: 'postgres.connections',
  area: 'postgres',
  title: 'Database connections below the limit',
  reads: ['postgres'],
  thresholds: ['dbConnectionsPercent'],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    const pg = ctx.data.postgres!;
    return [
      // a database that did not answer is unknown; the others are still judged
      ...(pg.errors ?? []).map((e): Finding => f('unknown', databaseRef(e), e.error)),
      ...pg.databases.map((d) => {
        const p = d.connections.max > 0 ? (100 * d.connections.total) / d.connections.max : 0;
        const severity = grade(p, ctx.threshold('dbConnectionsPercent', [d.name]));
        return f(severity, databaseRef(d), severity === 'ok' ? 'connections are fine' : 'connections near max_connections', `${d.connections.total}/${d.connections.max}, ${pct(p)}`);
      }),
    ];
  },
};

const blocked: CheckDefinition = {
  id: 'postgres.blocked',
  area: 'postgres',
  title: 'No query waits on a lock for long',
  reads: ['postgres'],
  thresholds: ['blockedQuerySeconds'],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return ctx.data.postgres!.databases.map((d) => {
      const worst = [...d.blocked].sort((a, b) => b.durationMs - a.durationMs)[0];
      const subject = databaseRef(d);
      if (!worst) return f('ok', subject, 'no blocked queries', '0 blocked');
      const severity = grade(worst.durationMs / 1000, ctx.threshold('blockedQuerySeconds', [d.name]));
      const message = severity === 'ok' ? `${d.blocked.length} briefly blocked` : `pid ${worst.pid} blocked by ${worst.blockedBy.join(', ')} for ${Math.round(worst.durationMs / 1000)} s`;
      return f(severity, subject, message, `${d.blocked.length} blocked`);
    });
  },
};

/**
 * The oldest session of a list against a threshold in seconds: what the
 * panel shows (long-running queries, idle transactions) judged once.
 */
function oldestSession(id: string, title: string, key: ThresholdKey, list: (d: PgHealth) => PgSession[], what: { none: string; found: (s: PgSession) => string; count: string }): CheckDefinition {
  return {
    id,
    area: 'postgres',
    title,
    reads: ['postgres'],
    thresholds: [key],
    actions: [],
    evaluate(ctx) {
      const f = findingsOf(this);
      return ctx.data.postgres!.databases.map((d) => {
        const sessions = list(d);
        const oldest = [...sessions].sort((a, b) => b.durationMs - a.durationMs)[0];
        if (!oldest) return f('ok', databaseRef(d), what.none, `0 ${what.count}`);
        const severity = grade(oldest.durationMs / 1000, ctx.threshold(key, [d.name]));
        return f(severity, databaseRef(d), severity === 'ok' ? `${sessions.length} ${what.count}, none for long` : what.found(oldest), `${sessions.length} ${what.count}, oldest ${age(oldest.durationMs)}`);
      });
    },
  };
}

const longQuery = oldestSession('postgres.long-query', 'No query runs for long', 'longQuery', (d) => d.longQueries, {
  none: 'no long-running query',
  found: (s) => `pid ${s.pid}${s.user ? ` (${s.user})` : ''} has run one query for ${age(s.durationMs)}`,
  count: 'long',
});

const idleInTransaction = oldestSession('postgres.idle-in-transaction', 'No transaction sits idle for long', 'idleInTransaction', (d) => d.idleInTransaction, {
  none: 'no session idle in transaction',
  found: (s) => `pid ${s.pid}${s.user ? ` (${s.user})` : ''} has held a transaction open, idle, for ${age(s.durationMs)}: its locks are held and vacuum waits`,
  count: 'idle in transaction',
});

const replicationLag: CheckDefinition = {
  id: 'postgres.replication-lag',
  area: 'postgres',
  title: 'Replicas keep up',
  reads: ['postgres'],
  thresholds: ['replicationLag'],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return ctx.data.postgres!.databases.flatMap((d) => {
      if (d.replicationLagMs === null) return [f('ok', databaseRef(d), 'no replica to keep up', 'no replica')];
      const severity = grade(d.replicationLagMs / 1000, ctx.threshold('replicationLag', [d.name]));
      return [f(severity, databaseRef(d), severity === 'ok' ? 'the replica keeps up' : `the replica trails by ${age(d.replicationLagMs)}`, `lag ${age(d.replicationLagMs)}`)];
    });
  },
};

export const POSTGRES_CHECKS: readonly CheckDefinition[] = [connections, blocked, longQuery, idleInTransaction, replicationLag];
