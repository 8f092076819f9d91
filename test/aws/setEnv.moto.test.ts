// `opsdeck set-env` as a script runs it, against moto: the new revision is read
// back with DescribeTaskDefinition (what `aws ecs describe-task-definition`
// calls) and compared field by field with the one it was copied from, and the
// service is read back pointing at it. The values typed must be in that
// revision and nowhere else: not in the dry-run JSON, the output, or the
// journal in the state directory. moto starts no new deployment for a new task
// definition, so the watch times out (exit 2, "the call succeeded"); the
// sandbox test (test/actions/setEnv.test.ts) has the done path.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';
import { opsdeck } from '../cli/run.js';

const CLUSTER = 'prod';
const OLD_TOKEN = 'old-token-5a4b3c2d1e';
const NEW_TOKEN = 'new-token-0f9e8d7c6b';
const NEW_URL = 'https://flags.internal/v2?key=zz-top-secret';

let moto: Moto;
let direct: AwsContext;
let tmp: string;
let state: string;
let config: string;

beforeAll(async () => {
  moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: '2' });
  direct = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
});
afterAll(async () => {
  direct?.close();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  await seed();
  tmp = mkdtempSync(join(tmpdir(), 'opsdeck-setenv-moto-'));
  state = join(tmp, 'state');
  config = join(tmp, 'opsdeck.yaml');
  writeFileSync(config, `environments:\n  moto:\n    aws:\n      region: ${MOTO_REGION}\n    ecs:\n      - cluster: ${CLUSTER}\n`);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const ecs = async () => ({ sdk: await direct.sdk('ecs'), client: await direct.ecs() });

/** A revision with most of what RegisterTaskDefinition takes, two containers, a secret, and tags. */
async function seed(): Promise<void> {
  const { sdk, client } = await ecs();
  await client.send(new sdk.CreateClusterCommand({ clusterName: CLUSTER }));
  await client.send(
    new sdk.RegisterTaskDefinitionCommand({
      family: 'web',
      taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
      executionRoleArn: 'arn:aws:iam::123456789012:role/web-exec',
      networkMode: 'bridge',
      cpu: '512',
      memory: '1024',
      pidMode: 'task',
      ipcMode: 'none',
      volumes: [{ name: 'data', host: { sourcePath: '/srv/data' } }],
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }],
      requiresCompatibilities: ['EC2'],
      runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
      tags: [{ key: 'team', value: 'payments' }],
      containerDefinitions: [
        {
          name: 'app',
          image: 'registry.example.com/web:1.2.0',
          essential: true,
          memory: 512,
          cpu: 256,
          portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
          mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: false }],
          environment: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'API_TOKEN', value: OLD_TOKEN },
            { name: 'LEGACY_MODE', value: 'on' },
            { name: 'PORT', value: '8080' },
          ],
          secrets: [{ name: 'DATABASE_URL', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db' }],
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': MOTO_REGION } },
        },
        { name: 'proxy', image: 'envoyproxy/envoy:v1.30', essential: false, memory: 128, environment: [{ name: 'ENVOY_UID', value: '0' }] },
      ],
    }),
  );
  await client.send(new sdk.CreateServiceCommand({ cluster: CLUSTER, serviceName: 'web', taskDefinition: 'web:1', desiredCount: 2 }));
}

async function describeTd(ref: string): Promise<{ td: TaskDefinition; tags: unknown }> {
  const { sdk, client } = await ecs();
  const out = await client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] }));
  return { td: out.taskDefinition!, tags: out.tags };
}

async function serviceTd(): Promise<string | undefined> {
  const { sdk, client } = await ecs();
  const s = (await client.send(new sdk.DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }))).services?.[0];
  return s?.taskDefinition?.split('/').pop();
}

/** What identifies a revision rather than its content. */
function content(td: TaskDefinition): Record<string, unknown> {
  const { taskDefinitionArn: _a, revision: _r, registeredAt: _t, registeredBy: _b, ...rest } = td;
  return rest;
}

const cli = (args: string[]) =>
  opsdeck([...args, '--config', config, '--env', 'moto'], {
    env: {
      OPSDECK_STATE_DIR: state,
      OPSDECK_CONFIG: undefined,
      AWS_PROFILE: undefined,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_CONFIG_FILE: join(tmp, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  });

const journalText = () => {
  try {
    return readFileSync(join(state, 'audit.jsonl'), 'utf8');
  } catch {
    return '';
  }
};

describe('opsdeck set-env against moto', () => {
  it('registers web:2 with exactly the edited variables and every other field of web:1, and points the service at it', async () => {
    const edit = ['set-env', 'web', `API_TOKEN=${NEW_TOKEN}`, `FLAGS_URL=${NEW_URL}`, 'LOG_LEVEL=info', '--unset', 'LEGACY_MODE'];
    const dry = cli([...edit, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan).toMatchObject({ action: 'set-env', tier: 'destructive', phrase: 'web', target: { display: 'moto/web' } });
    expect(plan.summary).toBe('moto / cluster prod / service web: container app of web:1: add 1, change 1, remove 1; 2 unchanged; registers web:2 and deploys it; desired 2, running 2');
    expect(plan.calls).toEqual([
      { api: 'ecs:RegisterTaskDefinition', params: { family: 'web', copyOf: 'web:1', container: 'app', added: ['FLAGS_URL'], changed: ['API_TOKEN'], removed: ['LEGACY_MODE'] } },
      { api: 'ecs:UpdateService', params: { cluster: CLUSTER, service: 'web', taskDefinition: 'web:2' } },
    ]);
    for (const secret of [NEW_TOKEN, OLD_TOKEN, 'zz-top-secret', 'flags.internal']) expect(dry.stdout + dry.stderr).not.toContain(secret);
    // a dry run registers nothing and journals nothing
    expect(await serviceTd()).toBe('web:1');
    await expect(describeTd('web:2')).rejects.toThrow();
    expect(journalText()).toBe('');

    const run = cli([...edit, '--confirm', 'web', '--timeout', '1s']);
    expect(run.code, run.stderr + run.stdout).toBe(2);
    expect(run.stdout).toMatch(/^failed: Set environment of moto\/web \(app\): the call succeeded but after 1 s /);
    expect(await serviceTd()).toBe('web:2');

    const [before, after] = await Promise.all([describeTd('web:1'), describeTd('web:2')]);
    expect(after.td.revision).toBe(2);
    const [app, proxy] = after.td.containerDefinitions!;
    // LOG_LEVEL was set to the value it had: kept in its place; API_TOKEN changed in place; FLAGS_URL appended
    expect(app!.environment).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'API_TOKEN', value: NEW_TOKEN },
      { name: 'PORT', value: '8080' },
      { name: 'FLAGS_URL', value: NEW_URL },
    ]);
    // everything else, the other container and the tags included, is web:1's
    const strip = (td: TaskDefinition) => ({ ...content(td), containerDefinitions: td.containerDefinitions!.map((c) => (c.name === 'app' ? { ...c, environment: [] } : c)) });
    expect(strip(after.td)).toEqual(strip(before.td));
    expect(proxy!.environment).toEqual([{ name: 'ENVOY_UID', value: '0' }]);
    expect(after.tags).toEqual([{ key: 'team', value: 'payments' }]);
    // moto keeps these, so the comparison above covers them: not a match of two empty records
    expect(after.td).toMatchObject({
      taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
      executionRoleArn: 'arn:aws:iam::123456789012:role/web-exec',
      networkMode: 'bridge',
      cpu: '512',
      memory: '1024',
      pidMode: 'task',
      ipcMode: 'none',
      volumes: [{ name: 'data', host: { sourcePath: '/srv/data' } }],
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }],
      requiresCompatibilities: ['EC2'],
      runtimePlatform: { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' },
    });
    expect(app).toMatchObject({ secrets: [{ name: 'DATABASE_URL' }], mountPoints: [{ sourceVolume: 'data' }], logConfiguration: { logDriver: 'awslogs' }, portMappings: [{ containerPort: 8080 }] });

    const journal = journalText();
    expect(journal.split('\n').filter(Boolean).map((l) => JSON.parse(l).phase)).toEqual(['intent', 'progress', 'outcome', 'verify']);
    expect(journal).toContain('registered web:2 (a copy of web:1)');
    for (const secret of [NEW_TOKEN, OLD_TOKEN, 'zz-top-secret', 'flags.internal']) {
      expect(journal).not.toContain(secret);
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
    expect(cli(['audit', '--verify']).code).toBe(0);
  });

  it('--container proxy edits the sidecar only', async () => {
    const run = cli(['set-env', 'web', 'ENVOY_LOG=debug', '--container', 'proxy', '--confirm', 'web', '--timeout', '1s']);
    expect(run.stdout, run.stderr).toMatch(/the call succeeded/);
    const { td } = await describeTd('web:2');
    expect(td.containerDefinitions!.map((c) => [c.name, c.environment!.map((e) => e.name)])).toEqual([
      ['app', ['LOG_LEVEL', 'API_TOKEN', 'LEGACY_MODE', 'PORT']],
      ['proxy', ['ENVOY_UID', 'ENVOY_LOG']],
    ]);
  });

  it('refuses a secret and a bad name without registering anything, and never echoes a value', async () => {
    const secret = cli(['set-env', 'web', `DATABASE_URL=postgres://app:${NEW_TOKEN}@db/app`, '--confirm', 'web']);
    expect(secret.code).toBe(1);
    expect(secret.stdout).toContain("DATABASE_URL comes from secrets (valueFrom) in container app of web:1: opsdeck doesn't change secrets");
    const bad = cli(['set-env', 'web', `my-var=${NEW_TOKEN}`, '--confirm', 'web']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toBe('opsdeck: "my-var" is not a variable name: letters, digits and _, not starting with a digit\n');
    const bare = cli(['set-env', 'web', NEW_TOKEN]);
    expect(bare.code).toBe(64);
    for (const r of [secret, bad, bare]) expect(r.stdout + r.stderr).not.toContain(NEW_TOKEN);
    await expect(describeTd('web:2')).rejects.toThrow();
    expect(await serviceTd()).toBe('web:1');
  });
});
