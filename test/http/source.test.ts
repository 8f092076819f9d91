// HTTP probes against a local server that answers well, badly, slowly, hugely or not at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthSource, type HttpProbeConfig } from '../../src/sources/http/index.js';
import type { ProbeResult } from '../../src/model/health.js';
import { freePort } from '../support/moto.js';
import { startTestServer, type TestServer } from './server.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

const signal = () => new AbortController().signal;

async function probe(cfg: Omit<HttpProbeConfig, 'url'> & { path?: string; url?: string }, opts = {}): Promise<ProbeResult> {
  const { path, ...rest } = cfg;
  const source = createHealthSource([{ url: `${srv.base}${path ?? '/ok'}`, ...rest }], { now: () => 1_700_000_000_000, ...opts });
  try {
    const snap = await source.probe(signal());
    expect(snap.probes).toHaveLength(1);
    return snap.probes[0]!;
  } finally {
    await source.close();
  }
}

describe('HTTP health probes', () => {
  it('a healthy JSON answer: status, latency, picked fields, expectations met', async () => {
    const r = await probe({ name: 'api', expect: { status: 200, json: { status: 'healthy', version: '1.4.2' } } });
    expect(r).toMatchObject({
      name: 'api',
      url: `${srv.base}/ok`,
      ok: true,
      status: 200,
      fields: { status: 'healthy', version: '1.4.2', 'build.version': 'abc123' },
      problems: [],
      checkedAt: 1_700_000_000_000,
    });
    expect(r.latencyMs).toBeGreaterThan(0);
    expect((await probe({ name: 'app', path: '/app-version' })).fields).toEqual({ status: 'ok', app_version: '2026.1.3' });
  });

  it('any 2xx passes when no status is configured; an exact status must match', async () => {
    expect(await probe({ name: 'a', path: '/created' })).toMatchObject({ ok: true, status: 201 });
    expect(await probe({ name: 'a', path: '/created', expect: { status: 200 } })).toMatchObject({
      ok: false,
      problems: ['status 201, expected 200'],
    });
  });

  it('a 503 is a problem, with or without a configured status, and the body is still read', async () => {
    expect(await probe({ name: 'api', path: '/down' })).toMatchObject({ ok: false, status: 503, problems: ['status 503, expected 2xx'] });
    const r = await probe({ name: 'api', path: '/down', expect: { status: 200, json: { status: 'healthy' } } });
    expect(r.problems).toEqual(['status 503, expected 200', 'json status is "unhealthy", expected "healthy"']);
    expect(r.fields).toEqual({ status: 'unhealthy' });
    expect(r.latencyMs).not.toBeNull();
  });

  it('names every JSON field that is wrong or missing', async () => {
    const r = await probe({ name: 'api', path: '/degraded', expect: { json: { status: 'healthy', ready: true, region: 'eu-west-1', version: '1.4.2' } } });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(200);
    expect(r.problems).toEqual(['json status is "degraded", expected "healthy"', 'json ready is false, expected true', 'json region is missing, expected "eu-west-1"']);
    expect(r.fields).toEqual({ status: 'degraded', version: '1.4.2', ready: 'false' });
  });

  it('nested fields can be expected with a dotted path; types must match', async () => {
    expect(await probe({ name: 'a', expect: { json: { 'build.version': 'abc123', 'checks.db': 'ok' } } })).toMatchObject({ ok: true });
    expect((await probe({ name: 'a', expect: { json: { uptime: '12' } } })).problems).toEqual(['json uptime is 12, expected "12"']);
    expect((await probe({ name: 'a', expect: { json: { checks: 'ok' } } })).problems).toEqual(['json checks is an object, expected "ok"']);
  });

  it('times out slow answers: no headers, or a body that never ends', async () => {
    const held = await probe({ name: 'slow', path: '/hold', timeoutMs: 150 });
    expect(held).toMatchObject({ ok: false, status: null, latencyMs: null, problems: ['timed out after 150 ms'] });
    const trickle = await probe({ name: 'slow', path: '/trickle', timeoutMs: 1_500 });
    expect(trickle).toMatchObject({ ok: false, status: 200, latencyMs: null, problems: ['timed out after 1.5 s while reading the body'] });
  });

  it('the source-wide default timeout applies when the probe has none', async () => {
    expect((await probe({ name: 'slow', path: '/hold' }, { defaultTimeoutMs: 100 })).problems).toEqual(['timed out after 100 ms']);
  });

  it('reports a refused connection', async () => {
    const port = await freePort();
    const r = await probe({ name: 'gone', url: `http://127.0.0.1:${port}/health` });
    expect(r).toMatchObject({ ok: false, status: null, latencyMs: null, fields: {}, problems: ['connection refused'] });
  });

  it('reports a server that hangs up without answering', async () => {
    expect(await probe({ name: 'api', path: '/hangup' })).toMatchObject({ ok: false, status: null, problems: ['connection closed by the server before it answered'] });
  });

  it('stops reading a huge body at the cap; JSON expectations then cannot pass', async () => {
    const plain = await probe({ name: 'big', path: '/huge' });
    expect(plain).toMatchObject({ ok: true, status: 200, fields: {} });
    const expecting = await probe({ name: 'big', path: '/huge', expect: { json: { status: 'healthy' } } });
    expect(expecting.problems).toEqual(['body is over 64 KiB, so JSON status cannot be checked']);
    const declared = await probe({ name: 'big', path: '/huge-declared', expect: { json: { status: 'healthy' } } }, { maxBodyBytes: 1024 });
    expect(declared.problems).toEqual(['body is over 1 KiB, so JSON status cannot be checked']);
    // the same body under a larger cap parses
    expect(await probe({ name: 'big', path: '/huge-declared', expect: { json: { status: 'healthy' } } }, { maxBodyBytes: 1024 * 1024 })).toMatchObject({ ok: true });
  });

  it('a non-JSON body is fine unless JSON fields are expected', async () => {
    expect(await probe({ name: 'web', path: '/text' })).toMatchObject({ ok: true, status: 200, fields: {} });
    expect((await probe({ name: 'web', path: '/text', expect: { json: { status: 'healthy' } } })).problems).toEqual([
      'body is not JSON (text/html), so JSON status cannot be checked',
    ]);
  });

  it('does not follow a redirect, and says where it points', async () => {
    const before = srv.hits.get('/ok') ?? 0;
    const r = await probe({ name: 'api', path: '/redirect' });
    expect(r).toMatchObject({ ok: false, status: 301, problems: ['status 301, expected 2xx (redirects to /ok; probe that URL instead, or set followRedirects: true)'] });
    expect(srv.hits.get('/ok') ?? 0).toBe(before);
  });

  it('sends URL credentials as a Basic header and never shows them', async () => {
    const url = `${srv.base.replace('http://', 'http://probe:s3cret-token@')}/auth`;
    const r = await probe({ name: 'private', url });
    expect(r).toMatchObject({ ok: true, status: 200, url: `${srv.base}/auth` });
    expect(JSON.stringify(r)).not.toContain('s3cret');
  });

  it('strips control sequences from fields taken from the body', async () => {
    const r = await probe({ name: 'api', path: '/escape', expect: { json: { status: 'ok' } } });
    expect(r.fields).toEqual({ status: 'ok', version: 'x ⏎ y' });
    expect(r.problems).toEqual(['json status is "ok\\u001b[2J\\u0007", expected "ok"']);
    expect(r.problems.join('')).not.toMatch(/[\x00-\x1f]/);
  });

  it('runs probes in parallel: three requests that are only answered together all pass', async () => {
    const cfgs = ['a', 'b', 'c'].map((name) => ({ name, url: `${srv.base}/barrier`, timeoutMs: 5_000 }));
    const source = createHealthSource(cfgs);
    const snap = await source.probe(signal());
    expect(snap.probes.map((p) => [p.name, p.ok])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
    ]);
    await source.close();
  });

  it('rejects when the watcher aborts, and after close', async () => {
    const source = createHealthSource([{ name: 'slow', url: `${srv.base}/hold`, timeoutMs: 10_000 }]);
    const ctl = new AbortController();
    const pending = source.probe(ctl.signal);
    await new Promise((r) => setImmediate(r));
    ctl.abort(new Error('watcher stopped'));
    await expect(pending).rejects.toThrow('watcher stopped');
    await source.close();
    await expect(source.probe(signal())).rejects.toThrow('closed');
  });

  it('probes nothing when nothing is configured', async () => {
    expect(await createHealthSource([]).probe(signal())).toEqual({ probes: [] });
  });
});
