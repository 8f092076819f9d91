/** The `notify:` config: its shape, the example, and its secrets kept out of every message. */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig, selectEnvironment } from '../../src/config/load.js';
import { forgetSecrets, redact } from '../../src/text/redact.js';
import { wanted } from '../../src/notify/events.js';

afterEach(() => forgetSecrets());

const VARS = {
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/slackTokenPart1234',
  PD_ROUTING_KEY: 'pdRoutingKey0123456789abcdef',
  OPS_WEBHOOK: 'https://ops.example.com/opsdeck?sig=querySecret987',
  OPS_WEBHOOK_TOKEN: 'bearerTokenValue4567',
};

function problems(yaml: string, vars: Record<string, string> = {}): string[] {
  try {
    parseConfig(yaml, 'c.yaml', vars);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('examples/notify.yaml', () => {
  const text = readFileSync(fileURLToPath(new URL('../../examples/notify.yaml', import.meta.url)), 'utf8');

  it('parses with its variables set, and points editors at the schema', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/opsdeck.schema.json');
    const prod = selectEnvironment(parseConfig(text, 'examples/notify.yaml', VARS), 'prod').env;
    expect(prod.notify?.map((t) => t.kind)).toEqual(['slack', 'pagerduty', 'webhook']);
    expect(prod.notify?.[1]).toMatchObject({ routingKey: VARS.PD_ROUTING_KEY, events: ['incident.*', 'action.failed', 'approval.requested', 'check.changed'] });
  });

  it('once loaded, every URL, its path and query, the routing key and the header value are masked wherever they appear', () => {
    parseConfig(text, 'examples/notify.yaml', VARS);
    const line = `posting to ${VARS.SLACK_WEBHOOK_URL} and /services/T000/B000/slackTokenPart1234 key ${VARS.PD_ROUTING_KEY} ${VARS.OPS_WEBHOOK} Bearer ${VARS.OPS_WEBHOOK_TOKEN}`;
    const out = redact(line);
    for (const v of ['slackTokenPart1234', VARS.PD_ROUTING_KEY, 'querySecret987', VARS.OPS_WEBHOOK_TOKEN]) expect(out).not.toContain(v);
  });
});

describe('notify: entries', () => {
  const env = (entry: string) => `environments:\n  prod:\n    notify:\n      - ${entry}\n`;

  it('refuses an unknown kind, a missing key, a plain-http URL elsewhere than this machine, and an unknown event', () => {
    expect(problems(env('{ kind: teams, url: "https://x.example" }'))[0]).toContain('environments.prod.notify[0]');
    expect(problems(env('{ kind: pagerduty }')).join('\n')).toContain('routingKey');
    expect(problems(env('{ kind: slack, url: "http://hooks.example.com/x" }')).join('\n')).toContain('expected an https:// URL');
    expect(problems(env('{ kind: slack, url: "http://127.0.0.1:9999/x" }'))).toEqual([]);
    expect(problems(env('{ kind: slack, url: "https://h.example/x", events: [action.exploded] }')).join('\n')).toContain('expected one of action.executed');
  });

  it('a bad URL from a variable is refused without printing it', () => {
    const p = problems(env('{ kind: slack, url: "${SLACK_WEBHOOK_URL}" }'), { SLACK_WEBHOOK_URL: 'ftp://hooks.example.com/services/leakyToken5555' });
    expect(p.join('\n')).toContain('expected an https:// URL');
    expect(p.join('\n')).not.toContain('leakyToken5555');
  });

  it('events: exact names, a group, or everything; a test goes through any filter', () => {
    expect(wanted(undefined, 'action.failed')).toBe(true);
    expect(wanted(['incident.*'], 'incident.ended')).toBe(true);
    expect(wanted(['incident.*'], 'action.failed')).toBe(false);
    expect(wanted(['action.failed'], 'action.failed')).toBe(true);
    expect(wanted(['*'], 'check.changed')).toBe(true);
    expect(wanted(['check.changed'], 'test')).toBe(true);
  });
});
