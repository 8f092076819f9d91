/**
 * A backup drill on the sandbox, in this process: a manual clock that the
 * drill's waits move forward, the sandbox's real databases behind restored
 * instances, a real journal and lock file in a temp state directory.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ManualClock } from '../../src/engine/clock.js';
import { createSandbox, type Sandbox } from '../../src/sources/sandbox/index.js';
import { sandboxRdsControl } from '../../src/sources/sandbox/rdsControl.js';
import { attachDrillDatabase, type DrillDatabaseOptions, type SandboxDrillDatabase } from '../../src/sources/sandbox/drillDatabase.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { FileTargetLock } from '../../src/actions/lockFile.js';
import type { RdsActionContext } from '../../src/actions/rds/context.js';
import type { EnvironmentInfo } from '../../src/model/environment.js';
import { rdsEndpoints, type DrillDeps, type DrillRequest } from '../../src/drills/setup.js';
import { runDrill } from '../../src/drills/drill.js';
import type { DrillConfig, DrillReport } from '../../src/drills/types.js';

export const PG_URL = `${process.env.OPSDECK_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432'}/postgres`;
export const START = Date.parse('2026-11-22T09:00:00Z');

export interface DrillHarness {
  sandbox: Sandbox;
  clock: ManualClock;
  db: SandboxDrillDatabase;
  ctx: RdsActionContext;
  deps: DrillDeps;
  journal: AuditJournal;
  dir: string;
  /** the process environment the drill sees: only OPSDECK_STATE_DIR */
  env: Record<string, string>;
  demoDrill: DrillConfig;
  drill(req?: Partial<DrillRequest>): Promise<DrillReport>;
  close(): Promise<void>;
}

export async function drillHarness(opts: DrillDatabaseOptions & { env?: Partial<EnvironmentInfo> } = {}): Promise<DrillHarness> {
  const { env: envInfo, ...dbOpts } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'opsdeck-drill-'));
  mkdirSync(join(dir, 'locks'), { recursive: true });
  const clock = new ManualClock(START);
  const sandbox = createSandbox({ scenario: 'calm', seed: 11, clock });
  const db = await attachDrillDatabase(sandbox, { mode: 'postgres', url: PG_URL, ...dbOpts });
  const ctx: RdsActionContext = {
    env: { ...sandbox.info, ...envInfo },
    now: () => clock.now(),
    sleep: async (ms) => clock.advance(ms),
    rds: db.control(sandboxRdsControl(sandbox)),
  };
  const journal = new AuditJournal(join(dir, 'audit.jsonl'));
  const demoDrill = sandbox.environment.rds[0]!.drill!;
  const env = { OPSDECK_STATE_DIR: dir };
  const deps: DrillDeps = { ctx, executor: { journal, lock: new FileTargetLock(join(dir, 'locks')) }, endpoints: db.endpoints(rdsEndpoints(ctx.rds, demoDrill)), env };
  return {
    sandbox,
    clock,
    db,
    ctx,
    deps,
    journal,
    dir,
    env,
    demoDrill,
    drill: (req = {}) => runDrill(deps, { instance: 'demo-db', drill: demoDrill, ...req }),
    async close() {
      await db.close();
      await sandbox.sources.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The sandbox databases this test process made and has not dropped. */
export async function leftoverDatabases(): Promise<string[]> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    const r = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 ORDER BY 1`, [`opsdeck_demo_%_${process.pid}_%`]);
    return r.rows.map((x) => x.datname);
  } finally {
    await c.end();
  }
}
