// `opsdeck init` through the built binary (npm run build first) against moto:
// several ECS clusters with services whose task definitions log to awslogs
// groups, RDS instances and other log groups. The config it writes must pass
// `opsdeck config validate` and run `opsdeck check` unchanged.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createAwsContext, type AwsContext } from '../../src/sources/aws/clients.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
let moto: Moto;
let direct: AwsContext;
let tmp: string;

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
  tmp = mkdtempSync(join(tmpdir(), 'opsdeck-init-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The binary with no terminal, the SDK aimed at moto, and nothing of the host's AWS or opsdeck setup. */
function opsdeck(args: string[], extra: Record<string, string> = {}): Run {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const k of Object.keys(env)) if (k.startsWith('AWS_') || k.startsWith('OPSDECK_') || k === 'XDG_CONFIG_HOME') delete env[k];
  Object.assign(env, {
    NO_COLOR: '1',
    HOME: tmp,
    OPSDECK_STATE_DIR: join(tmp, 'state'),
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: MOTO_REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: join(tmp, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  });
  const r = spawnSync(process.execPath, [BIN, ...args], { env, cwd: tmp, input: '', encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const awslogs = (group: string, region = MOTO_REGION) => ({ logDriver: 'awslogs' as const, options: { 'awslogs-group': group, 'awslogs-region': region, 'awslogs-stream-prefix': 'app' } });

async function seed(): Promise<void> {
  const ecs = await direct.sdk('ecs');
  const e = await direct.ecs();
  const logs = await direct.sdk('logs');
  const l = await direct.logs();
  const rds = await direct.sdk('rds');
  const r = await direct.rds();

  const td = async (family: string, containers: { name: string; group?: string; region?: string }[]) =>
    e.send(
      new ecs.RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: containers.map((c) => ({ name: c.name, image: `registry.example.com/${family}:1`, memory: 256, ...(c.group ? { logConfiguration: awslogs(c.group, c.region) } : {}) })),
      }),
    );
  await td('prod-api', [{ name: 'app', group: '/ecs/prod-api' }]);
  await td('prod-worker', [{ name: 'app', group: '/ecs/prod-worker' }]);
  // two containers of one service, one group; and a sidecar without awslogs
  await td('prod-web', [{ name: 'app', group: '/ecs/prod-web' }, { name: 'nginx', group: '/ecs/prod-web' }, { name: 'xray' }]);
  await td('staging-api', [{ name: 'app', group: '/ecs/staging-api' }]);
  // a group the region does not have, and one in another region
  await td('staging-jobs', [{ name: 'app', group: '/ecs/staging-jobs-missing' }, { name: 'shipper', group: '/ecs/eu-shipper', region: 'eu-west-1' }]);

  const clusters: [string, [string, string][]][] = [
    ['prod', [['api', 'prod-api:1'], ['worker', 'prod-worker:1'], ['web', 'prod-web:1']]],
    ['staging', [['api', 'staging-api:1'], ['jobs', 'staging-jobs:1']]],
    ['empty', []],
  ];
  for (const [clusterName, services] of clusters) {
    await e.send(new ecs.CreateClusterCommand({ clusterName }));
    for (const [serviceName, taskDefinition] of services) await e.send(new ecs.CreateServiceCommand({ cluster: clusterName, serviceName, taskDefinition, desiredCount: 2 }));
  }
  for (const logGroupName of ['/ecs/prod-api', '/ecs/prod-worker', '/ecs/prod-web', '/ecs/staging-api', '/aws/lambda/nightly-report', '/app/audit']) {
    await l.send(new logs.CreateLogGroupCommand({ logGroupName }));
  }
  for (const [id, engine, version] of [['app-db', 'postgres', '16.4'], ['reports-db', 'mysql', '8.0.35']] as const) {
    await r.send(new rds.CreateDBInstanceCommand({ DBInstanceIdentifier: id, Engine: engine, EngineVersion: version, DBInstanceClass: 'db.t4g.medium', AllocatedStorage: 20, MasterUsername: 'app', MasterUserPassword: 'not-a-secret-1' }));
  }
}

interface Written {
  environments: Record<string, { protected: boolean; aws?: { region?: string; profile?: string }; ecs: { cluster: string; services?: string[] }[]; rds: { instance: string }[]; logs: { group: string }[]; redis?: unknown; postgres?: unknown; http?: unknown }>;
}

describe('opsdeck init against moto', () => {
  it('--yes discovers clusters, databases and log groups and writes a config that validates and checks', async () => {
    await seed();
    const file = join(tmp, 'conf', 'opsdeck.yaml');
    const r = opsdeck(['init', '--yes', '--config', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*conf\/opsdeck\.yaml: environment default \(protected: read-only unless --write\) with 3 ECS clusters \(5 services\), 2 RDS instances, 6 log groups\n/);
    expect(r.stderr).toBe('opsdeck: looking at the AWS account (read-only: List and Describe calls only)…\n');

    const text = readFileSync(file, 'utf8');
    const config = parse(text) as Written;
    const env = config.environments.default!;
    // pointed at an account nobody described, init assumes production
    expect(env.protected).toBe(true);
    expect(env.aws).toEqual({ region: MOTO_REGION });
    expect(env.ecs).toEqual([{ cluster: 'empty' }, { cluster: 'prod' }, { cluster: 'staging' }]);
    expect(env.rds).toEqual([{ instance: 'app-db' }, { instance: 'reports-db' }]);
    // the services' groups first, in cluster and service order, then the others by name
    expect(env.logs.map((g) => g.group)).toEqual(['/ecs/prod-api', '/ecs/prod-web', '/ecs/prod-worker', '/ecs/staging-api', '/app/audit', '/aws/lambda/nightly-report']);
    expect(env.redis).toBeUndefined();
    expect(env.postgres).toBeUndefined();
    expect(env.http).toBeUndefined();

    // comments: what was found, and the entries left for later
    expect(text).toMatch(/^# opsdeck config, written by `opsdeck init`/);
    expect(text).toContain('# AWS account 123456789012 in us-east-1');
    expect(text).toContain('      # no services yet\n      - cluster: empty\n');
    expect(text).toContain('      # 3 services: api, web, worker\n      - cluster: prod\n        # services: [api, web, worker]\n');
    expect(text).toContain('      # written by prod/web\n      - group: /ecs/prod-web\n');
    expect(text).toContain('      # postgres 16.4, db.t4g.medium, available\n      - instance: app-db\n');
    expect(text).toContain('# - group: /ecs/staging-jobs-missing    # written by staging/jobs; named by a task definition but not found in this region');
    expect(text).toContain('# - group: /ecs/eu-shipper    # written by staging/jobs; in region eu-west-1, not this one');
    for (const example of ['# redis:', '#     url: ${REDIS_URL}', '# postgres:', '#     url: ${DATABASE_URL}', '# http:', '#     url: https://example.com/health']) expect(text).toContain(example);

    const validate = opsdeck(['config', 'validate', file]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toBe(`${file}: ok; environments: default (protected)\n`);

    const check = opsdeck(['check', '--config', file, '--format', 'json']);
    expect([0, 1, 2], check.stderr + check.stdout).toContain(check.code);
    const report = JSON.parse(check.stdout) as { findings: { checkId: string; subject: string; severity: string }[] };
    // every configured thing was read: no check is unknown for want of a resource
    expect(report.findings.filter((f) => f.severity === 'unknown')).toEqual([]);
    expect(report.findings.map((f) => f.subject)).toEqual(expect.arrayContaining(['default/prod/api', 'default/staging/api', 'default/worker', 'default/app-db', 'default/reports-db']));
  });

  it('names the environment after --name, protected unless --no-protected, and writes to $OPSDECK_CONFIG, else ./opsdeck.yaml', async () => {
    await seed();
    const named = join(tmp, 'named.yaml');
    const r = opsdeck(['init', '--yes', '--name', 'shop-live'], { OPSDECK_CONFIG: named });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote named\.yaml: environment shop-live \(protected: read-only unless --write\) with /);
    const env = (parse(readFileSync(named, 'utf8')) as Written).environments['shop-live']!;
    expect(env.protected).toBe(true);
    expect(opsdeck(['config', 'validate'], { OPSDECK_CONFIG: named }).code).toBe(0);

    const sandbox = join(tmp, 'sandbox.yaml');
    const unprotected = opsdeck(['init', '--yes', '--name', 'scratch', '--no-protected', '--config', sandbox]);
    expect(unprotected.code, unprotected.stderr).toBe(0);
    expect(unprotected.stdout).toMatch(/: environment scratch \(not protected\) with /);
    expect((parse(readFileSync(sandbox, 'utf8')) as Written).environments.scratch!.protected).toBe(false);
    const bad = opsdeck(['init', '--yes', '--name', 'prod/eu', '--config', join(tmp, 'bad.yaml')]);
    expect([bad.code, bad.stderr]).toEqual([64, 'opsdeck: --name "prod/eu" is not a valid environment name: use letters, digits, _ and -\n']);

    const plain = opsdeck(['init', '--yes']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^wrote opsdeck\.yaml: environment default \(protected/);
    expect(existsSync(join(tmp, 'opsdeck.yaml'))).toBe(true);
    // the file init wrote is the one the next run reads
    expect(opsdeck(['config', 'validate']).stdout).toBe(`${join(tmp, 'opsdeck.yaml')}: ok; environments: default (protected)\n`);
  });

  it('refuses to overwrite an existing file without --force, naming it; --force replaces it', async () => {
    await seed();
    const file = join(tmp, 'opsdeck.yaml');
    writeFileSync(file, 'environments: {}\n# mine\n');
    const r = opsdeck(['init', '--yes', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('opsdeck: opsdeck.yaml already exists; pass --force to overwrite it, or --config FILE to write another file\n');
    expect(readFileSync(file, 'utf8')).toBe('environments: {}\n# mine\n');

    const forced = opsdeck(['init', '--yes', '--force', '--config', file]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('- cluster: prod');
    expect(opsdeck(['config', 'validate', file]).code).toBe(0);
  });

  it('refuses without a terminal and without --yes, before calling AWS', () => {
    // moto is not even seeded: the refusal must come before discovery
    const r = opsdeck(['init', '--config', join(tmp, 'x.yaml')], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(64);
    expect(r.stderr).toBe('opsdeck: init asks what to include and needs a terminal; pass --yes to include everything it finds\n');
    expect(existsSync(join(tmp, 'x.yaml'))).toBe(false);
  });

  it('a credentials or endpoint problem is one line, and nothing is written', () => {
    const r = opsdeck(['init', '--yes', '--config', join(tmp, 'x.yaml')], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(2);
    expect(r.stderr).toMatch(/\nopsdeck: .*STS.*127\.0\.0\.1:9/);
    expect(existsSync(join(tmp, 'x.yaml'))).toBe(false);
  });
});
