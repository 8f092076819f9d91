/**
 * Health checks: every probe answers as expected and in time, its graded JSON
 * numbers are within their thresholds, and its certificate is not about to
 * expire. The probe only reads; the thresholds it carries are the config's.
 */
import { certDaysLeft, probeAspectRef, type ProbeCert, type ProbeMeasure } from '../../model/health.js';
import { probeRef } from '../../model/subjects.js';
import type { Severity } from '../../model/findings.js';
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

export function gradeMeasure(m: ProbeMeasure): Severity {
  if (!m.below) return grade(m.value, m);
  if (m.value <= m.crit) return 'crit';
  return m.value <= m.warn ? 'warn' : 'ok';
}

const json: CheckDefinition = {
  id: 'health.json',
  area: 'health',
  title: 'Health endpoint numbers within their thresholds',
  reads: ['health'],
  thresholds: [],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return ctx.data.health!.probes.flatMap((p) =>
      (p.measures ?? []).map((m) => {
        const severity = gradeMeasure(m);
        const side = m.below ? 'at or below' : 'at or above';
        const message = severity === 'ok' ? `json ${m.field} ${m.value} is within its thresholds` : `json ${m.field} is ${m.value}, ${side} ${severity} ${severity === 'crit' ? m.crit : m.warn}`;
        return f(severity, probeAspectRef(p, m.field), message, `${m.field} ${m.value}`);
      }),
    );
  },
};

export function gradeCert(cert: ProbeCert, now: number): Severity {
  if (cert.validTo <= now) return 'crit';
  const days = certDaysLeft(cert, now);
  if (days <= cert.critDays) return 'crit';
  return days <= cert.warnDays ? 'warn' : 'ok';
}

const tls: CheckDefinition = {
  id: 'health.tls',
  area: 'health',
  title: 'TLS certificates not about to expire',
  reads: ['health'],
  thresholds: [],
  actions: [],
  evaluate(ctx) {
    const f = findingsOf(this);
    return ctx.data.health!.probes.flatMap((p) => {
      const cert = p.tls;
      if (!cert) return [];
      const severity = gradeCert(cert, ctx.now);
      const date = new Date(cert.validTo).toISOString().slice(0, 10);
      const days = certDaysLeft(cert, ctx.now);
      const when = cert.validTo <= ctx.now ? `expired on ${date}` : `expires in ${days} day${days === 1 ? '' : 's'} (${date})`;
      const limit = severity === 'crit' && cert.validTo > ctx.now ? `; crit at ${cert.critDays} days` : severity === 'warn' ? `; warn at ${cert.warnDays} days` : '';
      return [f(severity, probeAspectRef(p, 'tls'), `certificate for ${cert.subject} from ${cert.issuer} ${when}${limit}`, cert.validTo <= ctx.now ? 'expired' : `${days}d left`)];
    });
  },
};

export const HEALTH_CHECKS: readonly CheckDefinition[] = [probe, json, tls];
