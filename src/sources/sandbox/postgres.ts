/**
 * pg_stat_activity as the demo's `primary` database would show it. Connections
 * come from the connection pools of the running tasks, so scaling a service
 * visibly moves them; the db-saturation scenario adds a pool leak in the API
 * and a lock chain behind one idle-in-transaction session.
 */
import type { PgBlocked, PgHealth, PgSession } from '../../model/postgres.js';
import { rngAt } from './prng.js';

const MAX_CONNECTIONS = 100;

export interface PgPlan {
  /** the database's size is known at this time and grows from there */
  sizeAnchor: number;
  /** extra connections each API task holds beyond its normal pool (a leak) */
  leakPerApiTask: number;
  /** the lock chain and long report of db-saturation, anchored at this time */
  lockChainSince?: number;
}

interface PgLoad {
  api: number;
  worker: number;
  scheduler: number;
  /** relative request load, about 1 */
  load: number;
}

const HOLDER_PID = 4242;

function session(pid: number, user: string, state: string, since: number, t: number, query: string): PgSession {
  return { pid, user, state, durationMs: Math.max(0, t - since), query };
}

/** The staged lock chain: a transaction left open holds a row lock others queue behind. */
function lockChain(since: number, t: number) {
  const holder = session(HOLDER_PID, 'app', 'idle in transaction', since, t, "UPDATE orders SET status = 'refunded', updated_at = now() WHERE id = 81723");
  const blocked: PgBlocked[] = [
    { ...session(5120, 'app', 'active', since + 5 * 60_000 + 25_000, t, "UPDATE orders SET status = 'shipped', updated_at = now() WHERE id = 81723"), blockedBy: [HOLDER_PID] },
    { ...session(5127, 'app', 'active', since + 6 * 60_000 + 12_000, t, 'SELECT * FROM orders WHERE id = 81723 FOR UPDATE'), blockedBy: [5120] },
  ].filter((s) => s.durationMs > 0);
  const report = session(3117, 'metabase', 'active', since - 4 * 60_000, t,
    "SELECT date_trunc('day', o.created_at) AS day, sum(i.amount) FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.created_at > now() - interval '400 days' GROUP BY 1 ORDER BY 1");
  return { holder, blocked, report };
}

export function pgHealth(seed: number, t: number, plan: PgPlan, load: PgLoad): PgHealth {
  const rng = rngAt(seed, 'pg:primary', t);
  // 7 pooled connections per API task, 4 per worker, 2 for the scheduler, 3 for admin tools
  let total = 3 + load.api * (7 + plan.leakPerApiTask) + load.worker * 4 + load.scheduler * 2;
  if (plan.leakPerApiTask > 0) total += rng.int(-2, 2);
  total = Math.max(1, Math.min(MAX_CONNECTIONS - 3, total));
  const staged = plan.lockChainSince !== undefined && t >= plan.lockChainSince ? lockChain(plan.lockChainSince, t) : undefined;
  let idleInTx = staged ? 1 + rng.int(2, 4) : 0;
  let active = staged ? Math.round(total * rng.range(0.38, 0.45)) : Math.max(1, Math.round(rng.range(1, 4) * load.load + load.worker * 0.5));
  active = Math.min(active, total - idleInTx);
  idleInTx = Math.min(idleInTx, total - active);
  const byState: Record<string, number> = { active, idle: total - active - idleInTx };
  if (idleInTx > 0) byState['idle in transaction'] = idleInTx;

  const longQueries: PgSession[] = [];
  const idleInTransaction: PgSession[] = [];
  let blocked: PgBlocked[] = [];
  if (staged) {
    longQueries.push(staged.report, ...staged.blocked.filter((b) => b.durationMs >= 30_000).map(({ blockedBy: _, ...s }) => s));
    idleInTransaction.push(staged.holder);
    // the pool's other open transactions come and go within seconds
    for (let i = 1; i < idleInTx; i++) {
      idleInTransaction.push(session(6000 + rng.int(0, 999), 'app', 'idle in transaction', t - rng.int(200, 9_000), t, 'SELECT id, status FROM carts WHERE user_id = $1'));
    }
    blocked = staged.blocked;
  }
  const sizeBase = 18_700_000_000;
  return {
    name: 'primary',
    rttMs: Math.round((staged ? rng.range(25, 140) : rng.range(0.8, 3.2)) * 10) / 10,
    connections: { total, max: MAX_CONNECTIONS, byState },
    longQueries,
    idleInTransaction,
    blocked,
    // about 250 MB a day of growth
    databaseSizeBytes: sizeBase + Math.floor((t - plan.sizeAnchor) / 1000) * 3_000,
    replicationLagMs: null,
  };
}
