/** Shared pieces of the incident tests: a plan to record, a settable clock, a fresh state dir. */
import type { Plan } from '../../src/actions/types.js';
import type { Finding, Severity } from '../../src/model/findings.js';

export const T0 = Date.UTC(2026, 2, 4, 9, 0, 0);
export const at = (min: number, sec = 0) => T0 + min * 60_000 + sec * 1000;

export function clock(start = T0): { now: () => number; set(ms: number): void } {
  let t = start;
  return { now: () => t, set: (ms) => (t = ms) };
}

export function plan(action: string, service: string, summary: string): Plan {
  return {
    action,
    title: `${action} ${service}`,
    tier: 'destructive',
    environment: 'prod',
    target: { kind: 'ecs-service', name: service, parent: 'prod-cluster', display: `prod/${service}` },
    summary,
    changes: [],
    calls: [],
    details: [],
    phrase: `prod/${service}`,
    fingerprint: '{}',
    verifyTimeoutMs: 60_000,
    params: {},
    createdAt: 0,
  };
}

export function finding(checkId: string, service: string, severity: Severity, message: string, figure?: string): Finding {
  return { checkId, severity, subject: `prod/${service}`, ref: { kind: 'ecs-service', name: service, cluster: 'main' }, area: 'ecs', message, ...(figure ? { figure } : {}) };
}
