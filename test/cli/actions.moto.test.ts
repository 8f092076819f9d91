// The built CLI against moto: `opsdeck scale|rollback|redeploy` and `opsdeck
// check` as a script would run them, with the SDK pointed at a counting proxy
// in front of moto (AWS_ENDPOINT_URL) and dummy keys. The proxy runs in this
// process, so the binary is spawned asynchronously (run.ts's spawnSync would
// block the proxy's event loop).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';
import { startCountingProxy, type CountingProxy } from '../support/countingProxy.js';

const CLUSTER = 'prod';
const SERVICES = Array.from({ length: 25 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
const REVISIONS = [
  { tag: '1.0.0', env: ['LOG_LEVEL', 'DATABASE_URL'] },
  { tag: '1.1.0', env: ['LOG_LEVEL', 'DATABASE_URL', 'FEATURE_FLAGS'] },
  { tag: '1.2.0', env: ['LOG_LEVEL', 'DB_URL', 'FEATURE_FLAGS', 'CACHE_URL'] },
];
const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;

let moto: Moto;
let proxy: CountingProxy;
let direct: AwsContext;
let tmp: string;
let state: string;
let config: string;
let protectedConfig: string;

beforeAll(async () => {
  moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: '2' });
  proxy = await startCountingProxy(moto.endpoint);
  direct = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
});
afterAll(async () => {
  direct?.close();
  await proxy?.close();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  await seedFleet();
  proxy.clear();
  tmp = mkdtempSync(join(tmpdir(), 'opsdeck-cli-moto-'));
  state = join(tmp, 'state');
  // no services listed: the cluster is open, so every service resolves to it
  config = join(tmp, 'opsdeck.yaml');
  writeFileSync(config, `environments:\n  moto:\n    aws:\n      region: ${MOTO_REGION}\n    ecs:\n      - cluster: ${CLUSTER}\n`);
  protectedConfig = join(tmp, 'protected.yaml');
  writeFileSync(protectedConfig, `environments:\n  moto:\n    protected: true\n    aws:\n      region: ${MOTO_REGION}\n    ecs:\n      - cluster: ${CLUSTER}\n`);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

async function seedFleet(): Promise<void> {
  const ecs = await direct.sdk('ecs');
  const client = await direct.ecs();
  await client.send(new ecs.CreateClusterCommand({ clusterName: CLUSTER }));
  for (const r of REVISIONS) {
    await client.send(
      new ecs.RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: `registry.example.com/web:${r.tag}`, memory: 512, environment: r.env.map((name) => ({ name, value: 'x' })) }],
      }),
    );
  }
  for (const serviceName of SERVICES) {
    await client.send(new ecs.CreateServiceCommand({ cluster: CLUSTER, serviceName, taskDefinition: 'web:3', desiredCount: 2 }));
  }
}

async function motoService(name: string) {
  const ecs = await direct.sdk('ecs');
  const s = (await (await direct.ecs()).send(new ecs.DescribeServicesCommand({ cluster: CLUSTER, services: [name] }))).services?.[0];
  return { desired: s?.desiredCount, running: s?.runningCount, taskDefinition: (s?.taskDefinition ?? '').split('/').pop(), deployment: s?.deployments?.[0]?.id };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built binary with no terminal, the SDK aimed at the proxy, and nothing of the host's AWS setup. */
function opsdeck(args: string[]): Promise<Run> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const k of Object.keys(env)) if (k.startsWith('AWS_') || k === 'OPSDECK_CONFIG') delete env[k];
  Object.assign(env, {
    NO_COLOR: '1',
    OPSDECK_STATE_DIR: state,
    AWS_ENDPOINT_URL: proxy.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: join(tmp, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end();
    // inside the test's own timeout, so a hung run fails with its output rather than as a timeout
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const journal = (): { phase: string; outcome: string | null; phraseAccepted: boolean | null; target: string; operator: { awsArn?: string } }[] => {
  try {
    return readFileSync(join(state, 'audit.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
};
const on = (file = config) => ['--config', file, '--env', 'moto'];

describe('opsdeck scale / rollback / redeploy against moto', () => {
  it('scale --dry-run --json prints the plan; no UpdateService reaches moto', async () => {
    const r = await opsdeck(['scale', 'svc-03', '0', ...on(), '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan).toMatchObject({ action: 'scale', tier: 'destructive', phrase: 'svc-03', environment: 'moto', summary: 'moto / cluster prod / service svc-03: desiredCount 2 → 0; running 2' });
    expect(plan.calls).toEqual([{ api: 'ecs:UpdateService', params: { cluster: CLUSTER, service: 'svc-03', desiredCount: 0 } }]);
    // who we are (STS, through the proxy too), the one read the plan needs, and whether autoscaling could undo it
    expect(proxy.counts()).toEqual({ GetCallerIdentity: 1, DescribeServices: 1, DescribeScalableTargets: 1 });
    expect(await motoService('svc-03')).toMatchObject({ desired: 2 });
    expect(journal()).toEqual([]);
  });

  it('scale --confirm svc-03 scales it, leaves two journal records, and audit --verify accepts them', async () => {
    const r = await opsdeck(['scale', 'svc-03', '0', ...on(), '--confirm', 'svc-03', '--json']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'done', verified: true });
    expect(proxy.calls('UpdateService').map((c) => c.input)).toEqual([{ cluster: CLUSTER, service: 'svc-03', desiredCount: 0 }]);
    // plan (with its autoscaling read), re-read under the lock, the call, the verification read
    expect(proxy.counts()).toEqual({ GetCallerIdentity: 1, DescribeServices: 3, DescribeScalableTargets: 1, UpdateService: 1 });
    expect(await motoService('svc-03')).toMatchObject({ desired: 0, running: 0 });
    expect(journal().map((l) => [l.phase, l.outcome, l.target, l.operator.awsArn])).toEqual([
      ['intent', null, 'moto/svc-03', 'arn:aws:sts::123456789012:user/moto'],
      ['outcome', 'ok', 'moto/svc-03', 'arn:aws:sts::123456789012:user/moto'],
      ['verify', 'ok', 'moto/svc-03', 'arn:aws:sts::123456789012:user/moto'],
    ]);
    const v = await opsdeck(['audit', '--verify']);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('3 records, chain intact');
  });

  it('rollback shows the revision diff, then rolls back to the previous revision and --to one', async () => {
    const dry = await opsdeck(['rollback', 'svc-04', ...on(), '--to', '1', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('change   taskDefinition: web:3 → web:1');
    expect(dry.stdout).toContain('note     app image: 1.2.0 → 1.0.0');
    expect(dry.stdout).toContain('note     app env removed: CACHE_URL, DB_URL, FEATURE_FLAGS');
    expect(proxy.count('UpdateService')).toBe(0);

    // moto starts no new deployment for a new task definition, so the watch never sees one PRIMARY: the call succeeds,
    // verification says it did not see the rollout within the timeout, exit 2 (actions.verify.mock.test.ts has the done path)
    const prev = await opsdeck(['rollback', 'svc-04', ...on(), '--confirm', 'svc-04', '--timeout', '1s']);
    expect(prev.code, prev.stderr + prev.stdout).toBe(2);
    expect(prev.stdout).toMatch(/^failed: Roll back moto\/svc-04 to web:2: the call succeeded but after 1 s running 2\/2/);
    expect(await motoService('svc-04')).toMatchObject({ taskDefinition: 'web:2' });

    const to = await opsdeck(['rollback', 'svc-04', ...on(), '--to', '1', '--confirm', 'svc-04', '--timeout', '1s']);
    expect(to.code, to.stderr + to.stdout).toBe(2);
    expect(await motoService('svc-04')).toMatchObject({ taskDefinition: 'web:1' });
    expect(proxy.calls('UpdateService').map((c) => c.input.taskDefinition)).toEqual(['web:2', 'web:1']);
    expect(journal().map((l) => [l.phase, l.outcome])).toEqual([['intent', null], ['outcome', 'ok'], ['verify', 'failed'], ['intent', null], ['outcome', 'ok'], ['verify', 'failed']]);
    expect((await opsdeck(['audit', '--verify'])).code).toBe(0);
  });

  it('redeploy --confirm y starts a new deployment of the same revision', async () => {
    const before = await motoService('svc-06');
    const r = await opsdeck(['redeploy', 'svc-06', ...on(), '--confirm', 'y', '--json']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'done', verified: true, plan: { tier: 'reversible', phrase: 'y' } });
    expect(proxy.calls('UpdateService').map((c) => c.input)).toEqual([{ cluster: CLUSTER, service: 'svc-06', forceNewDeployment: true }]);
    const after = await motoService('svc-06');
    expect(after.deployment).not.toBe(before.deployment);
    expect(after.taskDefinition).toBe('web:3');
    expect((await opsdeck(['audit', '--verify'])).stdout).toContain('3 records, chain intact');
  });

  it.each([
    ['scale', 'svc-03', '0', '--confirm', 'svc-03'],
    ['rollback', 'svc-03', '--confirm', 'svc-03'],
    ['redeploy', 'svc-03', '--confirm', 'y'],
  ])('--read-only %s: exit 1 and no mutating call', async (...args) => {
    const r = await opsdeck([...args, ...on(), '--read-only']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^refused: moto is read-only: .* \(to act, restart without --read-only\)$/m);
    expect(proxy.count('DescribeServices')).toBeGreaterThanOrEqual(1);
    expect(proxy.mutating()).toEqual([]);
    expect(await motoService('svc-03')).toMatchObject({ desired: 2, taskDefinition: 'web:3' });
    expect(journal().map((l) => [l.phase, l.outcome])).toEqual([['refusal', 'refused']]);
  });

  it('a protected environment asks for moto/svc-03 and is read-only without --write', async () => {
    const dry = await opsdeck(['scale', 'svc-03', '0', ...on(protectedConfig), '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).phrase).toBe('moto/svc-03');

    const noWrite = await opsdeck(['scale', 'svc-03', '0', ...on(protectedConfig), '--confirm', 'moto/svc-03']);
    expect(noWrite.code).toBe(1);
    expect(noWrite.stdout).toMatch(/^refused: moto is read-only/);

    const bare = await opsdeck(['scale', 'svc-03', '0', ...on(protectedConfig), '--write', '--confirm', 'svc-03']);
    expect(bare.code).toBe(1);
    expect(bare.stdout).toContain('refused: the confirmation "svc-03" is not "moto/svc-03"');
    expect(proxy.mutating()).toEqual([]);
    expect(await motoService('svc-03')).toMatchObject({ desired: 2 });

    const ok = await opsdeck(['scale', 'svc-03', '0', ...on(protectedConfig), '--write', '--confirm', 'moto/svc-03']);
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    expect(proxy.mutating().map((c) => c.operation)).toEqual(['UpdateService']);
    expect(await motoService('svc-03')).toMatchObject({ desired: 0 });
    expect(journal().map((l) => [l.phase, l.outcome, l.phraseAccepted])).toEqual([
      ['refusal', 'refused', true],
      ['refusal', 'refused', false],
      ['intent', null, true],
      ['outcome', 'ok', true],
      ['verify', 'ok', true],
    ]);
  });
});

describe('opsdeck check against moto', () => {
  it('--format json lists findings for all 25 services, reading only', async () => {
    const r = await opsdeck(['check', ...on(), '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.environment).toBe('moto');
    const running = report.findings.filter((f: { checkId: string }) => f.checkId === 'ecs.running-below-desired');
    expect(running.map((f: { subject: string }) => f.subject)).toEqual(SERVICES.map((s) => `moto/${s}`));
    expect(running.every((f: { severity: string; figure: string }) => f.severity === 'ok' && f.figure === '2/2 running')).toBe(true);
    const unknown = report.findings.filter((f: { severity: string }) => f.severity === 'unknown');
    expect(unknown, JSON.stringify(unknown)).toEqual([]);
    expect(r.code).toBe(0);
    expect(proxy.count('ListServices')).toBeGreaterThanOrEqual(1);
    expect(proxy.mutating()).toEqual([]);
  });
});
