/**
 * What a timeline adds up to: which services were hit, when the first sign
 * came, which actions ran and how they ended, what recovered and what did
 * not. The review and the status-page texts are written from this.
 */
import type { Severity } from '../model/findings.js';
import { chronological } from './timeline.js';
import type { ActionEntry, FindingEntry, IncidentRecord, NoteEntry, TimelineEntry } from './types.js';

/** One action from plan to outcome; `outcome` is missing while it was never finished. */
export interface ActionRun {
  action: string;
  target: string;
  summary: string;
  /** epoch ms of its first entry */
  at: number;
  confirmedAt?: number;
  outcome?: 'refused' | 'rejected' | 'done' | 'failed' | 'aborted';
  outcomeAt?: number;
  message?: string;
}

export interface IncidentSummary {
  startedAt: number;
  /** the end entry, else the newest entry's time */
  endedAt: number;
  ended: boolean;
  entries: TimelineEntry[];
  /** subjects of findings that went warn/crit and targets of actions that ran, first seen first */
  affected: string[];
  firstSign?: FindingEntry;
  worst: Severity;
  /** findings whose last recorded severity is warn or crit */
  stillFailing: FindingEntry[];
  /** findings that came back to ok from warn or crit */
  recovered: FindingEntry[];
  runs: ActionRun[];
  lastSuccess?: ActionRun;
  notes: NoteEntry[];
  /** check ids that reached crit, then those that only reached warn */
  firedChecks: string[];
}

const BAD = new Set<Severity>(['warn', 'crit']);
const RANK: Record<Severity, number> = { ok: 0, unknown: 1, warn: 2, crit: 3 };
const FINAL = new Set(['refused', 'rejected', 'done', 'failed', 'aborted']);

export function summarise(rec: IncidentRecord): IncidentSummary {
  const entries = chronological(rec.entries);
  const last = entries[entries.length - 1];
  const endedAt = rec.endedAt ?? (last ? Date.parse(last.time) : rec.startedAt);
  const findings = entries.filter((e): e is FindingEntry => e.kind === 'finding');
  const runs = actionRuns(entries.filter((e): e is ActionEntry => e.kind === 'action'));

  const affected: string[] = [];
  const add = (s: string) => {
    if (!affected.includes(s)) affected.push(s);
  };
  const latest = new Map<string, FindingEntry>();
  let worst: Severity = 'ok';
  for (const e of entries) {
    if (e.kind === 'finding') {
      latest.set(`${e.checkId}\u0000${e.subject}`, e);
      if (BAD.has(e.to)) add(e.subject);
      if (RANK[e.to] > RANK[worst]) worst = e.to;
    }
    if (e.kind === 'action' && e.phase !== 'planned' && e.phase !== 'refused' && e.phase !== 'requested' && e.phase !== 'rejected') add(e.target);
  }
  const fired = [...findings.filter((f) => f.to === 'crit'), ...findings.filter((f) => f.to === 'warn')].map((f) => f.checkId);

  const out: IncidentSummary = {
    startedAt: rec.startedAt,
    endedAt,
    ended: rec.endedAt !== undefined,
    entries,
    affected,
    worst,
    stillFailing: [...latest.values()].filter((f) => BAD.has(f.to)),
    recovered: findings.filter((f) => f.to === 'ok' && f.from !== null && BAD.has(f.from)),
    runs,
    notes: entries.filter((e): e is NoteEntry => e.kind === 'note'),
    firedChecks: [...new Set(fired)],
  };
  const firstSign = findings.find((f) => BAD.has(f.to));
  if (firstSign) out.firstSign = firstSign;
  const lastSuccess = [...runs].reverse().find((r) => r.outcome === 'done');
  if (lastSuccess) out.lastSuccess = lastSuccess;
  return out;
}

/**
 * Groups action entries into runs: a run of one action on one target opens
 * with its first entry and closes with an outcome; a new plan for the same
 * target after an outcome is a new run.
 */
function actionRuns(entries: readonly ActionEntry[]): ActionRun[] {
  const runs: ActionRun[] = [];
  const open = new Map<string, ActionRun>();
  for (const e of entries) {
    const key = `${e.action}\u0000${e.target}`;
    const at = Date.parse(e.time);
    let run = open.get(key);
    if (!run || e.phase === 'planned') {
      run = { action: e.action, target: e.target, summary: e.summary, at };
      runs.push(run);
      open.set(key, run);
    }
    if (e.phase === 'confirmed') run.confirmedAt = at;
    if (FINAL.has(e.phase)) {
      run.outcome = e.phase as NonNullable<ActionRun['outcome']>;
      run.outcomeAt = at;
      if (e.message) run.message = e.message;
      open.delete(key);
    }
  }
  return runs;
}

/** "prod/api" → "api", "prod/jobs/emails" → "jobs/emails": the name a status page reader knows. */
export function serviceName(subject: string): string {
  const slash = subject.indexOf('/');
  return slash > 0 && slash < subject.length - 1 ? subject.slice(slash + 1) : subject;
}

/** "api", "api and worker", "api, worker and db" */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
