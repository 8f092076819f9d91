/** PostgreSQL checks: connections against max_connections, queries waiting on a lock. */
import type { Finding } from '../../model/findings.js';
import { databaseRef } from '../../model/subjects.js';
import { grade } from '../thresholds.js';
import { findingsOf, pct, type CheckDefinition } from '../types.js';

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

export const POSTGRES_CHECKS: readonly CheckDefinition[] = [connections, blocked];
