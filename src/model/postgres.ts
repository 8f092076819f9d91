/** PostgreSQL health as read from pg_stat_activity and friends. */

export interface PgSession {
  pid: number;
  user: string | null;
  state: string | null;
  durationMs: number;
  /** query text from outside: strip control sequences before drawing */
  query: string;
}

export interface PgBlocked extends PgSession {
  blockedBy: number[];
}

export interface PgHealth {
  name: string;
  rttMs: number;
  connections: { total: number; max: number; byState: Record<string, number> };
  longQueries: PgSession[];
  idleInTransaction: PgSession[];
  blocked: PgBlocked[];
  databaseSizeBytes: number | null;
  /** null when there is no replica */
  replicationLagMs: number | null;
}

export interface PostgresSnapshot {
  databases: PgHealth[];
  /** databases that did not answer this time, one line each; the others are still shown */
  errors?: { name: string; error: string }[];
  /**
   * The last good figures of databases in `errors`, and when they were read:
   * drawn stale beside the error so an outage does not blank the row. The
   * checks judge `errors`, never these.
   */
  held?: { db: PgHealth; at: number }[];
}
