/** Health checks: every probe answers as expected, and in time. */
import { probeRef } from '../../model/subjects.js';
import { grade } from '../thresholds.js';
import { findingsOf, type CheckDefinition } from '../types.js';

const probe: CheckDefinition = {
  id: 'health.probe',
  area: 'health',
  title: 'Health endpoints answer',
  reads: ['health'],
  thresholds: ['responseTimeMs'],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return ctx.data.health!.probes.map((p) => {
      const subject = probeRef(p);
      const figure = `${p.status ?? 'no answer'}${p.latencyMs !== null ? `, ${Math.round(p.latencyMs)} ms` : ''}`;
      if (!p.ok) return f('crit', subject, p.problems.join('; ') || 'probe failed', figure);
      const severity = p.latencyMs === null ? 'ok' : grade(p.latencyMs, ctx.threshold('responseTimeMs', [p.name]));
      return f(severity, subject, severity === 'ok' ? 'healthy' : 'slow response', figure);
    });
  },
};

export const HEALTH_CHECKS: readonly CheckDefinition[] = [probe];
