/**
 * Drill reports in the team store (`opsdeck.drill_reports`, append-only like
 * the journal): one row per drill, keyed by its run id, so sending a drill
 * twice (two processes uploading the same local history) stores it once.
 *
 * No spool of its own: the local history (src/drills/history.ts) is the
 * record, and every upload sends the lines of it the store does not have.
 * A drill made while the store was down is sent by the next `drill` command
 * that reaches it.
 */
import type pg from 'pg';
import type { DrillSummary } from '../drills/history.js';
import { TEAM_SCHEMA } from './migrations.js';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

interface Row {
  id: string;
  env: string;
  instance: string;
  snapshot: string | null;
  started_at: Date;
  finished_at: Date;
  outcome: 'ok' | 'failed';
  rto_seconds: number | null;
  summary: DrillSummary['summary'];
  operator: string;
}

const COLUMNS = 'id, env, instance, snapshot, started_at, finished_at, outcome, rto_seconds, summary, operator';

/** Stores the drills the store does not hold yet; answers how many it added. */
export async function insertDrillReports(db: Queryable, list: readonly DrillSummary[]): Promise<number> {
  let added = 0;
  for (const s of list) {
    const r = await db.query(
      `INSERT INTO ${TEAM_SCHEMA}.drill_reports (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
      [s.id, s.env, s.instance, s.snapshot, s.startedAt, s.finishedAt, s.outcome, s.rtoSeconds, JSON.stringify(s.summary), s.operator],
    );
    added += r.rowCount ?? 0;
  }
  return added;
}

/** The local lines the store lacks, sent: one SELECT when there is nothing to send. */
export async function uploadDrillReports(db: Queryable, local: readonly DrillSummary[]): Promise<number> {
  if (local.length === 0) return 0;
  const have = await db.query<{ id: string }>(`SELECT id FROM ${TEAM_SCHEMA}.drill_reports WHERE id = ANY($1::text[])`, [local.map((s) => s.id)]);
  const known = new Set(have.rows.map((r) => r.id));
  return insertDrillReports(db, local.filter((s) => !known.has(s.id)));
}

/** One environment's drills, oldest first; the newest `limit` of them when given. */
export async function listDrillReports(db: Queryable, env: string, opts: { instance?: string; limit?: number } = {}): Promise<DrillSummary[]> {
  const params: unknown[] = [env];
  let where = 'env = $1';
  if (opts.instance !== undefined) {
    params.push(opts.instance);
    where += ` AND instance = $${params.length}`;
  }
  let limit = '';
  if (opts.limit !== undefined) {
    params.push(opts.limit);
    limit = ` LIMIT $${params.length}`;
  }
  const r = await db.query<Row>(`SELECT ${COLUMNS} FROM ${TEAM_SCHEMA}.drill_reports WHERE ${where} ORDER BY started_at DESC, id DESC${limit}`, params);
  return r.rows.reverse().map((row) => ({
    kind: 'opsdeck-drill-summary',
    id: row.id,
    env: row.env,
    instance: row.instance,
    snapshot: row.snapshot,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at.toISOString(),
    outcome: row.outcome,
    rtoSeconds: row.rto_seconds,
    summary: row.summary,
    operator: row.operator,
  }));
}
