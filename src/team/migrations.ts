/**
 * The team store's schema, as an ordered list of migrations: version N is the
 * N-th entry, applied once, in its own transaction, and recorded in
 * `opsdeck.opsdeck_schema_version`. A later feature (approvals, incidents,
 * presence) appends an entry; an entry once released is never edited, since
 * stores that applied it will not run it again.
 *
 * Every process checks the version at start. Only a store behind this program
 * is migrated, under a session advisory lock, so two operators starting
 * together do not race to create the same table; a store already current costs
 * one SELECT and needs no DDL right (the least-privilege role in the README
 * has none). A store ahead of the program is refused in one line: its tables
 * may mean something this program does not know.
 */
import type pg from 'pg';

export const TEAM_SCHEMA = 'opsdeck';

export interface Migration {
  /** what it adds, for the version table */
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'shared journal: one hash chain per environment, append-only',
    sql: `
      CREATE TABLE opsdeck.journal (
        id uuid PRIMARY KEY,
        env text NOT NULL,
        seq bigint NOT NULL,
        ts timestamptz NOT NULL,
        operator text NOT NULL,
        kind text NOT NULL,
        action text NOT NULL,
        target text NOT NULL,
        record jsonb NOT NULL,
        line text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        origin_seq bigint,
        stored_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (env, seq)
      );
      CREATE INDEX journal_env_ts ON opsdeck.journal (env, ts);
      CREATE INDEX journal_operator ON opsdeck.journal (operator);
      CREATE INDEX journal_target ON opsdeck.journal (target);
      CREATE FUNCTION opsdeck.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'opsdeck.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$;
      CREATE TRIGGER journal_no_update_delete BEFORE UPDATE OR DELETE ON opsdeck.journal FOR EACH ROW EXECUTE FUNCTION opsdeck.refuse_change();
      CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON opsdeck.journal FOR EACH STATEMENT EXECUTE FUNCTION opsdeck.refuse_change();
    `,
  },
  {
    name: 'target locks: one lease per resource key',
    sql: `
      CREATE TABLE opsdeck.locks (
        key text PRIMARY KEY,
        holder text NOT NULL,
        expires_at timestamptz NOT NULL
      );
    `,
  },
  {
    name: 'drill_reports',
    sql: `
      CREATE TABLE opsdeck.drill_reports (
        id text PRIMARY KEY,
        env text NOT NULL,
        instance text NOT NULL,
        snapshot text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('ok', 'failed')),
        rto_seconds double precision,
        summary jsonb NOT NULL,
        operator text NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX drill_reports_env_instance ON opsdeck.drill_reports (env, instance, started_at);
      CREATE TRIGGER drill_reports_no_update_delete BEFORE UPDATE OR DELETE ON opsdeck.drill_reports FOR EACH ROW EXECUTE FUNCTION opsdeck.refuse_change();
      CREATE TRIGGER drill_reports_no_truncate BEFORE TRUNCATE ON opsdeck.drill_reports FOR EACH STATEMENT EXECUTE FUNCTION opsdeck.refuse_change();
    `,
  },
  {
    name: 'shared incidents (one open per environment) and dashboard presence',
    sql: `
      CREATE TABLE opsdeck.incidents (
        id text PRIMARY KEY,
        env text NOT NULL,
        title text NOT NULL,
        severity text,
        opened_by text NOT NULL,
        opened_at timestamptz NOT NULL,
        closed_by text,
        closed_at timestamptz
      );
      CREATE UNIQUE INDEX incidents_one_open_per_env ON opsdeck.incidents (env) WHERE closed_at IS NULL;
      CREATE TABLE opsdeck.incident_events (
        id bigserial PRIMARY KEY,
        incident_id text NOT NULL REFERENCES opsdeck.incidents (id),
        seq integer NOT NULL,
        at timestamptz NOT NULL,
        operator text NOT NULL,
        kind text NOT NULL,
        text text NOT NULL DEFAULT '',
        entry jsonb NOT NULL,
        UNIQUE (incident_id, seq)
      );
      CREATE TABLE opsdeck.presence (
        env text NOT NULL,
        operator text NOT NULL,
        aws_identity text NOT NULL DEFAULT '',
        host text NOT NULL,
        pid integer NOT NULL,
        since timestamptz NOT NULL DEFAULT now(),
        last_seen timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (env, host, pid)
      );
    `,
  },
  {
    name: 'approvals: the two-person rule, requests and the approvals given',
    sql: `
      CREATE TABLE opsdeck.approval_requests (
        id text PRIMARY KEY,
        env text NOT NULL,
        plan_hash text NOT NULL,
        plan jsonb NOT NULL,
        action text NOT NULL,
        target text NOT NULL,
        tier text NOT NULL,
        requester_user text NOT NULL,
        requester_aws text NOT NULL,
        requester_host text NOT NULL,
        reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'used', 'expired')),
        decided_at timestamptz,
        used_at timestamptz
      );
      CREATE INDEX approval_requests_env_status ON opsdeck.approval_requests (env, status);
      CREATE TABLE opsdeck.approvals (
        request_id text NOT NULL REFERENCES opsdeck.approval_requests (id),
        approver_user text NOT NULL,
        approver_aws text NOT NULL,
        approver_host text NOT NULL,
        verdict text NOT NULL CHECK (verdict IN ('approved', 'rejected')),
        approved_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        -- one decision per request: a second approver racing the first finds it taken
        PRIMARY KEY (request_id)
      );
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  constructor(
    readonly storeVersion: number,
    readonly programVersion: number,
  ) {
    super(`team store schema v${storeVersion} is newer than this opsdeck (v${programVersion}); upgrade opsdeck`);
  }
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** The store's version; 0 for a database opsdeck has never migrated. */
export async function storeVersion(db: Queryable): Promise<number> {
  const exists = await db.query<{ t: string | null }>(`SELECT to_regclass('${TEAM_SCHEMA}.opsdeck_schema_version')::text AS t`);
  if (!exists.rows[0]?.t) return 0;
  const r = await db.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${TEAM_SCHEMA}.opsdeck_schema_version`);
  return r.rows[0]?.v ?? 0;
}

export interface MigrateResult {
  /** the version found before */
  from: number;
  /** the version now (SCHEMA_VERSION) */
  to: number;
}

/**
 * Brings the store to this program's version, or throws SchemaTooNewError.
 * `migrations` is a parameter so that a test can play a newer program.
 */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  const target = migrations.length;
  const found = await storeVersion(pool);
  if (found > target) throw new SchemaTooNewError(found, target);
  if (found === target) return { from: found, to: target };
  const client = await pool.connect();
  try {
    // a session lock on one connection: held across the migrations' own transactions
    await client.query(`SELECT pg_advisory_lock(hashtext('opsdeck schema migrations'))`);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${TEAM_SCHEMA}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${TEAM_SCHEMA}.opsdeck_schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      // read again under the lock: whoever held it before us may have done the work
      const now = await storeVersion(client);
      if (now > target) throw new SchemaTooNewError(now, target);
      for (let v = now + 1; v <= target; v++) {
        const m = migrations[v - 1]!;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(`INSERT INTO ${TEAM_SCHEMA}.opsdeck_schema_version (version, name) VALUES ($1, $2)`, [v, m.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw new Error(`team store migration v${v} (${m.name}) failed: ${(err as Error).message}`);
        }
      }
      return { from: found, to: target };
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('opsdeck schema migrations'))`).catch(() => {});
    }
  } finally {
    client.release();
  }
}
