import type { PanelId } from './panels.js';
import type { SubjectRef } from './subjects.js';

export type Severity = 'ok' | 'warn' | 'crit' | 'unknown';

/**
 * The one mark of each severity, on screen and in every report: warning and
 * critical differ by shape, so they differ without colour too.
 */
/** A check that could not run outranks a warning: "could not look" is not "mostly fine". */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { ok: 0, warn: 1, unknown: 2, crit: 3 };

export const SEVERITY_GLYPH: Readonly<Record<Severity, string>> = { ok: '✓', warn: '⚠', crit: '✗', unknown: '?' };

/** The exact request a suggested fix runs: the dashboard starts it as it is, nothing is read from the label. */
export type SuggestedRequest =
  | { action: 'scale'; cluster: string; service: string; desired: number }
  /** `to: 'last-good'`: the newest earlier revision that ran steady (a crash loop's previous revision may be bad too) */
  | { action: 'rollback'; cluster: string; service: string; to?: 'last-good' }
  | { action: 'redeploy'; cluster: string; service: string }
  | { action: 'snapshot'; instance: string }
  | { action: 'restore'; instance: string; snapshot: string }
  | { action: 'requeue'; redis: string; queue: string }
  | { action: 'delete-drill-instance'; instance: string };

export type SuggestedAction = SuggestedRequest & {
  /** what the action acts on, as an operator names it: a service, an instance, a queue */
  target: string;
  /** human text, e.g. "scale api to 1" */
  label: string;
};

export interface Finding {
  /** stable id of the check, e.g. "ecs.running-below-desired" */
  checkId: string;
  severity: Severity;
  /** what the finding is about in words, e.g. "demo/api"; derived from `ref` (see subjects.ts) */
  subject: string;
  /** what the finding is about as data: rows look their verdict up by it */
  ref: SubjectRef;
  area: PanelId;
  message: string;
  /** the number behind the verdict, e.g. "2/3 running" */
  figure?: string;
  suggested?: SuggestedAction;
}
