/**
 * `check --notify` from cron tells the targets only when the worst severity
 * changed since the last `check --notify`; `notify test` reaches every
 * target; `notify status` counts what could not be delivered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { opsdeckAsync, startReceiver, type Receiver } from './receiver.js';
import { filesUnder, notifySetup, secretsIn, type Setup } from './support.js';

let r: Receiver;
let s: Setup;

beforeAll(async () => {
  r = await startReceiver();
  s = notifySetup(r);
});
afterAll(async () => {
  await r.close();
  rmSync(s.dir, { recursive: true, force: true });
});

const check = (scenario: string) => opsdeckAsync(['check', '--demo', '--scenario', scenario, '--config', s.config, '--notify', '--since', '15m'], s.env);

describe('check --notify', () => {
  it('tells every target of a change of the worst severity, and only of a change', async () => {
    const first = await check('bad-deploy');
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('told notify[0] slack, notify[1] pagerduty, notify[2] webhook that the worst severity is now crit');
    expect(r.received).toHaveLength(3);
    for (const x of r.received) expect(x.problems).toEqual([]);
    const hook = r.received.find((x) => x.kind === 'webhook')!.body as { event: string; from: unknown; to: string; findings: { severity: string }[] };
    expect(hook).toMatchObject({ event: 'check.changed', from: null, to: 'crit' });
    expect(hook.findings[0]?.severity).toBe('crit');
    const pd = r.received.find((x) => x.kind === 'pagerduty')!.body as { event_action: string; dedup_key: string; payload: { severity: string } };
    expect(pd).toMatchObject({ event_action: 'trigger', dedup_key: 'opsdeck/demo/check', payload: { severity: 'critical' } });

    const again = await check('bad-deploy');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('worst severity still crit, nothing sent');
    expect(r.received).toHaveLength(3);

    const calm = await check('calm');
    expect(calm.code).toBe(0);
    expect(r.received).toHaveLength(6);
    const back = r.received.slice(3);
    expect(back.find((x) => x.kind === 'pagerduty')!.body).toEqual({ routing_key: expect.any(String), event_action: 'resolve', dedup_key: 'opsdeck/demo/check' });
    expect(back.find((x) => x.kind === 'webhook')!.body).toMatchObject({ event: 'check.changed', from: 'crit', to: 'ok' });

    for (const run of [first, again, calm]) expect(secretsIn(run.stdout + run.stderr)).toEqual([]);
  }, 120_000);

  it('a target that could not be told is told at the next run; the others are not told twice', async () => {
    r.received.length = 0;
    r.script('/pagerduty/v2/enqueue', [{ status: 400, body: '{"status":"invalid event"}' }]);
    const failed = await check('bad-deploy');
    expect(failed.stderr).toMatch(/opsdeck: notify\[1\] pagerduty: HTTP 400/);
    expect(r.received.map((x) => x.kind)).toEqual(expect.arrayContaining(['slack', 'pagerduty', 'webhook']));
    r.received.length = 0;
    const retry = await check('bad-deploy');
    expect(retry.stderr).toContain('told notify[1] pagerduty that the worst severity is now crit');
    expect(r.received.map((x) => x.kind)).toEqual(['pagerduty']);
  }, 120_000);
});

describe('notify test and notify status', () => {
  it('test reaches every target (PagerDuty: a trigger and its resolve); status counts the failures, naming no secret', async () => {
    r.received.length = 0;
    const ok = await opsdeckAsync(['notify', 'test', '--demo', '--config', s.config], s.env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('notify[0] slack: delivered\nnotify[1] pagerduty: delivered\nnotify[2] webhook: delivered\n');
    expect(r.received.map((x) => x.kind)).toEqual(expect.arrayContaining(['slack', 'pagerduty', 'pagerduty', 'webhook']));
    expect(r.received.filter((x) => x.kind === 'pagerduty').map((x) => (x.body as { event_action: string }).event_action)).toEqual(['trigger', 'resolve']);
    for (const x of r.received) expect(x.problems).toEqual([]);

    r.script('/slack/services/T0NOTIFY/B0NOTIFY/slackPathToken7f3a9c', [{ status: 404, body: 'no_service' }]);
    const bad = await opsdeckAsync(['notify', 'test', '--demo', '--config', s.config], s.env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('notify[0] slack: HTTP 404: no_service (not retried');

    const status = await opsdeckAsync(['notify', 'status', '--demo', '--config', s.config], s.env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('notify[0] slack (every event)');
    expect(status.stdout).toContain('2 delivery failure(s) recorded');
    const json = JSON.parse((await opsdeckAsync(['notify', 'status', '--json', '--demo', '--config', s.config], s.env)).stdout) as { failures: number; targets: { target: string }[] };
    expect(json.failures).toBe(2);
    expect(json.targets.map((t) => t.target)).toEqual(['notify[0] slack', 'notify[1] pagerduty', 'notify[2] webhook']);

    for (const run of [ok, bad, status]) expect(secretsIn(run.stdout + run.stderr)).toEqual([]);
    for (const f of filesUnder(s.dir).filter((f) => f.path !== s.config)) expect({ file: f.path, secrets: secretsIn(f.text) }).toEqual({ file: f.path, secrets: [] });
  }, 60_000);
});

describe('a webhook that never answers', () => {
  it('costs a cron run at most the 5 s flush bound, said on stderr, the check\'s exit code kept', async () => {
    const hanging = createServer(() => undefined);
    await new Promise<void>((res) => hanging.listen(0, '127.0.0.1', res));
    const port = (hanging.address() as AddressInfo).port;
    const dead = notifySetup(r, { slack: `http://127.0.0.1:${port}/slack/x`, pagerduty: `http://127.0.0.1:${port}/pagerduty/x`, webhook: `http://127.0.0.1:${port}/hook/x` });
    try {
      const run = await opsdeckAsync(['check', '--demo', '--scenario', 'bad-deploy', '--config', dead.config, '--notify', '--since', '15m'], dead.env);
      expect(run.code).toBe(2);
      expect(run.ms).toBeLessThan(12_000);
      expect(run.stderr).toMatch(/opsdeck: notify\[0\] slack: .*opsdeck was exiting \(waited 5 s for notifications\)/);
      expect(secretsIn(run.stdout + run.stderr)).toEqual([]);
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((res) => hanging.close(() => res()));
      rmSync(dead.dir, { recursive: true, force: true });
    }
  }, 60_000);
});
