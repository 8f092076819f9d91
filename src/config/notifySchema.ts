/**
 * The `notify:` targets of an environment: Slack, PagerDuty Events v2 and
 * opsdeck's own JSON webhook, each with an optional `events:` filter. Their
 * URLs, routing keys and header values are secrets (src/config/urls.ts).
 */
import { z } from 'zod';

/** What a notification target may be told; `incident.*` style wildcards are allowed in `events:`. */
export const NOTIFY_EVENTS = ['action.executed', 'action.failed', 'action.refused', 'approval.requested', 'incident.started', 'incident.updated', 'incident.ended', 'check.changed'] as const;
const NOTIFY_EVENT_FILTER = new RegExp(`^(${NOTIFY_EVENTS.map((e) => e.replace('.', '\\.')).join('|')}|(action|approval|incident|check)\\.\\*|\\*)$`);

const notifyEvents = z
  .array(z.string().regex(NOTIFY_EVENT_FILTER, `expected one of ${NOTIFY_EVENTS.join(', ')}, a group such as incident.*, or *`))
  .min(1)
  .optional()
  .describe('which events this target is sent; omitted: every event (PagerDuty: the ones it pages for, see the README)');

// https only outside this machine: a webhook URL carries its secret in the path
const webhookUrl = z
  .string()
  .min(1, { abort: true })
  .refine((u) => /^https:\/\/[^\s]+$/i.test(u) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/[^\s]*)?$/i.test(u), { message: 'expected an https:// URL (http:// only for 127.0.0.1 or localhost); use ${ENV} to keep it out of the file' });

export const notifyTargetSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('slack'),
      url: webhookUrl.describe('the incoming webhook URL (https://hooks.slack.com/services/...); a secret: use ${SLACK_WEBHOOK_URL}'),
      events: notifyEvents,
    })
    .strict(),
  z
    .object({
      kind: z.literal('pagerduty'),
      routingKey: z.string().min(1).describe('the Events API v2 integration (routing) key; a secret: use ${PD_ROUTING_KEY}'),
      url: webhookUrl.optional().describe('the Events API v2 endpoint; default https://events.pagerduty.com/v2/enqueue (EU: https://events.eu.pagerduty.com/v2/enqueue)'),
      events: notifyEvents,
    })
    .strict(),
  z
    .object({
      kind: z.literal('webhook'),
      url: webhookUrl.describe('where opsdeck POSTs its own JSON (see the README); a secret: use ${OPS_WEBHOOK}'),
      headers: z.record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name'), z.string()).optional().describe('extra request headers, e.g. Authorization; their values are secrets'),
      events: notifyEvents,
    })
    .strict(),
]);
