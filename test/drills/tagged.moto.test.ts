// Drill instances found by their tag on the RDS API (moto): what `drill cleanup`
// sweeps is what DescribeDBInstances itself lists with the opsdeck:drill tag,
// and what `opsdeck check` (the built binary) judges when no drill record names it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opsdeck } from '../cli/run.js';
import * as rdsSdk from '@aws-sdk/client-rds';
import { createAwsContext } from '../../src/sources/aws/clients.js';
import { awsRdsControl } from '../../src/sources/aws/rdsControl.js';
import { DRILL_TAG } from '../../src/actions/rds/context.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
let tmp: string;
beforeAll(async () => {
  moto = await startMoto();
  tmp = mkdtempSync(join(tmpdir(), 'opsdeck-tagged-'));
});
afterAll(async () => {
  await moto?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Creates instances on moto, each with its tags. */
function instanceMaker(client: Awaited<ReturnType<ReturnType<typeof createAwsContext>['rds']>>) {
  return (id: string, tags: { Key: string; Value: string }[]) =>
    client.send(new rdsSdk.CreateDBInstanceCommand({ DBInstanceIdentifier: id, Engine: 'postgres', EngineVersion: '16.4', DBInstanceClass: 'db.t4g.medium', AllocatedStorage: 20, MasterUsername: 'app', MasterUserPassword: 'not-a-secret-1', Tags: tags }));
}

describe('RdsControl.tagged on the RDS API', () => {
  it('lists exactly the instances carrying the tag, as DescribeDBInstances tags them', async () => {
    const aws = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
    const client = await aws.rds();
    const make = instanceMaker(client);
    await make('prod-db', []);
    await make('prod-db-drill-20260105093000', [{ Key: DRILL_TAG, Value: 'prod-db-20260105T093000Z' }]);
    await make('analytics-copy', [{ Key: 'opsdeck:restored-from', Value: 'rds:prod-db-x' }]);
    const listed = await client.send(new rdsSdk.DescribeDBInstancesCommand({}));
    const byTool = (listed.DBInstances ?? []).filter((i) => (i.TagList ?? []).some((t) => t.Key === DRILL_TAG)).map((i) => i.DBInstanceIdentifier);
    const found = await awsRdsControl(aws).tagged!(DRILL_TAG, new AbortController().signal);
    expect(found.map((i) => [i.id, i.tags[DRILL_TAG]])).toEqual([['prod-db-drill-20260105093000', 'prod-db-20260105T093000Z']]);
    expect(found.map((i) => i.id)).toEqual(byTool);
  }, 60_000);
});

describe('a drill copy nobody recorded, through `opsdeck check` on moto', () => {
  it('`opsdeck check` reports a drill-tagged instance that no drill record names: critical once older than the threshold, with the delete suggestion', async () => {
    await moto.reset();
    const make = instanceMaker(await createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk }).rds());
    await make('orders-db', []);
    await make('orders-db-drill-20260105093000', [{ Key: DRILL_TAG, Value: 'orders-db-20260105T093000Z' }]);
    // moto dates an instance now, so "older than a drill takes" is a threshold the copy has crossed (0.0003 h is about a second), not 3 h
    const config = (thresholds: string) => {
      const file = join(tmp, `c-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, `environments:\n  prod:\n    aws: { region: ${MOTO_REGION} }\n    rds: [{ instance: orders-db }]\n${thresholds}`);
      return file;
    };
    // a fresh state directory: no drill record exists anywhere
    const check = (file: string) =>
      opsdeck(['--config', file, '--env', 'prod', 'check', '--format', 'json'], {
        env: { OPSDECK_CONFIG: undefined, AWS_PROFILE: undefined, AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_CONFIG_FILE: join(tmp, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(tmp, 'none'), XDG_STATE_HOME: mkdtempSync(join(tmp, 'state-')), OPSDECK_STATE_DIR: undefined },
      });
    const drillFindings = (r: { stdout: string; stderr: string }) => {
      const report = JSON.parse(r.stdout) as { findings: { checkId: string; subject: string; severity: string; suggested?: { action: string; instance?: string } }[] };
      return report.findings.filter((f) => f.checkId === 'rds.drill-instance-age').map((f) => [f.subject, f.severity, f.suggested?.action, f.suggested?.instance]);
    };

    const young = check(config(''));
    expect(young.stderr).toBe('');
    expect(drillFindings(young)).toEqual([['prod/orders-db-drill-20260105093000', 'ok', undefined, undefined]]);

    await new Promise((r) => setTimeout(r, 1_500));
    const old = check(config('    thresholds:\n      drillInstanceAgeHours: { warn: 0.0003, crit: 0.0003 }\n'));
    expect(old.stderr).toBe('');
    expect(old.code).toBe(2);
    expect(drillFindings(old)).toEqual([['prod/orders-db-drill-20260105093000', 'crit', 'delete-drill-instance', 'orders-db-drill-20260105093000']]);
  }, 60_000);
});
