// `opsdeck check --env all` (the built binary) against one moto server in two
// regions, one environment assuming a role (moto's STS AssumeRole), and one
// whose profile has no credentials. Keys come from a shared credentials file's
// profiles; AWS_ENDPOINT_URL points every client at moto (the SDK reads a
// profile's endpoint_url only for AWS_PROFILE, not for a client's profile).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { getIdentity } from '../../src/sources/aws/identity.js';
import { defaultSessionName } from '../../src/sources/aws/assumeRole.js';
import { reportProblems } from '../../src/checks/reportSchema.js';
import { startMoto, type Moto } from '../support/moto.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
const ROLE = 'arn:aws:iam::123456789012:role/opsdeck-read';
const EAST = { region: 'us-east-1', cluster: 'east', desired: 2 };
// moto runs 2 of every service (MOTO_ECS_SERVICE_RUNNING): 3 desired is a shortfall, in the west only
const WEST = { region: 'eu-west-1', cluster: 'west', desired: 3 };

let moto: Moto;
let tmp: string;
let env: Record<string, string>;
const direct: AwsContext[] = [];

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function seed(where: { region: string; cluster: string; desired: number }): Promise<AwsContext> {
  const ctx = createAwsContext({ config: { region: where.region }, env: {}, sdk: moto.sdk });
  direct.push(ctx);
  const ecs = await ctx.sdk('ecs');
  const client = await ctx.ecs();
  await client.send(new ecs.CreateClusterCommand({ clusterName: where.cluster }));
  await client.send(new ecs.RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'web:1', memory: 256 }] }));
  await client.send(new ecs.CreateServiceCommand({ cluster: where.cluster, serviceName: 'api', taskDefinition: 'web:1', desiredCount: where.desired }));
  return ctx;
}

beforeAll(async () => {
  moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: '2' });
  await seed(EAST);
  await seed(WEST);
  tmp = mkdtempSync(join(tmpdir(), 'opsdeck-fleet-'));
  writeFileSync(join(tmp, 'aws-config'), '[profile moto]\n');
  writeFileSync(join(tmp, 'aws-credentials'), '[moto]\naws_access_key_id = test\naws_secret_access_key = test\n');
  writeFileSync(
    join(tmp, 'opsdeck.yaml'),
    [
      'environments:',
      '  east:',
      `    aws: { region: ${EAST.region}, profile: moto }`,
      `    ecs: [{ cluster: ${EAST.cluster} }]`,
      '  west:',
      `    aws: { region: ${WEST.region}, profile: moto, assumeRole: { arn: "${ROLE}", externalId: fleet-test } }`,
      `    ecs: [{ cluster: ${WEST.cluster} }]`,
      '  broken:',
      `    aws: { region: ${EAST.region}, profile: nobody }`,
      `    ecs: [{ cluster: ${EAST.cluster} }]`,
      '',
    ].join('\n'),
  );
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))) as Record<string, string>;
  env = { ...base, NO_COLOR: '1', AWS_CONFIG_FILE: join(tmp, 'aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'aws-credentials'), AWS_ENDPOINT_URL: moto.endpoint, OPSDECK_STATE_DIR: join(tmp, 'state') };
}, 60_000);

afterAll(async () => {
  for (const c of direct) c.close();
  await moto?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface Section {
  environment: string;
  status: string;
  exitCode: number;
  identity?: string;
  error?: string;
  report?: { findings: { checkId: string; severity: string; figure?: string; ref: { name: string; cluster?: string } }[] };
}

async function shortfallFigure(ctx: AwsContext, cluster: string): Promise<string> {
  const ecs = await ctx.sdk('ecs');
  const out = await (await ctx.ecs()).send(new ecs.DescribeServicesCommand({ cluster, services: ['api'] }));
  const s = out.services?.[0];
  return `${s?.runningCount}/${s?.desiredCount} running`;
}

describe('check --env all', () => {
  it('prints one JSON report with a section per environment, the figures AWS gives, and the worst exit code', async () => {
    const r = await run(['--config', join(tmp, 'opsdeck.yaml'), 'check', '--env', 'all', '--format', 'json', '--timeout', '5s']);
    const doc = JSON.parse(r.stdout) as { kind: string; status: string; exitCode: number; environments: Section[] };
    expect(reportProblems(doc)).toEqual([]);
    expect(doc.kind).toBe('fleet');
    expect(doc.environments.map((s) => s.environment)).toEqual(['east', 'west', 'broken']);
    const [east, west, broken] = doc.environments as [Section, Section, Section];

    for (const [section, where, ctx] of [[east, EAST, direct[0]], [west, WEST, direct[1]]] as const) {
      const f = section.report?.findings.find((x) => x.checkId === 'ecs.running-below-desired' && x.ref.cluster === where.cluster);
      expect(f?.figure).toBe(await shortfallFigure(ctx as AwsContext, where.cluster));
    }
    expect(east.status).toBe('ok');
    expect(['warn', 'crit']).toContain(west.status);

    // the west environment acts as the role, named for the operator
    expect(west.identity).toBe(`arn:aws:sts::123456789012:assumed-role/opsdeck-read/${defaultSessionName(userInfo().username)}`);
    expect(defaultSessionName(userInfo().username)).toMatch(/^opsdeck-[\w+=,.@-]+$/);
    expect(east.identity).not.toContain('assumed-role');

    // credentials that cannot be had are one unknown line, not a crash and not a report full of unknowns
    expect(broken.status).toBe('unknown');
    expect(broken.report).toBeUndefined();
    expect(broken.error).toMatch(/profile nobody/);

    // unknown (3) outranks nothing here: crit > unknown > warn, as in a single check
    const expected = west.status === 'crit' ? 2 : 3;
    expect(doc.exitCode).toBe(expected);
    expect(r.code).toBe(expected);
  }, 60_000);

  it('takes a list, and the text report has a section per environment ending with the fleet verdict', async () => {
    const r = await run(['--config', join(tmp, 'opsdeck.yaml'), 'check', '--env', 'east,west', '--timeout', '5s']);
    expect(r.stdout).toMatch(/── ✓ east · OK · arn:aws:/);
    expect(r.stdout).toMatch(/── [⚠✗] west · (WARN|CRIT) · arn:aws:sts::123456789012:assumed-role\/opsdeck-read\//);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^FLEET (WARN|CRIT): 1 (warn|crit), 1 ok$/);
    expect([1, 2]).toContain(r.code);
  }, 60_000);

  it('with --demo, the sandbox joins the fleet as "demo"', async () => {
    const r = await run(['--config', join(tmp, 'opsdeck.yaml'), '--demo', 'check', '--env', 'east,demo', '--format', 'json', '--timeout', '5s']);
    const doc = JSON.parse(r.stdout) as { environments: Section[] };
    expect(doc.environments.map((s) => [s.environment, s.status])).toEqual([['east', 'ok'], ['demo', 'ok']]);
    expect(r.code).toBe(0);
  }, 60_000);

  it('names an unknown environment and how to fix it', async () => {
    const r = await run(['--config', join(tmp, 'opsdeck.yaml'), 'check', '--env', 'east,nope,demo']);
    expect(r.stderr.trim()).toBe('opsdeck: --env: unknown environments "nope", "demo" (add --demo for the sandbox); known: east, west, broken');
    expect(r.code).toBe(78);
  });

  it('the identity of an assumed role is the role session (direct, through the context)', async () => {
    const ctx = createAwsContext({ config: { region: WEST.region, assumeRole: { arn: ROLE, sessionName: 'ci-run' } }, env: {}, sdk: moto.sdk });
    try {
      expect((await getIdentity(ctx)).arn).toBe('arn:aws:sts::123456789012:assumed-role/opsdeck-read/ci-run');
    } finally {
      ctx.close();
    }
  });
});
