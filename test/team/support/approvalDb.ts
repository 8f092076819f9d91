/**
 * A test's own team store for the two-person rule: a fresh database on the
 * local PostgreSQL, migrated, with an ApprovalStore on it; `close` drops it.
 */
import { createTestDatabase, type TestDatabase } from '../../postgres/helpers.js';
import { openTeamStore, type TeamStore } from '../../../src/team/store.js';
import { migrate } from '../../../src/team/migrations.js';
import { ApprovalStore } from '../../../src/team/approvals.js';

export interface ApprovalDb {
  db: TestDatabase;
  team: TeamStore;
  store: ApprovalStore;
  close(): Promise<void>;
}

export async function approvalDb(name: string): Promise<ApprovalDb> {
  const db = await createTestDatabase(undefined, name);
  const team = openTeamStore(db.url);
  await migrate(team.pool);
  return { db, team, store: new ApprovalStore(team.pool), close: async () => (await team.close(), await db.drop()) };
}
