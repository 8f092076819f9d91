/**
 * Incidents in the team store: one open incident per environment (a partial
 * unique index, so two operators starting one at the same moment get one
 * incident and the loser is told to join it), and its events, numbered per
 * incident under a row lock on the incident. Each event row carries the
 * timeline entry it stands for (incident/types.ts), so the review is built by
 * the same code as a local incident's; the actions come from the shared
 * journal (chain.ts), whoever ran them.
 *
 * Every event is announced on INCIDENT_CHANNEL in the transaction that writes
 * it (delivered at commit): "<env> <event id>". Dashboards listen (listen.ts)
 * and read the rows; the payload never carries the text itself.
 */
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { dueMarks } from '../incident/escalation.js';
import { buildReview } from '../incident/review.js';
import { idBase, IncidentError, paths, writeDurably } from '../incident/incident.js';
import { journalEntries, withJournalActions } from '../incident/journalActions.js';
import type { IncidentInfo, IncidentRecord, StartEntry, TimelineEntry } from '../incident/types.js';
import { ensureStateDir } from '../state/paths.js';
import { oneLine } from '../text/sanitize.js';
import { readChain } from './chain.js';
import { migrate } from './migrations.js';
import { inTransaction } from './store.js';

type Env = Record<string, string | undefined>;

export const INCIDENT_CHANNEL = 'opsdeck_incident';
const TITLE_MAX = 200;

export interface TeamIncidentRow {
  id: string;
  env: string;
  title: string;
  openedBy: string;
  /** epoch ms */
  openedAt: number;
  closedAt?: number;
  closedBy?: string;
}

export interface TeamEvent {
  /** the row's id: what a notification names */
  id: number;
  incidentId: string;
  seq: number;
  operator: string;
  entry: TimelineEntry;
}

interface RawIncident {
  id: string;
  env: string;
  title: string;
  opened_by: string;
  opened_at: Date;
  closed_at: Date | null;
  closed_by: string | null;
}

const INCIDENT_COLUMNS = 'id, env, title, opened_by, opened_at, closed_at, closed_by';

function rowOf(r: RawIncident): TeamIncidentRow {
  return {
    id: r.id,
    env: r.env,
    title: r.title,
    openedBy: r.opened_by,
    openedAt: r.opened_at.getTime(),
    ...(r.closed_at ? { closedAt: r.closed_at.getTime() } : {}),
    ...(r.closed_by ? { closedBy: r.closed_by } : {}),
  };
}

export type StartResult = { started: true; incident: TeamIncidentRow } | { started: false; incident: TeamIncidentRow };

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

export class TeamIncidents {
  private migrated = false;

  /** `by`: "user@host", the operator every write is attributed to */
  constructor(
    readonly store: { pool: pg.Pool; where: string },
    readonly by: string,
  ) {}

  private async ready(): Promise<pg.Pool> {
    if (!this.migrated) {
      await migrate(this.store.pool);
      this.migrated = true;
    }
    return this.store.pool;
  }

  async openIncident(env: string): Promise<TeamIncidentRow | undefined> {
    return openOf(await this.ready(), env);
  }

  /** Opens the environment's incident, or answers the one already open (`started: false`): the caller offers to join it. */
  async start(env: string, title: string, now = Date.now()): Promise<StartResult> {
    const clean = oneLine(title, TITLE_MAX);
    if (!clean) throw new IncidentError('title', 'an incident needs a title saying what is wrong, e.g. opsdeck incident start "api returns 502"');
    const pool = await this.ready();
    for (let attempt = 0; attempt < 3; attempt++) {
      const id = `${idBase(now, clean)}-${randomBytes(2).toString('hex')}`;
      const started = await inTransaction(pool, async (c) => {
        const r = await c.query<RawIncident>(
          `INSERT INTO opsdeck.incidents (id, env, title, opened_by, opened_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (env) WHERE closed_at IS NULL DO NOTHING RETURNING ${INCIDENT_COLUMNS}`,
          [id, env, clean, this.by, new Date(now)],
        );
        if (!r.rows[0]) return undefined;
        const start: StartEntry = { kind: 'start', time: new Date(now).toISOString(), id, title: clean, environment: env, by: this.by };
        await insertEvent(c, id, env, this.by, start);
        return rowOf(r.rows[0]);
      });
      if (started) return { started: true, incident: started };
      // the winner committed before our insert gave way; it may have ended since, then we try again
      const open = await openOf(pool, env);
      if (open) return { started: false, incident: open };
    }
    throw new Error(`could not start an incident in ${env}: incidents there were started and ended faster than this could read them`);
  }

  /** Attaches this operator to the open incident (a "joined" note on its timeline). */
  async join(env: string, now = Date.now()): Promise<TeamIncidentRow> {
    const open = await this.append(env, { kind: 'note', time: new Date(now).toISOString(), text: 'joined the incident', by: this.by });
    if (!open) throw noneOpen(env);
    return open.incident;
  }

  /** Adds an entry to the environment's open incident; undefined when none is open. */
  async append(env: string, entry: TimelineEntry): Promise<{ incident: TeamIncidentRow; event: TeamEvent } | undefined> {
    const pool = await this.ready();
    return inTransaction(pool, async (c) => {
      const open = await lockOpen(c, env);
      if (!open) return undefined;
      return { incident: open, event: await insertEvent(c, open.id, env, this.by, entry) };
    });
  }

  /** The events of an incident after event id `after`, oldest first. */
  async events(incidentId: string, after = 0): Promise<TeamEvent[]> {
    const pool = await this.ready();
    const r = await pool.query<{ id: string; incident_id: string; seq: number; operator: string; entry: TimelineEntry }>(
      'SELECT id, incident_id, seq, operator, entry FROM opsdeck.incident_events WHERE incident_id = $1 AND id > $2 ORDER BY seq',
      [incidentId, after],
    );
    return r.rows.map((row) => ({ id: Number(row.id), incidentId: row.incident_id, seq: row.seq, operator: row.operator, entry: row.entry }));
  }

  /**
   * The incident as a record for the review: its events, and every
   * operator's actions the shared journal holds for its environment while it
   * was open. `env` places the local review file.
   */
  async record(row: TeamIncidentRow, env: Env): Promise<IncidentRecord> {
    const pool = await this.ready();
    const events = await this.events(row.id);
    const window = { environment: row.env, startedAt: row.openedAt, ...(row.closedAt !== undefined ? { endedAt: row.closedAt } : {}) };
    let journalProblem: string | undefined;
    let actions: ReturnType<typeof journalEntries> = [];
    try {
      const records = await readChain(pool, { environment: row.env, since: new Date(row.openedAt), ...(row.closedAt !== undefined ? { until: new Date(row.closedAt + 1) } : {}) });
      actions = journalEntries(records, window);
    } catch (err) {
      journalProblem = `the shared journal could not be read, so actions may be missing: ${(err as Error).message}`;
    }
    return {
      ...infoOf(row, env, this.store.where),
      entries: withJournalActions(
        events.map((e) => e.entry),
        actions,
      ),
      problems: [],
      ...(journalProblem ? { journalProblem } : {}),
      ...(row.closedAt !== undefined ? { endedAt: row.closedAt } : {}),
    };
  }

  /**
   * Records the escalation marks that passed and the end, closes the
   * incident, and writes its review to this operator's state directory.
   */
  async end(envName: string, env: Env, now = Date.now()): Promise<{ incident: IncidentRecord; reviewPath: string; review: string }> {
    const pool = await this.ready();
    const closed = await inTransaction(pool, async (c) => {
      const open = await lockOpen(c, envName);
      if (!open) return undefined;
      const entries = (await c.query<{ entry: TimelineEntry }>('SELECT entry FROM opsdeck.incident_events WHERE incident_id = $1', [open.id])).rows.map((r) => r.entry);
      for (const mark of dueMarks(open.openedAt, now, entries)) await insertEvent(c, open.id, envName, this.by, mark);
      await insertEvent(c, open.id, envName, this.by, { kind: 'end', time: new Date(now).toISOString(), by: this.by });
      await c.query('UPDATE opsdeck.incidents SET closed_at = $2, closed_by = $3 WHERE id = $1', [open.id, new Date(now), this.by]);
      return { ...open, closedAt: now, closedBy: this.by };
    });
    if (!closed) throw noneOpen(envName);
    const incident = await this.record(closed, env);
    const review = buildReview(incident);
    ensureStateDir(env);
    mkdirSync(incident.dir, { recursive: true, mode: 0o700 });
    writeDurably(incident.reviewPath, review);
    return { incident, reviewPath: incident.reviewPath, review };
  }
}

/** The incident's info: the review goes to this operator's state directory; the timeline is in the store. */
export function infoOf(row: TeamIncidentRow, env: Env, where: string): IncidentInfo {
  const p = paths(row.id, env);
  return { id: row.id, title: row.title, startedAt: row.openedAt, environment: row.env, dir: p.dir, reviewPath: p.reviewPath, timelinePath: `team store ${where} (opsdeck.incident_events)` };
}

function noneOpen(env: string): IncidentError {
  return new IncidentError('none', `no incident is open in ${env}; start one with: opsdeck incident start "what is wrong"`);
}

async function openOf(db: Queryable, env: string): Promise<TeamIncidentRow | undefined> {
  const r = await db.query<RawIncident>(`SELECT ${INCIDENT_COLUMNS} FROM opsdeck.incidents WHERE env = $1 AND closed_at IS NULL`, [env]);
  return r.rows[0] ? rowOf(r.rows[0]) : undefined;
}

/** The open incident, its row locked until the transaction ends: events are numbered one writer at a time. */
async function lockOpen(c: pg.PoolClient, env: string): Promise<TeamIncidentRow | undefined> {
  const r = await c.query<RawIncident>(`SELECT ${INCIDENT_COLUMNS} FROM opsdeck.incidents WHERE env = $1 AND closed_at IS NULL FOR UPDATE`, [env]);
  return r.rows[0] ? rowOf(r.rows[0]) : undefined;
}

async function insertEvent(c: pg.PoolClient, incidentId: string, env: string, by: string, entry: TimelineEntry): Promise<TeamEvent> {
  const text = entry.kind === 'note' ? entry.text : entry.kind === 'start' ? entry.title : entry.kind === 'action' ? entry.summary : entry.kind === 'finding' ? entry.message : entry.kind === 'escalation' ? entry.text : '';
  const r = await c.query<{ id: string; seq: number }>(
    `INSERT INTO opsdeck.incident_events (incident_id, seq, at, operator, kind, text, entry)
     SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6::jsonb FROM opsdeck.incident_events WHERE incident_id = $1
     RETURNING id, seq`,
    [incidentId, entry.time, by, entry.kind, text, JSON.stringify(entry)],
  );
  const row = r.rows[0]!;
  await c.query('SELECT pg_notify($1, $2)', [INCIDENT_CHANNEL, `${env} ${row.id}`]);
  return { id: Number(row.id), incidentId, seq: row.seq, operator: by, entry };
}
