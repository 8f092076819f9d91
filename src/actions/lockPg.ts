/**
 * The lock in the team store, for environments with a team store and no
 * Redis: a lease table (opsdeck.locks, team/migrations.ts), one row per
 * resource key holding the holder record, with the same semantics as
 * lockRedis.ts: taken only while free or lapsed, renewed and released only by
 * the holder whose exact record is stored, a dead holder of this host freed at
 * once. Leases are judged by the server's clock (`now()`), so operators'
 * clocks need not agree. A store that does not answer refuses the action, as
 * a Redis that does not answer does: nothing runs on a guess.
 */
import type pg from 'pg';
import { holderGone, LockHeldError, LockUnavailableError, newOwner, parseOwner, validateLease, type HeldLock, type LockHandle, type LockOptions, type LockOwner, type LockPurpose, type RenewResult, type TargetLock } from './lock.js';
import { lockSubject } from './lockResource.js';

// Inserts, or takes over a lapsed row; answers a row only when the lock is ours now.
const TAKE = `INSERT INTO opsdeck.locks (key, holder, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
  ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at WHERE opsdeck.locks.expires_at <= now()
  RETURNING key`;

export class PgTargetLock implements TargetLock {
  private readonly now: () => number;

  constructor(
    private readonly pool: pg.Pool,
    readonly where: string,
    private readonly opts: LockOptions & { describe?: (err: unknown) => string; hint?: string } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** A store that does not answer is named as such, so the executor refuses rather than failing obscurely. */
  private async q<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      const why = this.opts.describe ? this.opts.describe(err) : String(err);
      throw new LockUnavailableError(`the shared lock in ${this.where}, which could not be reached or read (${why}), so nothing was done; to use a lock file that guards only this machine, ${this.opts.hint ?? 'run again with --local-lock'}`);
    }
  }

  async acquire(key: string, leaseMs: number, purpose: LockPurpose): Promise<LockHandle> {
    validateLease(leaseMs);
    const owner = newOwner(purpose, leaseMs, { ...this.opts, now: this.now });
    let freed: LockOwner | undefined;
    for (let attempt = 0; attempt < 4; attempt++) {
      if ((await this.q(TAKE, [key, JSON.stringify(owner), leaseMs])).rowCount === 1) return this.handle(key, owner, freed);
      const held = await this.inspect(key);
      if (!held) continue;
      if (held.holder && holderGone(held.holder, this.opts) && (await this.forceRelease(key, held.raw))) {
        freed = held.holder;
        continue;
      }
      throw new LockHeldError(lockSubject(key), held.holder, held.expiresInMs, this.now(), this.opts);
    }
    throw new LockHeldError(lockSubject(key), null, null, this.now(), this.opts);
  }

  async inspect(key: string): Promise<HeldLock | null> {
    const r = await this.q<{ holder: string; left: string }>(`SELECT holder, floor(extract(epoch FROM expires_at - now()) * 1000)::bigint AS left FROM opsdeck.locks WHERE key = $1 AND expires_at > now()`, [key]);
    const row = r.rows[0];
    if (!row) return null;
    return { key, holder: parseOwner(row.holder), raw: row.holder, expiresInMs: Math.max(0, Number(row.left)) };
  }

  async forceRelease(key: string, raw: string): Promise<boolean> {
    return (await this.q('DELETE FROM opsdeck.locks WHERE key = $1 AND holder = $2', [key, raw])).rowCount === 1;
  }

  private handle(key: string, first: LockOwner, freed: LockOwner | undefined): LockHandle {
    let released = false;
    let owner = first;
    let value = JSON.stringify(owner);
    return {
      key,
      get owner() {
        return owner;
      },
      ...(freed ? { freed } : {}),
      release: async () => {
        if (released) return;
        released = true;
        await this.q('DELETE FROM opsdeck.locks WHERE key = $1 AND holder = $2', [key, value]);
      },
      renew: async (leaseMs: number): Promise<RenewResult> => {
        validateLease(leaseMs);
        if (released) return { status: 'lost', holder: null };
        const next = { ...owner, leaseExpiresAt: this.now() + leaseMs };
        const nextValue = JSON.stringify(next);
        const moved = await this.q(`UPDATE opsdeck.locks SET holder = $3, expires_at = now() + $4 * interval '1 millisecond' WHERE key = $1 AND holder = $2`, [key, value, nextValue, leaseMs]);
        const status = moved.rowCount === 1 ? 'renewed' : (await this.q(TAKE, [key, nextValue, leaseMs])).rowCount === 1 ? 'retaken' : null;
        if (status) {
          owner = next;
          value = nextValue;
          return { status };
        }
        return { status: 'lost', holder: (await this.inspect(key))?.holder ?? null };
      },
    };
  }
}
