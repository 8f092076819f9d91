/**
 * The config's `notify:` entries as targets that turn an event into the
 * HTTP requests their service documents. A target is named by its place and
 * kind ("notify[0] slack") and never by its URL: the URL of an incoming
 * webhook is its secret (the token is the path), like a routing key and a
 * header value, and all three are handed to the redaction here too, so no
 * message can carry them out (the config loader does the same for a file).
 */
import type { NotifyTargetConfig } from '../config/schema.js';
import { rememberSecret } from '../text/redact.js';
import { rememberUrlParts } from '../config/urls.js';
import { wanted, type NotifyEvent } from './events.js';
import { genericPayload } from './generic.js';
import { PAGERDUTY_URL, pagerdutyEvents } from './pagerduty.js';
import { slackMessage } from './slack.js';

export interface NotifyRequest {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface NotifyTarget {
  /** "notify[0] slack": what every message says instead of the URL */
  label: string;
  kind: NotifyTargetConfig['kind'];
  events?: readonly string[];
  /** the requests for `e`, in order; none when the target does not take it */
  requests(e: NotifyEvent): NotifyRequest[];
}

export function notifyTargets(list: readonly NotifyTargetConfig[] | undefined): NotifyTarget[] {
  return (list ?? []).map((c, i) => target(c, `notify[${i}] ${c.kind}`));
}

function target(c: NotifyTargetConfig, label: string): NotifyTarget {
  // PagerDuty's endpoint is public; its routing key is the secret
  if (c.kind !== 'pagerduty') rememberUrlParts(c.url);
  const base = { label, kind: c.kind, ...(c.events ? { events: c.events } : {}) };
  const json = { 'content-type': 'application/json' };
  switch (c.kind) {
    case 'slack':
      return { ...base, requests: (e) => (wanted(c.events, e.event) ? [{ url: c.url, headers: json, body: slackMessage(e) }] : []) };
    case 'pagerduty': {
      rememberSecret(c.routingKey);
      const url = c.url ?? PAGERDUTY_URL;
      return { ...base, requests: (e) => (wanted(c.events, e.event) ? pagerdutyEvents(e, c.routingKey).map((body) => ({ url, headers: json, body })) : []) };
    }
    case 'webhook': {
      for (const v of Object.values(c.headers ?? {})) rememberSecret(v);
      const headers = { ...json, ...(c.headers ?? {}) };
      return { ...base, requests: (e) => (wanted(c.events, e.event) ? [{ url: c.url, headers, body: genericPayload(e) }] : []) };
    }
  }
}
