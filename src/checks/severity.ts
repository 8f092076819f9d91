/** How severities rank, and what they mean for the exit code. */
import { SEVERITY_RANK, type Finding, type Severity } from '../model/findings.js';

export { SEVERITY_RANK };

/** Nagios exit codes, as cron jobs and monitoring wrappers expect them. */
export const EXIT_BY_SEVERITY: Record<Severity, number> = { ok: 0, warn: 1, crit: 2, unknown: 3 };

export function worst(findings: readonly Finding[]): Severity {
  return findings.reduce<Severity>((w, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[w] ? f.severity : w), 'ok');
}

export function summarize(findings: readonly Finding[]): Record<Severity, number> {
  const summary: Record<Severity, number> = { ok: 0, warn: 0, crit: 0, unknown: 0 };
  for (const f of findings) summary[f.severity]++;
  return summary;
}
