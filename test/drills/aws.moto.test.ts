// The drill on the real RDS API (moto): the same state machine through
// awsRdsControl. moto's restored instances have made-up hosts, so the test
// maps the endpoints the drill read from RDS to two local databases, after
// checking the drill asked for the right instances over TLS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/engine/clock.js';
import { createAwsContext } from '../../src/sources/aws/clients.js';
import { awsRdsControl } from '../../src/sources/aws/rdsControl.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import { DRILL_TAG, type RdsActionContext } from '../../src/actions/rds/context.js';
import { runDrill } from '../../src/drills/drill.js';
import { rdsEndpoints, type DrillEndpoints } from '../../src/drills/setup.js';
import type { ConnectionTarget } from '../../src/drills/sql.js';
import { MOTO_REGION, startMoto, type Moto } from '../support/moto.js';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';

let moto: Moto;
let source: TestDatabase;
let copy: TestDatabase;
const signal = new AbortController().signal;

async function seed(db: TestDatabase, rows: number) {
  const c = await db.client();
  await c.query(`CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL); INSERT INTO accounts SELECT i, 'account ' || i FROM generate_series(1, ${rows}) i`);
}

beforeAll(async () => {
  moto = await startMoto();
  source = await createTestDatabase(undefined, 'drillsrc');
  copy = await createTestDatabase(undefined, 'drillcopy');
  await seed(source, 100);
  await seed(copy, 99);
});
afterAll(async () => {
  await moto?.stop();
  await source?.drop();
  await copy?.drop();
});

describe('a backup drill against the RDS API', () => {
  it('restores the automated snapshot, verifies, deletes the instance, reports', async () => {
    const aws = createAwsContext({ config: { region: MOTO_REGION }, env: {}, sdk: moto.sdk });
    const rdsSdk = await aws.sdk('rds');
    await (await aws.rds()).send(new rdsSdk.CreateDBInstanceCommand({ DBInstanceIdentifier: 'prod-db', Engine: 'postgres', EngineVersion: '16.4', DBInstanceClass: 'db.t4g.medium', AllocatedStorage: 20, MasterUsername: 'app', MasterUserPassword: 'not-a-secret-1' }));
    const dir = mkdtempSync(join(tmpdir(), 'opsdeck-drill-moto-'));
    mkdirSync(join(dir, 'locks'));
    try {
      const clock = new ManualClock(Date.UTC(2026, 0, 5, 9, 30));
      const ctx: RdsActionContext = {
        env: { name: 'staging', protected: false, readOnly: false, region: MOTO_REGION, account: '123456789012', identity: 'arn:aws:iam::123456789012:user/ops' },
        now: () => clock.now(),
        sleep: async (ms) => clock.advance(ms),
        rds: awsRdsControl(aws),
      };
      const drill = { database: 'app', user: 'drill', password: 'from-the-env', tables: ['accounts'], rowCountTolerance: 0.02, assertions: ['select count(*) = 99 from accounts'] };
      const asked: ConnectionTarget[] = [];
      const base = rdsEndpoints(ctx.rds, drill);
      const endpoints: DrillEndpoints = {
        async connectionFor(id, role, s) {
          const t = await base.connectionFor(id, role, s);
          asked.push(t);
          return { host: '127.0.0.1', port: 5432, database: role === 'source' ? source.name : copy.name, user: 'postgres', ssl: false };
        },
      };
      const journal = new AuditJournal(join(dir, 'audit.jsonl'));
      const r = await runDrill({ ctx, executor: { journal, lock: new FileTargetLock(join(dir, 'locks')) }, endpoints, env: { OPSDECK_STATE_DIR: dir } }, { instance: 'prod-db', drill });

      expect(r.outcome, r.message).toBe('passed');
      expect(r.snapshot).toMatchObject({ type: 'automated' });
      expect(r.drillInstance).toBe('prod-db-drill-20260105093000');
      expect(r.checks.map((c) => [c.name, c.passed, c.actual])).toEqual([
        ['accounts', true, '99 rows (−1 %)'],
        ['select count(*) = 99 from accounts', true, 'true'],
      ]);
      // the drill read each instance's endpoint from RDS, with the configured database and credentials, over TLS
      expect(asked.map((t) => [t.host.split('.')[0], t.database, t.user, t.password, t.ssl])).toEqual([
        ['prod-db-drill-20260105093000', 'app', 'drill', 'from-the-env', true],
        ['prod-db', 'app', 'drill', 'from-the-env', true],
      ]);
      expect(r.cleanup.status).toBe('deleted');
      expect(await ctx.rds.instance(r.drillInstance, signal)).toBeUndefined();
      expect((await ctx.rds.instance('prod-db', signal))?.status).toBe('available');
      // the restore carried this run's id in the drill tag: journaled with the call
      const restore = journal.read().find((x) => x.action === 'restore' && x.phase === 'intent')!;
      expect(JSON.stringify(restore.plan)).toContain(`"Key":"${DRILL_TAG}","Value":"${r.runId}"`);
      expect(journal.read().map((x) => x.action)).toEqual(['backup-drill', 'restore', 'restore', 'restore', 'delete-drill-instance', 'delete-drill-instance', 'delete-drill-instance', 'backup-drill', 'backup-drill']);
    } finally {
      aws.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
