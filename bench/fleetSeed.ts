/**
 * The AWS side of the fleet bench (fleet.mjs): a moto server with one cluster
 * of `services` ECS services (test/conformance/ecsFleet.ts's plan, all in one
 * cluster; a third below desired), an RDS instance and a log group with a few
 * recent lines. Imported into the bench process (bundle.mjs importBundled), so
 * the dashboard being measured is the only process doing the dashboard's work.
 */
import { createAwsContext } from '../src/sources/aws/clients.js';
import { MOTO_REGION, startMoto } from '../test/support/moto.js';
import { FLEET_CLUSTERS, FLEET_RUNNING, fleetPlan, seedFleet } from '../test/conformance/ecsFleet.js';

export interface Fleet {
  endpoint: string;
  cluster: string;
  rdsInstance: string;
  logGroup: string;
  stop(): Promise<void>;
}

export async function startFleet({ services = 250 } = {}): Promise<Fleet> {
  const moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: String(FLEET_RUNNING) });
  const ctx = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
  const stop = async () => {
    ctx.close();
    await moto.stop();
  };
  try {
    const cluster = FLEET_CLUSTERS[0];
    const plan = fleetPlan().slice(0, services).map((s) => ({ ...s, cluster }));
    if (plan.length < services) throw new Error(`the fleet plan has ${plan.length} services, fewer than --fleet-services ${services}`);
    await seedFleet(ctx, moto, plan);

    const rdsInstance = 'fleet-db';
    const rds = await ctx.sdk('rds');
    await (await ctx.rds()).send(
      new rds.CreateDBInstanceCommand({ DBInstanceIdentifier: rdsInstance, Engine: 'postgres', EngineVersion: '16.4', DBInstanceClass: 'db.t4g.medium', AllocatedStorage: 20, MasterUsername: 'app', MasterUserPassword: 'not-a-secret-1' }),
    );

    const logGroup = '/ecs/fleet';
    const logs = await ctx.sdk('logs');
    const lc = await ctx.logs();
    await lc.send(new logs.CreateLogGroupCommand({ logGroupName: logGroup }));
    await lc.send(new logs.CreateLogStreamCommand({ logGroupName: logGroup, logStreamName: 'app/app/1' }));
    const now = Date.now();
    const logEvents = Array.from({ length: 50 }, (_, i) => ({ timestamp: now - (50 - i) * 1000, message: i % 10 === 9 ? `ERROR request ${i} failed` : `INFO request ${i} ok in ${20 + i}ms` }));
    await lc.send(new logs.PutLogEventsCommand({ logGroupName: logGroup, logStreamName: 'app/app/1', logEvents }));
    return { endpoint: moto.endpoint, cluster, rdsInstance, logGroup, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
