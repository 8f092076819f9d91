import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsSource } from '../../src/sources/metrics/source.js';
import { httpScrape } from '../../src/sources/metrics/scrape.js';
import { metricsSchema } from '../../src/config/metricsSchema.js';

let server: Server;
let base: string;
const seen: IncomingHttpHeaders[] = [];
let count = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/metrics') {
      count += 10;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE hits_total counter\nhits_total ${count}\nbroken{ 1\n`);
    } else if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`pad ${'9'.repeat(4096)}\n`);
    } else if (req.url === '/slow') {
      setTimeout(() => res.end('x 1\n'), 2_000).unref();
    } else if (req.url === '/om') {
      res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0' });
      res.end('x 1\n# EOF\n');
    } else {
      res.writeHead(302, { location: '/metrics' }).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const cfg = (path: string, extra: Record<string, unknown> = {}) => metricsSchema.parse({ name: 'app', url: `${base}${path}`, rules: [{ series: 'hits_total', rate: '5m', warn: 1, crit: 5 }], ...extra });
const signal = new AbortController().signal;

describe('the metrics source', () => {
  it('sends the configured headers, and a one-shot read scrapes twice checkGap apart, saying so', async () => {
    let clock = 1_000_000;
    const waits: number[] = [];
    const src = createMetricsSource([cfg('/metrics', { headers: { Authorization: 'Bearer s3cr3t-abc', 'X-Tenant': 'ops' }, checkGap: '4s' })], {
      oneShot: true,
      now: () => clock,
      wait: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    const before = seen.length;
    const snap = await src.read(signal);
    expect(waits).toEqual([4_000]);
    expect(seen.length - before).toBe(2);
    expect(seen.at(-1)).toMatchObject({ authorization: 'Bearer s3cr3t-abc', 'x-tenant': 'ops' });
    expect(snap.note).toBe('metrics app: scraped twice, 4 s apart, for the rates');
    // +10 over 4 s
    expect(snap.rows[0]).toMatchObject({ series: 'hits_total', value: 2.5 });
    // the line that did not parse is said, the rest used
    expect(snap.endpoints[0]).toMatchObject({ name: 'app', samples: 1, error: '1 line did not parse, first line 3: expected a label name in { 1…' });
    // a later read (the dashboard's next poll) scrapes once
    clock += 10_000;
    await src.read(signal);
    expect(waits).toHaveLength(1);
  });

  it('without oneShot, the first read has no rate yet and says why', async () => {
    const snap = await createMetricsSource([cfg('/metrics')]).read(signal);
    expect(snap.rows[0]).toMatchObject({ value: null, missing: 'one scrape so far: a rate needs two' });
    expect(snap.note).toBeUndefined();
  });

  it('an endpoint that redirects, times out, is too large or speaks another format fails its rows with one line', async () => {
    const read = async (path: string, extra: Record<string, unknown> = {}, maxBytes?: number) => (await createMetricsSource([cfg(path, extra)], { scrape: httpScrape(maxBytes) }).read(signal)).endpoints[0]!.error;
    expect(await read('/elsewhere')).toBe('HTTP 302 (a redirect: give the final URL)');
    expect(await read('/slow', { timeoutMs: 200 })).toBe('timed out after 200 ms');
    expect(await read('/big', {}, 1_024)).toBe('the exposition is larger than 1 KiB');
    expect(await read('/om')).toBe('the endpoint answered application/openmetrics-text, not the text format');
  });
});
