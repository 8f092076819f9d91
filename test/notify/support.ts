/** A config whose `demo` environment notifies the receiver, its secrets in the environment as an operator would keep them. */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Receiver } from './receiver.js';

export const SECRETS = {
  slackPath: 'T0NOTIFY/B0NOTIFY/slackPathToken7f3a9c',
  routingKey: 'R0UTINGkey5e8d2b1c9a7f4e3d',
  hookPath: 'hookPathToken2c4e6a8b',
  headerValue: 'HeaderTokenValue9d8c7b6a',
};

export interface Setup {
  dir: string;
  config: string;
  env: Record<string, string | undefined>;
}

export function notifySetup(r: Receiver, only?: { slack?: string; pagerduty?: string; webhook?: string }): Setup {
  const dir = mkdtempSync(join(tmpdir(), 'opsdeck-notify-'));
  const config = join(dir, 'notify.yaml');
  writeFileSync(
    config,
    [
      'environments:',
      '  demo:',
      '    notify:',
      '      - { kind: slack, url: "${SLACK_WEBHOOK_URL}" }',
      '      - { kind: pagerduty, routingKey: "${PD_ROUTING_KEY}", url: "${PD_URL}" }',
      '      - { kind: webhook, url: "${OPS_WEBHOOK}", headers: { X-Ops-Token: "${OPS_TOKEN}" } }',
      '',
    ].join('\n'),
  );
  return {
    dir,
    config,
    env: {
      OPSDECK_STATE_DIR: join(dir, 'state'),
      OPSDECK_CONFIG: undefined,
      HOME: dir,
      SLACK_WEBHOOK_URL: only?.slack ?? r.url(`/slack/services/${SECRETS.slackPath}`),
      PD_ROUTING_KEY: SECRETS.routingKey,
      PD_URL: only?.pagerduty ?? r.url('/pagerduty/v2/enqueue'),
      OPS_WEBHOOK: only?.webhook ?? r.url(`/hook/${SECRETS.hookPath}`),
      OPS_TOKEN: SECRETS.headerValue,
    },
  };
}

/** Every file under `dir`, with its text. */
export function filesUnder(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: p, text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

/** The secrets (any of them) found in `text`. */
export function secretsIn(text: string): string[] {
  return Object.values(SECRETS).filter((s) => text.includes(s));
}
