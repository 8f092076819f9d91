// Drill instances found by their tag on the RDS API (moto): what `drill cleanup`
// sweeps is what DescribeDBInstances itself lists with the opsdeck:drill tag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as rdsSdk from '@aws-sdk/client-rds';
import { createAwsContext } from '../../src/sources/aws/clients.js';
import { awsRdsControl } from '../../src/sources/aws/rdsControl.js';
import { DRILL_TAG } from '../../src/actions/rds/context.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

describe('RdsControl.tagged on the RDS API', () => {
  it('lists exactly the instances carrying the tag, as DescribeDBInstances tags them', async () => {
    const aws = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
    const client = await aws.rds();
    const make = (id: string, tags: { Key: string; Value: string }[]) =>
      client.send(new rdsSdk.CreateDBInstanceCommand({ DBInstanceIdentifier: id, Engine: 'postgres', EngineVersion: '16.4', DBInstanceClass: 'db.t4g.medium', AllocatedStorage: 20, MasterUsername: 'app', MasterUserPassword: 'not-a-secret-1', Tags: tags }));
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
