/**
 * Who has an environment open: each dashboard keeps a row in opsdeck.presence
 * (upserted every `beatMs`, deleted on exit) and, on the same beat, reads the
 * others' rows seen within `ttlMs` (a dashboard killed without its delete
 * drops out then), the live leases in opsdeck.locks taken for the
 * environment, and its approval requests still pending.
 * Liveness is judged by the server's clock, like the lock's leases.
 */
import type pg from 'pg';
import { Observable } from '../engine/observable.js';
import { oneLine } from '../text/sanitize.js';

export interface PresenceEntry {
  /** "user@host" */
  operator: string;
  awsIdentity: string;
  host: string;
  pid: number;
}

export interface PresenceView {
  /** the other dashboards on this environment, oldest first */
  others: PresenceEntry[];
  /** live locks taken for this environment, with who holds them */
  locks: { holder: string; target: string }[];
  /** pending approval requests; undefined until the first beat has read them */
  approvals?: number;
}

export interface PresenceOptions {
  env: string;
  /** "user@host" */
  operator: string;
  host: string;
  pid: number;
  /** the AWS identity, when known (STS answers after the first frame) */
  awsIdentity: () => string;
  beatMs?: number;
  ttlMs?: number;
}

export const PRESENCE_BEAT_MS = 10_000;
export const PRESENCE_TTL_MS = 30_000;

export class TeamPresence {
  readonly view = new Observable<PresenceView>({ others: [], locks: [] });
  private timer: ReturnType<typeof setInterval> | undefined;
  private beating: Promise<void> | undefined;
  private closed = false;
  problem: string | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: PresenceOptions,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.opts.beatMs ?? PRESENCE_BEAT_MS);
    this.timer.unref?.();
  }

  /** One upsert and one read; a store that does not answer leaves the last view (its trouble is the journal's line). */
  beat(): Promise<void> {
    this.beating ??= this.beatNow().finally(() => (this.beating = undefined));
    return this.beating;
  }

  /** Stops beating and deletes this dashboard's row. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating?.catch(() => undefined);
    await this.pool.query('DELETE FROM opsdeck.presence WHERE env = $1 AND host = $2 AND pid = $3', [this.opts.env, this.opts.host, this.opts.pid]).catch(() => undefined);
  }

  /** Stops beating without deleting: what a killed dashboard leaves (for tests). */
  stopBeating(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async beatNow(): Promise<void> {
    if (this.closed) return;
    const o = this.opts;
    const ttl = o.ttlMs ?? PRESENCE_TTL_MS;
    try {
      await this.pool.query(
        `INSERT INTO opsdeck.presence (env, operator, aws_identity, host, pid) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (env, host, pid) DO UPDATE SET operator = excluded.operator, aws_identity = excluded.aws_identity, last_seen = now()`,
        [o.env, o.operator, o.awsIdentity(), o.host, o.pid],
      );
      const others = await this.pool.query<{ operator: string; aws_identity: string; host: string; pid: number }>(
        `SELECT operator, aws_identity, host, pid FROM opsdeck.presence
         WHERE env = $1 AND last_seen > now() - $2 * interval '1 millisecond' AND NOT (host = $3 AND pid = $4) ORDER BY since`,
        [o.env, ttl, o.host, o.pid],
      );
      const locks = await this.pool.query<{ holder: string }>(`SELECT holder FROM opsdeck.locks WHERE expires_at > now() AND holder::jsonb ->> 'environment' = $1 ORDER BY key`, [o.env]);
      const approvals = await this.pendingApprovals();
      if (this.closed) return;
      this.problem = undefined;
      this.view.set({
        others: others.rows.map((r) => ({ operator: oneLine(r.operator, 80), awsIdentity: oneLine(r.aws_identity, 200), host: oneLine(r.host, 80), pid: r.pid })),
        locks: locks.rows.map((r) => holderOf(r.holder)),
        ...(approvals !== undefined ? { approvals } : {}),
      });
    } catch (err) {
      this.problem = (err as Error).message;
    }
  }

  /** Requests of this environment still waiting for a second operator (an expired one waits for nobody). */
  private async pendingApprovals(): Promise<number> {
    const r = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM opsdeck.approval_requests WHERE env = $1 AND status = 'pending' AND expires_at > now()`, [this.opts.env]);
    return Number(r.rows[0]?.n ?? 0);
  }
}

function holderOf(raw: string): { holder: string; target: string } {
  try {
    const h = JSON.parse(raw) as { operator?: unknown; host?: unknown; target?: unknown };
    return { holder: oneLine(`${String(h.operator ?? '?')}@${String(h.host ?? '?')}`, 80), target: oneLine(String(h.target ?? '?'), 120) };
  } catch {
    return { holder: '?', target: '?' };
  }
}
