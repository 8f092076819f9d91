/**
 * Findings over time: fed each evaluation, it tells which checks changed
 * severity and since when. The TUI's header shows a check that turned
 * critical with its age; the incident timeline records the changes.
 *
 * `unknown` means "could not look", not "changed": a finding that goes
 * crit → unknown → crit (one failed poll) keeps the age of its crit.
 */
import type { Finding, Severity } from '../model/findings.js';
import { subjectKey } from '../model/subjects.js';
import { SEVERITY_RANK } from './severity.js';

export interface TrackedFinding {
  finding: Finding;
  /** when the finding entered its current severity (ms epoch) */
  since: number;
}

export interface FindingChange extends TrackedFinding {
  /** the severity before; null when the finding is new */
  from: Severity | null;
  /** set when the finding is no longer reported (its subject went away); `finding` is the last one seen */
  gone?: true;
}

interface Entry {
  finding: Finding;
  since: number;
  /** the last severity other than unknown, and when it began */
  known?: { severity: Severity; since: number };
}

/** One finding's identity across runs: its check and its subject as data (the words may gain a cluster). */
export const findingKey = (f: Pick<Finding, 'checkId' | 'ref'>) => `${f.checkId}\u0001${subjectKey(f.ref)}`;

export class FindingTracker {
  private readonly entries = new Map<string, Entry>();

  /** Takes the findings of one evaluation at `at`; returns what changed, in the findings' order, then what went away. */
  update(findings: readonly Finding[], at: number): FindingChange[] {
    const changes: FindingChange[] = [];
    const seen = new Set<string>();
    for (const finding of findings) {
      const key = findingKey(finding);
      if (seen.has(key)) continue;
      seen.add(key);
      const prev = this.entries.get(key);
      if (!prev) {
        const entry: Entry = { finding, since: at, ...(finding.severity !== 'unknown' ? { known: { severity: finding.severity, since: at } } : {}) };
        this.entries.set(key, entry);
        changes.push({ finding, since: at, from: null });
        continue;
      }
      if (prev.finding.severity === finding.severity) {
        // same verdict, fresher words and figure
        prev.finding = finding;
        continue;
      }
      const from = prev.finding.severity;
      let since = at;
      if (finding.severity === 'unknown') {
        if (from !== 'unknown') prev.known = { severity: from, since: prev.since };
      } else if (from === 'unknown' && prev.known?.severity === finding.severity) {
        since = prev.known.since;
      }
      if (finding.severity !== 'unknown') prev.known = { severity: finding.severity, since };
      prev.finding = finding;
      prev.since = since;
      changes.push({ finding, since, from });
    }
    for (const [key, entry] of this.entries) {
      if (seen.has(key)) continue;
      this.entries.delete(key);
      changes.push({ finding: entry.finding, since: at, from: entry.finding.severity, gone: true });
    }
    return changes;
  }

  /** Every current finding with its age, the worst first, then the oldest first. */
  current(): TrackedFinding[] {
    return [...this.entries.values()]
      .map((e) => ({ finding: e.finding, since: e.since }))
      .sort((a, b) => SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity] || a.since - b.since);
  }

  /** The current findings at `severity` (e.g. the header's critical ones), oldest first. */
  at(severity: Severity): TrackedFinding[] {
    return this.current().filter((t) => t.finding.severity === severity);
  }

  get(checkId: string, ref: Finding['ref']): TrackedFinding | undefined {
    const e = this.entries.get(findingKey({ checkId, ref }));
    return e ? { finding: e.finding, since: e.since } : undefined;
  }
}
