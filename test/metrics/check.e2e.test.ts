/**
 * `opsdeck check` (the built binary) against a local exposition endpoint
 * whose error counter climbs faster than its rule allows: exit 2, the series
 * named, the two scrapes said, and the bearer token nowhere.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOKEN = 'mtok-7f3a9c1e5b2d4086a1c3e5f7';
const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;

interface Endpoint {
  url: string;
  /** Authorization headers seen, in order */
  auth: (string | undefined)[];
  server: Server;
}

/** error_rate_total grows by `perSecond` a second of wall time, from the first scrape on; requests and a gauge beside it. */
async function endpoint(perSecond: number): Promise<Endpoint> {
  const auth: (string | undefined)[] = [];
  let start: number | undefined;
  const server = createServer((req, res) => {
    auth.push(req.headers.authorization);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401).end('denied');
      return;
    }
    start ??= Date.now();
    const secs = (Date.now() - start) / 1000;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end([
      '# HELP error_rate_total Errors counted by the middleware.',
      '# TYPE error_rate_total counter',
      `error_rate_total{service="api"} ${Math.floor(1000 + perSecond * secs)}`,
      '# TYPE queue_depth gauge',
      'queue_depth{queue="emails"} 12',
      'queue_depth{queue="sms"} 4000',
      '',
    ].join('\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, auth, server };
}

/** every stdout and stderr of the runs, for the last test */
const outputs: string[] = [];

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      outputs.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? allFiles(join(dir, n)) : [join(dir, n)]));
}

let dir: string;
let hot: Endpoint;
let calm: Endpoint;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-metrics-'));
  // ~20 errors a second against a crit of 5; a calm twin at none
  hot = await endpoint(20);
  calm = await endpoint(0);
  const rules = [
    '        rules:',
    '          - { series: error_rate_total, rate: 5m, warn: 1, crit: 5 }',
    '          - { series: queue_depth, labels: { queue: emails }, warn: 100, crit: 1000 }',
  ];
  writeFileSync(join(dir, 'opsdeck.yaml'), [
    'environments:',
    '  hot:',
    '    metrics:',
    '      - name: app',
    `        url: ${hot.url}`,
    '        headers: { Authorization: "Bearer ${METRICS_TOKEN}" }',
    '        checkGap: 2s',
    ...rules,
    '  calm:',
    '    metrics:',
    '      - name: app',
    `        url: ${calm.url}`,
    '        headers: { Authorization: "Bearer ${METRICS_TOKEN}" }',
    '        checkGap: 1s',
    ...rules,
    '  denied:',
    '    metrics:',
    '      - name: app',
    `        url: ${calm.url}`,
    '        headers: { Authorization: "Bearer ${METRICS_TOKEN}-wrong" }',
    ...rules,
    '',
  ].join('\n'));
});

afterAll(async () => {
  await Promise.all([hot, calm].map((e) => new Promise((r) => e.server.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ METRICS_TOKEN: TOKEN, OPSDECK_STATE_DIR: join(dir, 'state'), HOME: dir });

describe('opsdeck check with metrics', () => {
  it('exits 2 naming the series whose rate is past its rule, and says it scraped twice', async () => {
    const r = await run(['check', '--config', join(dir, 'opsdeck.yaml'), '--env', 'hot'], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/✗ hot\/app error_rate_total\{service="api"\}\s+rate over 5m past its rule \(warn ≥ 1, crit ≥ 5\) \((1[5-9]|2\d)(\.\d+)?\/s\)/);
    expect(r.stdout).toMatch(/✓ hot\/app queue_depth\{queue="emails"\}\s+value within its rule/);
    expect(r.stdout).toContain('note: metrics app: scraped twice, 2 s apart, for the rates');
    expect(hot.auth.slice(0, 2)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  }, 30_000);

  it('exits 0 when the counter stands still, with the JSON report naming the series too', async () => {
    const r = await run(['check', '--config', join(dir, 'opsdeck.yaml'), '--env', 'calm', '--format', 'json'], env());
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: Array<{ checkId: string; subject: string; severity: string; figure?: string }> };
    const metrics = report.findings.filter((f) => f.checkId === 'metrics.series');
    expect(metrics.map((f) => [f.subject, f.severity, f.figure])).toEqual([
      ['calm/app error_rate_total{service="api"}', 'ok', '0/s'],
      ['calm/app queue_depth{queue="emails"}', 'ok', '12'],
    ]);
  }, 30_000);

  it('a refused scrape makes the series unknown (exit 3) with the status, never the header', async () => {
    const r = await run(['check', '--config', join(dir, 'opsdeck.yaml'), '--env', 'denied'], env());
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/\? denied\/app error_rate_total\s+rate over 5m unknown: HTTP 401 \(check metrics\[\]\.headers\)/);
  }, 30_000);

  it('the bearer token appears in no output and no state file', () => {
    // after the runs above (vitest keeps a file's order): what they printed and what they left
    expect(outputs.length).toBe(6);
    for (const o of outputs) expect(o).not.toContain(TOKEN);
    const files = allFiles(dir).filter((f) => !f.endsWith('opsdeck.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(f, 'utf8'), f).not.toContain(TOKEN);
  });
});
