/**
 * Every event, through every kind of target, against the services'
 * documented shapes (the receiver's zod schemas), and what PagerDuty is
 * sent for each: one alert per thing, resolved by what ends it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { notifyTargets } from '../../src/notify/targets.js';
import { approvalNotice } from '../../src/notify/approvalEvents.js';
import { actionNotice } from '../../src/notify/actionEvents.js';
import type { NotifyEvent } from '../../src/notify/events.js';
import type { Plan } from '../../src/actions/types.js';
import { forgetSecrets } from '../../src/text/redact.js';
import { genericSchema, pagerdutySchema, slackSchema } from './receiver.js';

afterAll(() => forgetSecrets());

const plan = {
  action: 'rollback',
  title: 'Roll back prod/api to 41',
  tier: 'destructive',
  environment: 'prod',
  target: { display: 'prod/api', name: 'api' },
  summary: 'prod / cluster main / service api: taskDefinition api:42 → api:41 <script>',
  phrase: 'prod/api',
} as unknown as Plan;

const at = Date.parse('2026-12-03T08:00:00Z');
const base = { environment: 'prod', at: new Date(at).toISOString(), operator: 'alice@laptop' };
const incident = { id: '20261203-080000-api-down', title: 'api down' };

const events: NotifyEvent[] = [
  actionNotice(plan, 'done', 'prod/api: running 4/4, revision 41', at),
  actionNotice(plan, 'failed', 'ECS said: AccessDenied', at),
  actionNotice(plan, 'aborted', 'prod/api changed since the plan was shown', at),
  actionNotice(plan, 'refused', 'the confirmation "hunter2-password" is not "prod/api": nothing was done', at),
  { ...actionNotice(plan, 'done', 'ok', at), incident },
  approvalNotice({ id: 'apr-7', plan, planHash: 'sha256:0123456789abcdef', requestedAt: at, expiresAt: at + 900_000, by: 'bob@desk', reason: 'api:42 leaks memory <!channel>' }),
  { ...base, event: 'incident.started', incident, statusPage: '[Investigating] Problems with api\n\nWe are investigating.' },
  { ...base, event: 'incident.updated', incident, note: 'rolled back', statusPage: '[Identified] Problems with api' },
  { ...base, event: 'incident.ended', incident, durationMs: 1_800_000, statusPage: '[Resolved] Problems with api' },
  { ...base, event: 'check.changed', from: null, to: 'warn', counts: { ok: 10, warn: 1, crit: 0, unknown: 0 }, findings: [{ severity: 'warn', checkId: 'rds.cpu', subject: 'prod/db', message: 'CPU 75 %' }] },
  { ...base, event: 'check.changed', from: 'warn', to: 'unknown', counts: { ok: 10, warn: 0, crit: 0, unknown: 1 }, findings: [] },
  { ...base, event: 'check.changed', from: 'crit', to: 'ok', counts: { ok: 11, warn: 0, crit: 0, unknown: 0 }, findings: [] },
  { ...base, event: 'test', message: 'hello' },
  actionNotice(plan, 'done', 'prod/api: running 4/4, revision 41', at, undefined, 'api:42 leaks memory\x1b[31m'),
];

const [slack, pagerduty, webhook] = notifyTargets([
  { kind: 'slack', url: 'https://hooks.slack.com/services/T1/B1/xyzTokenPart99' },
  { kind: 'pagerduty', routingKey: 'routingKeyForTests0001' },
  { kind: 'webhook', url: 'https://ops.example.com/in', headers: { Authorization: 'Bearer tok-abcdef' } },
]);

describe('payload shapes', () => {
  it.each(events.map((e) => [e.event + (e.incident ? ' (in an incident)' : ''), e] as const))('%s: Slack, PagerDuty and generic conform', (_name, e) => {
    for (const req of slack!.requests(e)) expect(slackSchema.safeParse(req.body).error?.issues ?? []).toEqual([]);
    for (const req of pagerduty!.requests(e)) expect(pagerdutySchema.safeParse(req.body).error?.issues ?? []).toEqual([]);
    for (const req of webhook!.requests(e)) {
      expect(genericSchema.safeParse(req.body).error?.issues ?? []).toEqual([]);
      expect(req.headers).toEqual({ 'content-type': 'application/json', Authorization: 'Bearer tok-abcdef' });
    }
    expect(slack!.requests(e)).toHaveLength(1);
    expect(webhook!.requests(e)).toHaveLength(1);
  });

  it('what was typed at a wrong phrase is never sent', () => {
    const refused = events[3]!;
    for (const t of [slack!, pagerduty!, webhook!]) for (const req of t.requests(refused)) expect(JSON.stringify(req.body)).not.toContain('hunter2');
    expect(refused).toMatchObject({ event: 'action.refused', message: 'the typed confirmation did not match the phrase; nothing was done' });
    expect(events[2]).toMatchObject({ event: 'action.failed' });
  });

  it('Slack text escapes what would be markup', () => {
    const body = slack!.requests(events[0]!)[0]!.body as { blocks: { text?: { text: string } }[] };
    expect(body.blocks[1]!.text!.text).toContain('api:41 &lt;script&gt;');
  });
});

describe('PagerDuty: one alert per thing', () => {
  const pd = (e: NotifyEvent) => pagerduty!.requests(e).map((r) => r.body as { event_action: string; dedup_key: string; payload?: { severity: string } });

  it('an action outside an incident: a failure triggers on the action and target, a success resolves it, a refusal pages nobody', () => {
    expect(pd(events[1]!)).toMatchObject([{ event_action: 'trigger', dedup_key: 'opsdeck/prod/action/rollback/prod/api', payload: { severity: 'error' } }]);
    expect(pd(events[0]!)).toEqual([{ routing_key: 'routingKeyForTests0001', event_action: 'resolve', dedup_key: 'opsdeck/prod/action/rollback/prod/api' }]);
    expect(pd(events[3]!)).toEqual([]);
  });

  it('inside an incident, actions go on the incident\'s alert', () => {
    expect(pd(events[4]!)).toMatchObject([{ event_action: 'trigger', dedup_key: 'opsdeck/prod/incident/20261203-080000-api-down' }]);
    // the Resolved draft on the alert's log first: a resolve carries no details
    expect(pd(events[8]!)).toMatchObject([
      { event_action: 'trigger', dedup_key: 'opsdeck/prod/incident/20261203-080000-api-down', payload: { custom_details: { status_page_draft: '[Resolved] Problems with api', duration_ms: 1_800_000 } } },
      { event_action: 'resolve', dedup_key: 'opsdeck/prod/incident/20261203-080000-api-down' },
    ]);
    expect(pd(events[7]!)).toMatchObject([{ event_action: 'trigger', payload: { custom_details: { note: 'rolled back', status_page_draft: '[Identified] Problems with api' } } }]);
  });

  it('an approval request, the checks, a test', () => {
    expect(pd(events[5]!)).toMatchObject([{ event_action: 'trigger', dedup_key: 'opsdeck/prod/approval/apr-7', payload: { severity: 'warning' } }]);
    expect(pd(events[9]!)).toMatchObject([{ event_action: 'trigger', dedup_key: 'opsdeck/prod/check', payload: { severity: 'warning' } }]);
    expect(pd(events[10]!)).toMatchObject([{ event_action: 'trigger', payload: { severity: 'error' } }]);
    expect(pd(events[11]!)).toMatchObject([{ event_action: 'resolve', dedup_key: 'opsdeck/prod/check' }]);
    expect(pd(events[12]!).map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
  });

  it('events: filters what a target is sent; a test always goes', () => {
    const [only] = notifyTargets([{ kind: 'webhook', url: 'https://ops.example.com/in', events: ['incident.*'] }]);
    expect(only!.requests(events[0]!)).toEqual([]);
    expect(only!.requests(events[6]!)).toHaveLength(1);
    expect(only!.requests(events[12]!)).toHaveLength(1);
  });
});

describe('the reason', () => {
  it('an action\'s and a request\'s reason reach every service, sanitised and escaped', () => {
    const done = events[13]!;
    expect(done).toMatchObject({ event: 'action.executed', reason: 'api:42 leaks memory' });
    expect((webhook!.requests(done)[0]!.body as { reason?: string }).reason).toBe('api:42 leaks memory');
    expect(JSON.stringify(slack!.requests(done)[0]!.body)).toContain('Reason: api:42 leaks memory');
    const failed = actionNotice(plan, 'failed', 'ECS said no', at, undefined, 'api:42 leaks memory');
    expect((pagerduty!.requests(failed)[0]!.body as { payload: { custom_details: Record<string, unknown> } }).payload.custom_details.reason).toBe('api:42 leaks memory');
    const request = events[5]!;
    expect((webhook!.requests(request)[0]!.body as { reason?: string }).reason).toBe('api:42 leaks memory <!channel>');
    expect(JSON.stringify(slack!.requests(request)[0]!.body)).toContain('Reason: api:42 leaks memory &lt;!channel&gt;');
    expect((pagerduty!.requests(request)[0]!.body as { payload: { custom_details: Record<string, unknown> } }).payload.custom_details.reason).toBe('api:42 leaks memory <!channel>');
  });
});
