// TLS probes against a local https server whose certificates openssl makes here, with the lifetimes under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHealthSource, type HttpProbeConfig } from '../../src/sources/http/index.js';
import { evaluateChecks } from '../../src/checks/evaluate.js';
import { makeCa, issueLeaf, type TestCa } from './certs.js';
import { recordingServer, sendJson, type Recording } from './servers.js';
import { opsdeckAsync } from './cli.js';

let dir: string;
let ca: TestCa;
let soon: Recording;
let later: Recording;
const ok = { '/health': (_req: unknown, res: Parameters<typeof sendJson>[0]) => sendJson(res, 200, { status: 'healthy' }) };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-tls-'));
  ca = makeCa(dir);
  soon = await recordingServer(ok, issueLeaf(ca, 'soon', 2));
  later = await recordingServer(ok, issueLeaf(ca, 'later', 10));
});
afterAll(async () => {
  await soon?.close();
  await later?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function probe(cfg: HttpProbeConfig) {
  const source = createHealthSource([cfg], { baseDir: dir });
  try {
    return (await source.probe(new AbortController().signal)).probes[0]!;
  } finally {
    await source.close();
  }
}

const findingsFor = (p: Awaited<ReturnType<typeof probe>>) => evaluateChecks({ health: { probes: [p] } }, {}, { env: 'prod', now: Date.now() });

describe('https probes read the certificate', () => {
  it('a certificate expiring in 2 days, trusted through tls.ca (relative to the config): critical, with issuer and expiry', async () => {
    const p = await probe({ name: 'api', url: `${soon.base}/health`, tls: { ca: 'ca.pem' } });
    expect(p).toMatchObject({ ok: true, status: 200 });
    expect(p.tls).toMatchObject({ subject: 'localhost', issuer: 'Opsdeck Test R3', warnDays: 14, critDays: 3 });
    expect(p.tls!.altNames).toEqual(['127.0.0.1', 'localhost']);
    const days = (p.tls!.validTo - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(1.9);
    expect(days).toBeLessThanOrEqual(2);
    const tls = findingsFor(p).find((f) => f.checkId === 'health.tls')!;
    expect(tls).toMatchObject({ severity: 'crit', subject: 'prod/api tls', figure: '1d left' });
    expect(tls.message).toMatch(/^certificate for localhost from Opsdeck Test R3 expires in 1 day \(\d{4}-\d\d-\d\d\); crit at 3 days$/);
  });

  it('10 days left warns at the default 14, and is fine when the config says warnDays: 7', async () => {
    const p = await probe({ name: 'api', url: `${later.base}/health`, tls: { ca: join(dir, 'ca.pem') } });
    expect(findingsFor(p).find((f) => f.checkId === 'health.tls')).toMatchObject({ severity: 'warn', figure: '9d left' });
    const relaxed = await probe({ name: 'api', url: `${later.base}/health`, tls: { ca: 'ca.pem', warnDays: 7, critDays: 2 } });
    expect(findingsFor(relaxed).find((f) => f.checkId === 'health.tls')).toMatchObject({ severity: 'ok' });
  });

  it('a certificate nobody vouches for is an error that says so; insecure accepts it and still grades its expiry', async () => {
    const p = await probe({ name: 'api', url: `${soon.base}/health` });
    expect(p).toMatchObject({ ok: false, status: null, problems: ['TLS certificate cannot be verified: untrusted (set tls.ca to the PEM of the CA that issued it)'] });
    // nothing was sent to a server we could not verify
    expect(soon.seen.filter((s) => s.path === '/health')).toHaveLength(1);
    const insecure = await probe({ name: 'api', url: `${soon.base}/health`, tls: { insecure: true } });
    expect(insecure).toMatchObject({ ok: true, tls: { issuer: 'Opsdeck Test R3' } });
  });

  it('a tls.ca that cannot be read is the probe\'s problem, named by its path', async () => {
    const p = await probe({ name: 'api', url: `${soon.base}/health`, tls: { ca: 'nope.pem' } });
    expect(p.ok).toBe(false);
    expect(p.problems[0]).toMatch(/^tls\.ca nope\.pem cannot be read: .*(ENOENT|no such file)/);
  });

  it('opsdeck check against the 2-day certificate reports it critical, exit 2', async () => {
    const file = join(dir, 'opsdeck.yaml');
    writeFileSync(file, `environments:\n  prod:\n    http:\n      - name: api\n        url: ${soon.base}/health\n        tls: { ca: ./ca.pem }\n`);
    const r = await opsdeckAsync(['check', '--config', file], { HOME: dir, OPSDECK_STATE_DIR: join(dir, 'state') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/prod\/api tls.*certificate for localhost from Opsdeck Test R3 expires in 1 day/);
    const json = await opsdeckAsync(['check', '--config', file, '--format', 'json'], { HOME: dir, OPSDECK_STATE_DIR: join(dir, 'state') });
    const report = JSON.parse(json.stdout) as { findings: { checkId: string; severity: string; subject: string }[] };
    expect(report.findings.find((f) => f.checkId === 'health.tls')).toMatchObject({ severity: 'crit', subject: 'prod/api tls' });
  });
});
