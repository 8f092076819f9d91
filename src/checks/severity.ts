/** How severities rank, and what they mean for the exit code. */
import type { Finding, Severity } from '../model/findings.js';

/** A check that could not run outranks a warning: "could not look" is not "mostly fine". */
export const SEVERITY_RANK: Record<Severity, number> = { ok: 0, warn: 1, unknown: 2, crit: 3 };

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
