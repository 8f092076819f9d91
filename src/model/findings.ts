import type { PanelId } from './panels.js';

export type Severity = 'ok' | 'warn' | 'crit' | 'unknown';

export interface SuggestedAction {
  /** action id, e.g. "scale" */
  action: string;
  target: string;
  /** human text, e.g. "scale api to 1" */
  label: string;
}

export interface Finding {
  /** stable id of the check, e.g. "ecs.running-below-desired" */
  checkId: string;
  severity: Severity;
  /** what the finding is about, e.g. "demo/api" */
  subject: string;
  area: PanelId;
  message: string;
  /** the number behind the verdict, e.g. "2/3 running" */
  figure?: string;
  suggested?: SuggestedAction;
}
