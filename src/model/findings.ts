import type { PanelId } from './panels.js';

export type Severity = 'ok' | 'warn' | 'crit' | 'unknown';

/** The exact request a suggested fix runs: the dashboard starts it as it is, nothing is read from the label. */
export type SuggestedRequest =
  | { action: 'scale'; cluster: string; service: string; desired: number }
  | { action: 'rollback'; cluster: string; service: string }
  | { action: 'redeploy'; cluster: string; service: string }
  | { action: 'snapshot'; instance: string }
  | { action: 'restore'; instance: string; snapshot: string }
  | { action: 'requeue'; redis: string; queue: string };

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
  /** what the finding is about, e.g. "demo/api" */
  subject: string;
  area: PanelId;
  message: string;
  /** the number behind the verdict, e.g. "2/3 running" */
  figure?: string;
  suggested?: SuggestedAction;
}
