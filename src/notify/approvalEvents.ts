/**
 * An approval request as a notification: the second operator learns from the
 * channel that a plan waits for them. The two-person rule (the team store)
 * calls `notifyApprovalRequested` when it records a request; this module
 * holds only the event, so approvals can come without changing notifications.
 */
import type { Plan } from '../actions/types.js';
import { currentOperator } from '../audit/record.js';
import { oneLine } from '../text/sanitize.js';
import type { ApprovalNotice } from './events.js';
import type { DeliveryResult, Notifier } from './notifier.js';

interface ApprovalRequest {
  /** the request's id, for `opsdeck approve ID` */
  id: string;
  plan: Plan;
  /** the plan's content hash the approval will be for */
  planHash: string;
  /** epoch ms */
  requestedAt: number;
  expiresAt?: number;
  /** "user@host"; default: this process's operator */
  by?: string;
  /** why the requester acts */
  reason?: string;
}

export function approvalNotice(r: ApprovalRequest): ApprovalNotice {
  const op = currentOperator();
  return {
    event: 'approval.requested',
    environment: oneLine(r.plan.environment, 64),
    at: new Date(r.requestedAt).toISOString(),
    operator: oneLine(r.by ?? `${op.user}@${op.host}`, 120),
    id: oneLine(r.id, 80),
    action: oneLine(r.plan.action, 60),
    target: oneLine(r.plan.target.display, 200),
    summary: oneLine(r.plan.summary, 500),
    planHash: oneLine(r.planHash, 128),
    ...(r.expiresAt !== undefined ? { expiresAt: new Date(r.expiresAt).toISOString() } : {}),
    ...(r.reason ? { reason: oneLine(r.reason, 300) } : {}),
  };
}

/** Queues the request's notification; the promise (never rejecting) says how each target took it. */
export function notifyApprovalRequested(notifier: Notifier, r: ApprovalRequest): Promise<DeliveryResult[]> {
  return notifier.post(approvalNotice(r));
}
