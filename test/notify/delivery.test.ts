/**
 * Delivery against a real local HTTP server: retried on 5xx and on 429
 * after its Retry-After, never on another 4xx (recorded in the notify log),
 * and a receiver that is down or never answers costs the action nothing and
 * the exit at most the flush bound.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Notifier } from '../../src/notify/notifier.js';
import { notifyTargets } from '../../src/notify/targets.js';
import { readFailures, failureLogPath } from '../../src/notify/log.js';
import { notifyingObserver } from '../../src/notify/actionEvents.js';
import { retryAfterMs } from '../../src/notify/delivery.js';
import type { NotifyEvent } from '../../src/notify/events.js';
import { runAction } from '../../src/actions/executor.js';
import { scaleAction } from '../../src/actions/ecs/scale.js';
import { forgetSecrets } from '../../src/text/redact.js';
import { harness } from '../actions/support.js';
import { deadPort, startReceiver, type Receiver } from './receiver.js';

let r: Receiver;
let dir: string;
const env = () => ({ OPSDECK_STATE_DIR: dir });
const FAST = { baseMs: 40, capMs: 5_000, attempts: 5, timeoutMs: 2_000 };

beforeAll(async () => {
  r = await startReceiver();
});
afterAll(async () => {
  await r.close();
  forgetSecrets();
});
afterEach(() => {
  r.received.length = 0;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const event = (): NotifyEvent => ({ event: 'test', environment: 'prod', at: new Date().toISOString(), operator: 'ops@host', message: 'hello' });

function hookNotifier(path: string, retry = FAST): Notifier {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-notify-delivery-'));
  return new Notifier({ env: env(), retry }).configure('prod', notifyTargets([{ kind: 'webhook', url: r.url(path) }]));
}

describe('retries', () => {
  it('500 twice, then 200: delivered once, nothing recorded', async () => {
    const path = '/hook/retry-5xx';
    r.script(path, [{ status: 500 }, { status: 503, body: 'busy' }]);
    const n = hookNotifier(path);
    const [res] = await n.post(event());
    expect(res).toEqual({ target: 'notify[0] webhook', ok: true });
    expect(r.received.map((x) => x.path)).toEqual([path, path, path]);
    expect(r.received.every((x) => x.problems.length === 0)).toBe(true);
    expect(await readFailures(env())).toEqual([]);
  });

  it('429 with Retry-After: waits the time it says, then delivers', async () => {
    const path = '/hook/rate-limited';
    r.script(path, [{ status: 429, headers: { 'retry-after': '1' } }]);
    const n = hookNotifier(path);
    const [res] = await n.post(event());
    expect(res?.ok).toBe(true);
    expect(r.received).toHaveLength(2);
    // the backoff alone would have waited 20-40 ms
    expect(r.received[1]!.at - r.received[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7')).toBe(7_000);
    expect(retryAfterMs(new Date(Date.parse('2026-01-01T00:00:10Z')).toUTCString(), Date.parse('2026-01-01T00:00:00Z'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('400: not retried, recorded in the notify log by label, never by URL', async () => {
    const path = '/hook/bad-request-secretpath1234';
    r.script(path, [{ status: 400, body: '{"message":"Event object is invalid"}' }]);
    const lines: string[] = [];
    dir = mkdtempSync(join(tmpdir(), 'opsdeck-notify-delivery-'));
    const n = new Notifier({ env: env(), retry: FAST, onFailure: (l) => lines.push(l) }).configure('prod', notifyTargets([{ kind: 'webhook', url: r.url(path) }]));
    const [res] = await n.post(event());
    expect(r.received).toHaveLength(1);
    expect(res?.ok).toBe(false);
    expect(res?.error).toMatch(/^notify\[0\] webhook: HTTP 400: \{"message":"Event object is invalid"\} \(not retried/);
    const failures = await readFailures(env());
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ environment: 'prod', target: 'notify[0] webhook', event: 'test', attempts: 1 });
    expect(lines[0]).toContain('notify[0] webhook: HTTP 400');
    expect(readFileSync(failureLogPath(env()), 'utf8')).not.toContain('secretpath1234');
    expect(lines.join('\n')).not.toContain('secretpath1234');
  });

  it('gives up after the tries it has, saying so', async () => {
    const path = '/hook/always-500';
    r.script(path, Array.from({ length: 3 }, () => ({ status: 500 })));
    const n = hookNotifier(path, { ...FAST, attempts: 3 });
    const [res] = await n.post(event());
    expect(r.received).toHaveLength(3);
    expect(res?.error).toBe('notify[0] webhook: HTTP 500 (gave up after 3 tries)');
  });
});

describe('a receiver that is down', () => {
  let hanging: Server;
  let hangingPort: number;
  beforeAll(async () => {
    // accepts the connection and never answers: the worst a webhook can do
    hanging = createServer(() => undefined);
    await new Promise<void>((res) => hanging.listen(0, '127.0.0.1', res));
    hangingPort = (hanging.address() as AddressInfo).port;
  });
  afterAll(async () => {
    hanging.closeAllConnections();
    await new Promise<void>((res) => hanging.close(() => res()));
  });

  it('the action finishes in the time it takes without notifications; the exit waits no longer than the flush bound', async () => {
    const timed = async (withNotifier: Notifier | undefined) => {
      const h = await harness();
      try {
        const deps = withNotifier ? { ...h.deps, observer: notifyingObserver(withNotifier) } : h.deps;
        const plan = await scaleAction.plan(h.ctx, { cluster: 'demo', service: 'api', desired: 1, verifyTimeoutMs: 60_000 }, new AbortController().signal);
        const t0 = performance.now();
        const result = await runAction(deps, { action: scaleAction, ctx: h.ctx, plan, typed: 'api' });
        return { ms: performance.now() - t0, result };
      } finally {
        h.cleanup();
      }
    };
    const base = await timed(undefined);
    dir = mkdtempSync(join(tmpdir(), 'opsdeck-notify-delivery-'));
    const lines: string[] = [];
    const n = new Notifier({ env: env(), retry: { ...FAST, timeoutMs: 30_000 }, onFailure: (l) => lines.push(l) }).configure(
      'demo',
      notifyTargets([
        { kind: 'webhook', url: `http://127.0.0.1:${hangingPort}/hook/x` },
        { kind: 'slack', url: `http://127.0.0.1:${await deadPort()}/slack/x` },
      ]),
    );
    const withDead = await timed(n);
    expect(withDead.result.outcome).toBe('done');
    expect(base.result.outcome).toBe('done');
    expect(withDead.ms).toBeLessThan(base.ms + 250);
    expect(n.queued).toBe(2);

    const t0 = performance.now();
    const cut = await n.flush(800);
    const flushMs = performance.now() - t0;
    expect(flushMs).toBeGreaterThanOrEqual(750);
    expect(flushMs).toBeLessThan(2_000);
    // the refused connection used its five tries (40 + 80 + 160 + 320 ms) before the bound; the silent one was cut
    expect(cut).toBe(1);
    const failures = await readFailures(env());
    expect(failures.map((f) => f.target).sort()).toEqual(['notify[0] webhook', 'notify[1] slack']);
    expect(failures.find((f) => f.target === 'notify[1] slack')!.error).toMatch(/network error: ECONNREFUSED \(gave up after 5 tries\)/);
    expect(failures.find((f) => f.target === 'notify[0] webhook')!.error).toMatch(/opsdeck was exiting/);
    expect(lines).toHaveLength(2);
  });
});
