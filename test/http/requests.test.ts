// Probes that need a method, a header or a body, graded JSON numbers, and redirects on request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHealthSource, type HttpProbeConfig } from '../../src/sources/http/index.js';
import { evaluateChecks } from '../../src/checks/evaluate.js';
import { recordingServer, sendJson, type Recording } from './servers.js';
import { opsdeckAsync } from './cli.js';

const TOKEN = 'tok-9f8e7d6c5b4a-only-in-env';
let dir: string;
let app: Recording;
let other: Recording;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-probe-'));
  other = await recordingServer({ '/landing': (_req, res) => sendJson(res, 200, { status: 'healthy' }) });
  app = await recordingServer({
    '/ops/queue_health': (req, res) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return sendJson(res, 401, { error: 'who are you?' });
      sendJson(res, 200, { dlq: 150, queues: { emails: { depth: 40 } }, workers: 1 });
    },
    '/echo': (req, res, body) => sendJson(res, 200, { status: 'healthy', method: req.method, type: req.headers['content-type'] ?? '', length: body.length }),
    '/moved': (_req, res) => sendJson(res, 302, {}, { location: '/echo' }),
    '/see-other': (_req, res) => sendJson(res, 303, {}, { location: '/echo' }),
    '/elsewhere': (_req, res) => sendJson(res, 307, {}, { location: `${other.base}/landing` }),
    '/loop': (_req, res) => sendJson(res, 302, {}, { location: '/loop' }),
  });
});
afterAll(async () => {
  await app?.close();
  await other?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function probe(cfg: Omit<HttpProbeConfig, 'url'> & { path: string }) {
  const { path, ...rest } = cfg;
  const source = createHealthSource([{ url: `${app.base}${path}`, ...rest }]);
  try {
    return (await source.probe(new AbortController().signal)).probes[0]!;
  } finally {
    await source.close();
  }
}

const judge = (p: Awaited<ReturnType<typeof probe>>) => evaluateChecks({ health: { probes: [p] } }, {}, { env: 'prod', now: Date.now() });

/** Every file under `root`, read as text. */
function filesUnder(root: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push({ path: p, text: readFileSync(p, 'latin1') });
  }
  return out;
}

describe('richer HTTP probes', () => {
  it('numeric JSON fields are read with their thresholds and graded by the checks, dotted paths and below: true included', async () => {
    const p = await probe({
      name: 'queue',
      path: '/ops/queue_health',
      headers: { Authorization: `Bearer ${TOKEN}` },
      expect: { status: 200, json: { dlq: { warn: 10, crit: 100 }, 'queues.emails.depth': { warn: 30, crit: 1000 }, workers: { warn: 2, crit: 0, below: true } } },
    });
    expect(p).toMatchObject({ ok: true, status: 200 });
    expect(p.measures).toEqual([
      { field: 'dlq', value: 150, warn: 10, crit: 100 },
      { field: 'queues.emails.depth', value: 40, warn: 30, crit: 1000 },
      { field: 'workers', value: 1, warn: 2, crit: 0, below: true },
    ]);
    const json = judge(p).filter((f) => f.checkId === 'health.json');
    expect(json.map((f) => [f.subject, f.severity, f.message])).toEqual([
      ['prod/queue dlq', 'crit', 'json dlq is 150, at or above crit 100'],
      ['prod/queue queues.emails.depth', 'warn', 'json queues.emails.depth is 40, at or above warn 30'],
      ['prod/queue workers', 'warn', 'json workers is 1, at or below warn 2'],
    ]);
    expect(JSON.stringify(p)).not.toContain(TOKEN);
  });

  it('a graded field that is missing or not a number is a problem of the probe', async () => {
    const p = await probe({ name: 'queue', path: '/ops/queue_health', headers: { Authorization: `Bearer ${TOKEN}` }, expect: { json: { retries: { warn: 1, crit: 5 } } } });
    expect(p).toMatchObject({ ok: false, problems: ['json retries is missing, expected a number'] });
    expect(p.measures).toBeUndefined();
  });

  it('POST sends a JSON object body as JSON; a string body goes as written', async () => {
    const before = app.seen.length;
    const p = await probe({ name: 'post', path: '/echo', method: 'POST', body: { check: 'deep', items: [1, 2] } });
    expect(p).toMatchObject({ ok: true, status: 200 });
    expect(app.seen[before]).toMatchObject({ method: 'POST', body: '{"check":"deep","items":[1,2]}', headers: { 'content-type': 'application/json' } });
    await probe({ name: 'put', path: '/echo', method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: 'ping' });
    expect(app.seen[before + 1]).toMatchObject({ method: 'PUT', body: 'ping', headers: { 'content-type': 'text/plain', 'content-length': '4' } });
  });

  it('a redirect is reported unless followRedirects: true; 303 turns a POST into a GET without its body', async () => {
    expect(await probe({ name: 'm', path: '/moved' })).toMatchObject({
      ok: false,
      status: 302,
      problems: ['status 302, expected 2xx (redirects to /echo; probe that URL instead, or set followRedirects: true)'],
    });
    expect(await probe({ name: 'm', path: '/moved', followRedirects: true })).toMatchObject({ ok: true, status: 200, fields: { status: 'healthy' } });
    const before = app.seen.length;
    await probe({ name: 'm', path: '/see-other', method: 'POST', body: { a: 1 }, followRedirects: true });
    expect(app.seen.slice(before).map((s) => [s.method, s.path, s.body, s.headers['content-type'] ?? ''])).toEqual([
      ['POST', '/see-other', '{"a":1}', 'application/json'],
      ['GET', '/echo', '', ''],
    ]);
    expect((await probe({ name: 'm', path: '/loop', followRedirects: true })).problems).toEqual(['status 302, expected 2xx (still redirecting after 5 redirects, to /loop)']);
  });

  it('a redirect to another origin does not carry the configured headers there', async () => {
    const p = await probe({ name: 'x', path: '/elsewhere', followRedirects: true, headers: { Authorization: `Bearer ${TOKEN}`, 'X-Team': 'ops' } });
    expect(p).toMatchObject({ ok: true, status: 200 });
    const landed = other.seen.at(-1)!;
    expect(landed.path).toBe('/landing');
    expect(landed.headers.authorization).toBeUndefined();
    expect(landed.headers['x-team']).toBeUndefined();
  });

  it('opsdeck check: a bearer probe with dlq above crit is critical naming dlq, exit 2, and the token appears in no output nor the state dir', async () => {
    const file = join(dir, 'opsdeck.yaml');
    // OPS_KEY does not sound secret: being used in a header is what makes it one
    writeFileSync(
      file,
      [
        'environments:',
        '  prod:',
        '    http:',
        '      - name: queue',
        `        url: ${app.base}/ops/queue_health`,
        '        method: GET',
        '        headers: { Authorization: "Bearer ${OPS_KEY}" }',
        '        expect: { status: 200, json: { dlq: { warn: 10, crit: 100 } } }',
        '      - name: denied',
        `        url: ${app.base}/ops/queue_health`,
        '        headers: { Authorization: "Bearer ${OPS_KEY}-wrong" }',
        '',
      ].join('\n'),
    );
    const state = join(dir, 'state');
    const env = { HOME: dir, OPSDECK_STATE_DIR: state, OPS_KEY: TOKEN };
    const text = await opsdeckAsync(['check', '--config', file], env);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/prod\/queue dlq.*json dlq is 150, at or above crit 100/);
    expect(text.stdout).toMatch(/prod\/denied.*status 401/);
    const json = await opsdeckAsync(['check', '--config', file, '--format', 'json'], env);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).findings.find((f: { subject: string }) => f.subject === 'prod/queue dlq')).toMatchObject({ severity: 'crit', checkId: 'health.json' });
    // the server saw the token, so it was sent
    expect(app.seen.some((s) => s.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    // check keeps its last run there: the report it writes is searched too
    expect(filesUnder(state).length).toBeGreaterThan(0);
    const outputs = [text.stdout, text.stderr, json.stdout, json.stderr, ...filesUnder(state).map((f) => f.text)];
    for (const out of outputs) expect(out).not.toContain(TOKEN);
  });
});
