/**
 * PagerDuty Events API v2 events for an opsdeck event. PagerDuty pages
 * people, so it hears what is worth an alert and keeps one alert per thing:
 *
 * - an incident: `incident.started` triggers an alert whose dedup_key is the
 *   incident's; notes and the actions (done, failed, refused) taken while it
 *   is open trigger on the same key, which PagerDuty appends to that alert's
 *   log (each with the status-page draft as it stands); `incident.ended`
 *   adds the "Resolved" draft the same way, then resolves it;
 * - outside an incident: a failed action triggers an alert on the action and
 *   target, which that action's next success resolves; an approval request
 *   triggers one per request; a done or refused action alone pages nobody;
 * - `check --notify`: the worst severity triggers one alert per environment
 *   (critical, warning, unknown as error) and resolves it when back to ok;
 * - `notify test`: an info trigger, then its resolve, leaving nothing open.
 *
 * Limits from the API: summary up to 1024 characters, dedup_key up to 255.
 */
import type { Severity } from '../model/findings.js';
import { headline, type NotifyEvent } from './events.js';

export const PAGERDUTY_URL = 'https://events.pagerduty.com/v2/enqueue';

type PdSeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PdTrigger {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  client: 'opsdeck';
  payload: {
    summary: string;
    source: string;
    severity: PdSeverity;
    timestamp: string;
    component?: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
}

export interface PdResolve {
  routing_key: string;
  event_action: 'resolve' | 'acknowledge';
  dedup_key: string;
}

export type PdEvent = PdTrigger | PdResolve;

const SUMMARY_MAX = 1024;
const KEY_MAX = 255;

const CHECK_SEVERITY: Record<Exclude<Severity, 'ok'>, PdSeverity> = { crit: 'critical', warn: 'warning', unknown: 'error' };

const key = (...parts: string[]) => `opsdeck/${parts.join('/')}`.slice(0, KEY_MAX);

/** The dedup_key of an incident's alert: the same from its start to its end, whichever process sends. */
export function incidentKey(environment: string, incidentId: string): string {
  return key(environment, 'incident', incidentId);
}

/** The PagerDuty events for `e`, in the order to send them; none when PagerDuty has no business hearing it. */
export function pagerdutyEvents(e: NotifyEvent, routingKey: string): PdEvent[] {
  const trigger = (dedup: string, severity: PdSeverity, details: Record<string, unknown>, source = `opsdeck/${e.environment}`, component?: string): PdTrigger => ({
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedup,
    client: 'opsdeck',
    payload: {
      summary: cut(headline(e), SUMMARY_MAX),
      source,
      severity,
      timestamp: e.at,
      ...(component ? { component } : {}),
      group: e.environment,
      class: e.event,
      custom_details: { operator: e.operator, ...(e.incident ? { incident: e.incident.title, incident_id: e.incident.id } : {}), ...details },
    },
  });
  const resolve = (dedup: string): PdResolve => ({ routing_key: routingKey, event_action: 'resolve', dedup_key: dedup });

  switch (e.event) {
    case 'incident.started':
      return [trigger(incidentKey(e.environment, e.incident.id), 'critical', { ...(e.statusPage ? { status_page_draft: e.statusPage } : {}) })];
    case 'incident.updated':
      return [trigger(incidentKey(e.environment, e.incident.id), 'critical', { note: e.note ?? '', ...(e.statusPage ? { status_page_draft: e.statusPage } : {}) })];
    case 'incident.ended': {
      // a resolve carries no payload (Events API v2): the "Resolved" draft goes on the alert's log first, on its own key
      const own = incidentKey(e.environment, e.incident.id);
      const last = e.statusPage ? [trigger(own, 'critical', { status_page_draft: e.statusPage, ...(e.durationMs !== undefined ? { duration_ms: e.durationMs } : {}) })] : [];
      return [...last, resolve(own)];
    }
    case 'action.executed':
    case 'action.failed':
    case 'action.refused': {
      const details = { action: e.action, target: e.target, tier: e.tier, plan: e.summary, outcome: e.message, ...(e.reason ? { reason: e.reason } : {}) };
      // bypassing the two-person rule pages, whatever the outcome: someone must look
      if (e.breakGlass !== undefined) return [trigger(key(e.environment, 'break-glass', e.action, e.target), 'critical', { ...details, break_glass: e.breakGlass }, e.target, serviceOf(e.target))];
      if (e.incident) return [trigger(incidentKey(e.environment, e.incident.id), 'critical', details, e.target, serviceOf(e.target))];
      const own = key(e.environment, 'action', e.action, e.target);
      if (e.event === 'action.failed') return [trigger(own, 'error', details, e.target, serviceOf(e.target))];
      return e.event === 'action.executed' ? [resolve(own)] : [];
    }
    case 'approval.requested':
      return [trigger(key(e.environment, 'approval', e.id), 'warning', { action: e.action, target: e.target, plan: e.summary, plan_hash: e.planHash, ...(e.expiresAt ? { expires_at: e.expiresAt } : {}), ...(e.reason ? { reason: e.reason } : {}) }, e.target, serviceOf(e.target))];
    case 'check.changed': {
      const own = key(e.environment, 'check');
      if (e.to === 'ok') return [resolve(own)];
      return [trigger(own, CHECK_SEVERITY[e.to], { from: e.from, to: e.to, counts: e.counts, findings: e.findings })];
    }
    case 'test': {
      const own = key(e.environment, 'test', e.at);
      return [trigger(own, 'info', { message: e.message }), resolve(own)];
    }
  }
}

/** "demo/api" → "api": the component PagerDuty groups by. */
function serviceOf(target: string): string {
  return target.slice(target.lastIndexOf('/') + 1);
}

function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
