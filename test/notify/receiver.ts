/**
 * A local HTTP receiver standing in for Slack, PagerDuty and a team's own
 * webhook: node:http on a free port of 127.0.0.1. Each request is recorded
 * with its path, headers, time and body, and checked against the service's
 * documented shape (zod, below); the answer can be scripted per path
 * (status, Retry-After, body), e.g. 500 twice then 200.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

// https://api.slack.com/messaging/webhooks, Block Kit: text (the fallback) and blocks
const mrkdwn = z.object({ type: z.literal('mrkdwn'), text: z.string().min(1).max(3000) }).strict();
export const slackSchema = z
  .object({
    text: z.string().min(1).max(3000).refine((t) => !/<(?!\/)/.test(t), 'raw < would be parsed as markup by Slack'),
    blocks: z
      .array(
        z.discriminatedUnion('type', [
          z.object({ type: z.literal('section'), text: mrkdwn }).strict(),
          z.object({ type: z.literal('context'), elements: z.array(mrkdwn).min(1).max(10) }).strict(),
        ]),
      )
      .min(1)
      .max(50),
  })
  .strict();

// https://developer.pagerduty.com/docs/events-API-v2/trigger-events and resolve-events
const pdBase = { routing_key: z.string().min(1), dedup_key: z.string().min(1).max(255) };
export const pagerdutySchema = z.discriminatedUnion('event_action', [
  z
    .object({
      ...pdBase,
      event_action: z.literal('trigger'),
      client: z.string().optional(),
      payload: z
        .object({
          summary: z.string().min(1).max(1024),
          source: z.string().min(1),
          severity: z.enum(['critical', 'error', 'warning', 'info']),
          timestamp: z.iso.datetime(),
          component: z.string().optional(),
          group: z.string().optional(),
          class: z.string().optional(),
          custom_details: z.record(z.string(), z.unknown()).optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ ...pdBase, event_action: z.literal('acknowledge') }).strict(),
  z.object({ ...pdBase, event_action: z.literal('resolve') }).strict(),
]);

// the generic webhook's shape as the README documents it
const incidentRef = z.object({ id: z.string().min(1), title: z.string() }).strict();
const genericBase = { version: z.literal(1), source: z.literal('opsdeck'), environment: z.string().min(1), at: z.iso.datetime(), operator: z.string().min(1), incident: incidentRef.optional() };
const severity = z.enum(['ok', 'warn', 'crit', 'unknown']);
export const genericSchema = z.discriminatedUnion('event', [
  z.object({ ...genericBase, event: z.enum(['action.executed', 'action.failed', 'action.refused']), action: z.string(), target: z.string(), title: z.string(), tier: z.string(), summary: z.string(), message: z.string(), reason: z.string().min(1).optional(), breakGlass: z.string().min(1).optional() }).strict(),
  z.object({ ...genericBase, event: z.literal('approval.requested'), id: z.string(), action: z.string(), target: z.string(), summary: z.string(), planHash: z.string(), expiresAt: z.iso.datetime().optional(), reason: z.string().min(1).optional() }).strict(),
  z.object({ ...genericBase, event: z.enum(['incident.started', 'incident.updated', 'incident.ended']), incident: incidentRef, note: z.string().optional(), durationMs: z.number().optional(), statusPage: z.string().optional() }).strict(),
  z
    .object({
      ...genericBase,
      event: z.literal('check.changed'),
      from: severity.nullable(),
      to: severity,
      counts: z.object({ ok: z.number(), warn: z.number(), crit: z.number(), unknown: z.number() }).strict(),
      findings: z.array(z.object({ severity, checkId: z.string(), subject: z.string(), message: z.string() }).strict()),
    })
    .strict(),
  z.object({ ...genericBase, event: z.literal('test'), message: z.string() }).strict(),
]);

export type Kind = 'slack' | 'pagerduty' | 'webhook';

export interface Received {
  path: string;
  kind: Kind | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** epoch ms */
  at: number;
  /** the shape problems against the service's documented format; empty when it conforms */
  problems: string[];
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Receiver {
  url(path: string): string;
  port: number;
  received: Received[];
  /** the answers for the next requests to `path`, in order; afterwards 200 (Slack: "ok", PagerDuty: 202) */
  script(path: string, answers: Answer[]): void;
  close(): Promise<void>;
}

const SCHEMAS: Record<Kind, z.ZodType> = { slack: slackSchema, pagerduty: pagerdutySchema, webhook: genericSchema };

/** Which service a path stands for: /slack/…, /pagerduty/…, /hook/… */
function kindOf(path: string): Kind | undefined {
  if (path.startsWith('/slack/')) return 'slack';
  if (path.startsWith('/pagerduty/')) return 'pagerduty';
  if (path.startsWith('/hook/')) return 'webhook';
  return undefined;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const scripts = new Map<string, Answer[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const kind = kindOf(path);
      let body: unknown;
      const problems: string[] = [];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        problems.push('the body is not JSON');
      }
      if (req.method !== 'POST') problems.push(`method ${req.method}`);
      if (!String(req.headers['content-type']).startsWith('application/json')) problems.push(`content-type ${req.headers['content-type']}`);
      if (kind && body !== undefined) {
        const r = SCHEMAS[kind].safeParse(body);
        if (!r.success) problems.push(...r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
      }
      received.push({ path, kind, headers: req.headers, body, at: Date.now(), problems });
      const answer = scripts.get(path)?.shift() ?? { status: kind === 'pagerduty' ? 202 : 200, body: kind === 'pagerduty' ? '{"status":"success","message":"Event processed"}' : 'ok' };
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    script: (path, answers) => scripts.set(path, [...answers]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound, then closed. */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The built binary run without a TTY, asynchronously: the receiver in this process must keep answering. */
export function opsdeckAsync(args: string[], env: Record<string, string | undefined>, cwd?: string): Promise<Run> {
  const full = { ...process.env, NO_COLOR: '1', ...env } as Record<string, string>;
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete full[k];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [new URL('../../bin/opsdeck.js', import.meta.url).pathname, ...args], { env: full, cwd, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin?.end();
  });
}
