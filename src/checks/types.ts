/**
 * What a check is: data (id, area, what it reads, which thresholds) and an
 * evaluate function from panel data to findings. Rules never read a source
 * themselves, so the TUI can run them on what its panels already hold.
 */
import type { Finding, Severity, SuggestedAction, SuggestedRequest } from '../model/findings.js';
import type { SubjectRef } from '../model/subjects.js';
import type { PanelData, PanelId } from '../model/panels.js';
import type { ThresholdKey } from '../config/thresholdKeys.js';
import type { Threshold } from './thresholds.js';
import type { LogWindow } from './logWindow.js';
import type { UnreconciledIntent } from '../audit/unreconciled.js';
import type { DrillSummary } from '../drills/history.js';
import type { DrillPolicy } from './rules/drills.js';

/** The action ids a finding may suggest; each is a guarded action of src/actions. */
export type ActionId = SuggestedRequest['action'];

export interface CheckContext {
  data: Partial<PanelData>;
  /** panels that could not be read, with the reason (for checks that only also-read them) */
  unreadable: Partial<Record<PanelId, string>>;
  /** the threshold for `key` on a subject known by `names`, most specific first */
  threshold(key: ThresholdKey, names?: readonly string[]): Threshold;
  now: number;
  /** the environment's name, the first part of every subject: "demo" in `demo/api` */
  env: string;
  /** start of the window for "since the last checklist" checks (stopped tasks, log errors) */
  since: number;
  /** error lines over the window, when a caller read them; else derived from data.logs */
  logWindow?: LogWindow;
  /** max_connections of RDS instances, by instance id, where known */
  rdsMaxConnections: Record<string, number>;
  /** intents of this environment's journal with no outcome and no reconcile record; absent when the caller did not read the journal */
  unreconciled?: readonly UnreconciledIntent[];
  /** the environment's backup drills, oldest first; absent when the caller did not read the history */
  drills?: readonly DrillSummary[];
  /** the RDS instances a drill is configured for, with their limits */
  drillPolicy: Record<string, DrillPolicy>;
}

export interface CheckDefinition {
  id: string;
  area: PanelId;
  title: string;
  /** the panels whose data the check needs; any of them unreadable makes the check unknown */
  reads: PanelId[];
  /** panels read when they are there, e.g. the topology rule's condition */
  alsoReads?: PanelId[];
  /** the threshold keys it grades with */
  thresholds: ThresholdKey[];
  /** the actions its findings may suggest */
  actions: ActionId[];
  evaluate(ctx: CheckContext): Finding[];
  /** a remark on the whole run, said once rather than on every finding (e.g. a limit of what the source keeps) */
  note?(ctx: CheckContext): string | undefined;
}

/**
 * Builds findings of one check with its id and area filled in. The subject in
 * words is left to `evaluate`, which alone sees every subject of the
 * environment and so knows when a name needs its cluster to be unique.
 */
export function findingsOf(check: Pick<CheckDefinition, 'id' | 'area'>) {
  return (severity: Severity, ref: SubjectRef, message: string, figure?: string, suggested?: SuggestedAction): Finding => ({
    checkId: check.id,
    severity,
    subject: '',
    ref,
    area: check.area,
    message,
    ...(figure !== undefined ? { figure } : {}),
    ...(suggested ? { suggested } : {}),
  });
}

export function suggest(request: SuggestedRequest, label: string): SuggestedAction {
  return { ...request, target: targetOf(request), label };
}

function targetOf(r: SuggestedRequest): string {
  switch (r.action) {
    case 'scale':
    case 'rollback':
    case 'redeploy':
      return r.service;
    case 'snapshot':
    case 'restore':
    case 'delete-drill-instance':
      return r.instance;
    case 'requeue':
      return r.queue;
  }
}

/** One decimal unless the figure is whole: "69.9%" must not read "70%" beside a 70 % threshold. */
export const pct = (n: number) => `${n < 10 || Math.round(n * 10) % 10 !== 0 ? n.toFixed(1) : n.toFixed(0)}%`;

/** "45 s", "4 min 59 s", "12 min", "2.5 h": ages in findings, never rounded up past a threshold. */
export function age(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 120) return `${s} s`;
  if (s < 600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 7_200) return `${Math.floor(s / 60)} min`;
  if (s < 172_800) return `${(s / 3_600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

/** "2026-11-22 09:00 UTC": one zone for everyone reading the ticket */
export function utc(at: number | string): string {
  const iso = typeof at === 'number' ? new Date(at).toISOString() : at;
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A warning of a panel that explains a missing figure (e.g. "CPU and memory unavailable: ..."). */
export function warningAbout(warnings: readonly string[] | undefined, pattern: RegExp): string | undefined {
  return warnings?.find((w) => pattern.test(w));
}
