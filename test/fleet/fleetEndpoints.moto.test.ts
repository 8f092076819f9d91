// `opsdeck check --env a,b` (the built binary) against two moto servers: the
// environment `b` names its own endpoint (`aws.endpoint`), `a` has none and
// takes AWS_ENDPOINT_URL. Both servers hold a cluster `shop` with a service
// `api`, 2 running of every service (MOTO_ECS_SERVICE_RUNNING) but 3 desired
// only on b's server: a finding in b's section and none in a's proves each
// environment's clients called its own server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { reportProblems } from '../../src/checks/reportSchema.js';
import { startMoto, type Moto } from '../support/moto.js';
import { opsdeck } from '../cli/run.js';

const REGION = 'us-east-1';

let motoA: Moto;
let motoB: Moto;
let tmp: string;
let env: Record<string, string | undefined>;
const direct: AwsContext[] = [];

// the binary's environment: no AWS_* variable of the machine running the tests
const run = (args: string[]) => opsdeck(args, { env });

function contextFor(moto: Moto): AwsContext {
  const ctx = createAwsContext({ config: { region: REGION }, env: {}, sdk: moto.sdk });
  direct.push(ctx);
  return ctx;
}

async function seed(ctx: AwsContext, desired: number): Promise<void> {
  const ecs = await ctx.sdk('ecs');
  const client = await ctx.ecs();
  await client.send(new ecs.CreateClusterCommand({ clusterName: 'shop' }));
  await client.send(new ecs.RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'web:1', memory: 256 }] }));
  await client.send(new ecs.CreateServiceCommand({ cluster: 'shop', serviceName: 'api', taskDefinition: 'web:1', desiredCount: desired }));
}

async function figure(ctx: AwsContext): Promise<string> {
  const ecs = await ctx.sdk('ecs');
  const out = await (await ctx.ecs()).send(new ecs.DescribeServicesCommand({ cluster: 'shop', services: ['api'] }));
  const s = out.services?.[0];
  return `${s?.runningCount}/${s?.desiredCount} running`;
}

beforeAll(async () => {
  [motoA, motoB] = await Promise.all([startMoto({ MOTO_ECS_SERVICE_RUNNING: '2' }), startMoto({ MOTO_ECS_SERVICE_RUNNING: '2' })]);
  await seed(contextFor(motoA), 2);
  await seed(contextFor(motoB), 3);
  tmp = mkdtempSync(join(tmpdir(), 'opsdeck-endpoints-'));
  writeFileSync(
    join(tmp, 'opsdeck.yaml'),
    [
      'environments:',
      '  a:',
      `    aws: { region: ${REGION} }`,
      '    ecs: [{ cluster: shop }]',
      '  b:',
      `    aws: { region: ${REGION}, endpoint: "${motoB.endpoint}" }`,
      '    ecs: [{ cluster: shop }]',
      '',
    ].join('\n'),
  );
  const machine = Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('AWS_')).map((k) => [k, undefined]));
  env = {
    ...machine,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: join(tmp, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'no-aws-credentials'),
    AWS_ENDPOINT_URL: motoA.endpoint,
    OPSDECK_STATE_DIR: join(tmp, 'state'),
  };
}, 60_000);

afterAll(async () => {
  for (const c of direct) c.close();
  await Promise.all([motoA?.stop(), motoB?.stop()]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Section {
  environment: string;
  status: string;
  report?: { findings: { checkId: string; severity: string; figure?: string; ref: { name: string; cluster?: string } }[] };
}

const shortfall = (s: Section) => s.report?.findings.find((f) => f.checkId === 'ecs.running-below-desired' && f.ref.cluster === 'shop');

describe('aws.endpoint: one endpoint per environment', () => {
  it('check --env a,b reads each environment from its own server into one report', async () => {
    const r = run(['--config', join(tmp, 'opsdeck.yaml'), 'check', '--env', 'a,b', '--format', 'json', '--timeout', '5s']);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { kind: string; environments: Section[]; exitCode: number };
    expect(reportProblems(doc)).toEqual([]);
    expect(doc.kind).toBe('fleet');
    expect(doc.environments.map((s) => s.environment)).toEqual(['a', 'b']);
    const [a, b] = doc.environments as [Section, Section];

    // the figures are what each server says
    const [onA, onB] = await Promise.all([figure(contextFor(motoA)), figure(contextFor(motoB))]);
    expect(onA).toBe('2/2 running');
    expect(onB).toBe('2/3 running');
    expect(shortfall(a)).toMatchObject({ severity: 'ok', figure: onA });
    expect(shortfall(b)?.figure).toBe(onB);
    expect(['warn', 'crit']).toContain(shortfall(b)?.severity);
    expect(a.status).toBe('ok');
    expect(b.status).toBe(shortfall(b)?.severity);
    expect(r.code).toBe(doc.exitCode);
  }, 60_000);

  it('the text report has both sections', async () => {
    const r = run(['--config', join(tmp, 'opsdeck.yaml'), 'check', '--env', 'a,b', '--timeout', '5s']);
    expect(r.stdout).toMatch(/── ✓ a · OK · arn:aws:/);
    expect(r.stdout).toMatch(/── [⚠✗] b · (WARN|CRIT) · arn:aws:/);
    expect(r.stdout).toContain('2/3 running');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^FLEET (WARN|CRIT): 1 (warn|crit), 1 ok$/);
  }, 60_000);

  it('a config endpoint that is not a URL is a one-line config error naming the key', async () => {
    writeFileSync(join(tmp, 'bad.yaml'), ['environments:', '  a:', '    aws: { endpoint: "127.0.0.1:5000" }', '    ecs: [{ cluster: shop }]', ''].join('\n'));
    const r = run(['--config', join(tmp, 'bad.yaml'), 'check', '--timeout', '5s']);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/aws\.endpoint/);
    expect(r.stderr).toMatch(/expected an http:\/\/ or https:\/\/ URL/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
