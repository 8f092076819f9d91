/**
 * pg_stat_activity as the demo's `primary` database would show it. Connections
 * come from the connection pools of the running tasks, so scaling a service
 * visibly moves them; the db-saturation scenario adds a pool leak in the API
 * and a lock chain behind one idle-in-transaction session, whose sessions an
 * operator can cancel or terminate (PgSignals): terminating the holder frees
 * the chain.
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

export const HOLDER_PID = 4242;
const MIN = 60_000;

/** What operators did to the demo's backends: when each pid's query was cancelled or its session terminated. */
export class PgSignals {
  private readonly at = new Map<number, { how: 'cancel' | 'terminate'; t: number }>();

  /** the first signal counts: a terminated session cannot be cancelled later */
  record(pid: number, how: 'cancel' | 'terminate', t: number): void {
    const had = this.at.get(pid);
    if (!had || (had.how === 'cancel' && how === 'terminate')) this.at.set(pid, { how, t });
  }

  /** when `pid` stopped running its statement by `how` (terminate also ends the statement), at or before `t` */
  ended(pid: number, t: number, how?: 'terminate'): number | undefined {
    const s = this.at.get(pid);
    if (!s || s.t > t || (how && s.how !== how)) return undefined;
    return s.t;
  }
}

/** A session of the demo database with the facts pg_stat_activity has beyond the panel's. */
export interface SimBackend extends PgSession {
  application: string;
  client: string;
  backendStart: number;
  xactStart: number | null;
  queryStart: number;
  waitEvent: string | null;
  blockedBy: number[];
}

function session(pid: number, user: string, state: string, since: number, t: number, query: string): PgSession {
  return { pid, user, state, durationMs: Math.max(0, t - since), query };
}

/**
 * The staged lock chain and report at `t`, as the operators' signals left it:
 * a transaction left open (4242) holds a row lock; 5120 queues on it and 5127
 * behind 5120. Terminating 4242 rolls its transaction back: 5120 takes the
 * lock, commits, and 5127 follows, within the second. Cancelling 5120 makes
 * 5127 wait on 4242 directly.
 */
export function stagedBackends(since: number, t: number, signals: PgSignals): SimBackend[] {
  const holderGone = signals.ended(HOLDER_PID, t, 'terminate');
  const out: SimBackend[] = [];
  // a waiter shows from its first second of waiting
  const add = (b: Omit<SimBackend, 'durationMs'>, from: number, waits = false) => {
    if (t < from || (waits && t === from)) return;
    out.push({ ...b, durationMs: Math.max(0, t - b.queryStart) });
  };
  if (signals.ended(3117, t) === undefined) {
    add({ pid: 3117, user: 'metabase', state: 'active', application: 'Metabase v0.50.2', client: '10.0.7.40', backendStart: since - 4 * MIN - 2_000, xactStart: since - 4 * MIN, queryStart: since - 4 * MIN, waitEvent: null, blockedBy: [],
      query: "SELECT date_trunc('day', o.created_at) AS day, sum(i.amount) FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.created_at > now() - interval '400 days' GROUP BY 1 ORDER BY 1" }, since - 4 * MIN);
  }
  if (holderGone === undefined) {
    add({ pid: HOLDER_PID, user: 'app', state: 'idle in transaction', application: 'api (gunicorn)', client: '10.0.3.17', backendStart: since - 47 * MIN, xactStart: since - 2_000, queryStart: since, waitEvent: 'Client:ClientRead', blockedBy: [], query: "UPDATE orders SET status = 'refunded', updated_at = now() WHERE id = 81723" }, since);
  }
  const firstAt = since + 5 * MIN + 25_000;
  const first = signals.ended(5120, t);
  if (holderGone === undefined && first === undefined) {
    add({ pid: 5120, user: 'app', state: 'active', application: 'api (gunicorn)', client: '10.0.3.22', backendStart: since - 2 * 60 * MIN, xactStart: firstAt, queryStart: firstAt, waitEvent: 'Lock:transactionid', blockedBy: [HOLDER_PID], query: "UPDATE orders SET status = 'shipped', updated_at = now() WHERE id = 81723" }, firstAt, true);
  }
  const secondAt = since + 6 * MIN + 12_000;
  if (holderGone === undefined && signals.ended(5127, t) === undefined) {
    // behind 5120 in the lock's queue while 5120 waits; on the holder itself once 5120 is out of the way
    const by = first === undefined && t >= firstAt ? 5120 : HOLDER_PID;
    add({ pid: 5127, user: 'app', state: 'active', application: 'worker (rq)', client: '10.0.4.9', backendStart: since - 3 * 60 * MIN, xactStart: secondAt, queryStart: secondAt, waitEvent: 'Lock:tuple', blockedBy: [by], query: 'SELECT * FROM orders WHERE id = 81723 FOR UPDATE' }, secondAt, true);
  }
  return out;
}

/** The pool's other open transactions at `t`: they come and go within seconds. */
function churn(rng: ReturnType<typeof rngAt>, n: number, t: number): SimBackend[] {
  const out: SimBackend[] = [];
  for (let i = 0; i < n; i++) {
    const pid = 6000 + rng.int(0, 999);
    const since = t - rng.int(200, 9_000);
    out.push({ ...session(pid, 'app', 'idle in transaction', since, t, 'SELECT id, status FROM carts WHERE user_id = $1'), application: 'api (gunicorn)', client: '10.0.3.22', backendStart: since - 30 * MIN, xactStart: since - 100, queryStart: since, waitEvent: 'Client:ClientRead', blockedBy: [] });
  }
  return out;
}

const panelSession = ({ pid, user, state, durationMs, query }: SimBackend): PgSession => ({ pid, user, state, durationMs, query });

/** Every listed session of the demo database at `t`, with its pg_stat_activity facts: what the admin port reads a pid from. */
export function pgBackends(seed: number, t: number, plan: PgPlan, signals: PgSignals): SimBackend[] {
  return pgState(seed, t, plan, { api: 0, worker: 0, scheduler: 0, load: 1 }, signals).backends;
}

const NO_SIGNALS = new PgSignals();

/**
 * Session `pid` at `t` as pg_stat_activity has it: a listed one, or one whose
 * query was cancelled, which stays connected and idle (a terminated one is gone).
 */
export function pgBackend(seed: number, t: number, plan: PgPlan, signals: PgSignals, pid: number): SimBackend | undefined {
  const listed = pgBackends(seed, t, plan, signals).find((b) => b.pid === pid);
  if (listed || plan.lockChainSince === undefined || signals.ended(pid, t) === undefined || signals.ended(pid, t, 'terminate') !== undefined) return listed;
  const was = stagedBackends(plan.lockChainSince, t, NO_SIGNALS).find((b) => b.pid === pid);
  return was && { ...was, state: 'idle', xactStart: null, waitEvent: 'Client:ClientRead', blockedBy: [], durationMs: Math.max(0, t - was.queryStart) };
}
const isActive = (b: SimBackend) => b.state === 'active';

/** The random draws keep their order from before operators could signal, so a scenario reads the same figures. */
function pgState(seed: number, t: number, plan: PgPlan, load: PgLoad, signals: PgSignals) {
  const rng = rngAt(seed, 'pg:primary', t);
  // 7 pooled connections per API task, 4 per worker, 2 for the scheduler, 3 for admin tools
  let total = 3 + load.api * (7 + plan.leakPerApiTask) + load.worker * 4 + load.scheduler * 2;
  if (plan.leakPerApiTask > 0) total += rng.int(-2, 2);
  total = Math.max(1, Math.min(MAX_CONNECTIONS - 3, total));
  const since = plan.lockChainSince;
  const staged = since !== undefined && t >= since ? stagedBackends(since, t, signals) : undefined;
  const others = staged ? rng.int(2, 4) : 0;
  const activeDraw = staged ? rng.range(0.38, 0.45) : rng.range(1, 4);
  const backends = staged ? [...staged, ...churn(rng, others, t)] : [];
  // the sessions the signals ended went back to their pools as idle connections
  const unsignalled = staged && since !== undefined ? stagedBackends(since, t, NO_SIGNALS) : [];
  const endedActive = unsignalled.filter(isActive).length - (staged ?? []).filter(isActive).length;
  const holder = staged?.some((b) => b.pid === HOLDER_PID) ?? false;
  return { rng, total, staged, holder, others, activeDraw, endedActive, backends };
}

export function pgHealth(seed: number, t: number, plan: PgPlan, load: PgLoad, signals: PgSignals = new PgSignals()): PgHealth {
  const { rng, total, staged, holder, others, activeDraw, endedActive, backends } = pgState(seed, t, plan, load, signals);
  let idleInTx = staged ? (holder ? 1 : 0) + others : 0;
  let active = staged ? Math.max(0, Math.round(total * activeDraw) - endedActive) : Math.max(1, Math.round(activeDraw * load.load + load.worker * 0.5));
  active = Math.min(active, total - idleInTx);
  idleInTx = Math.min(idleInTx, total - active);
  const byState: Record<string, number> = { active, idle: total - active - idleInTx };
  if (idleInTx > 0) byState['idle in transaction'] = idleInTx;

  const longQueries: PgSession[] = [];
  const idleInTransaction: PgSession[] = [];
  const blocked: PgBlocked[] = [];
  for (const b of backends) {
    if (b.state === 'idle in transaction') idleInTransaction.push(panelSession(b));
    else if (b.blockedBy.length > 0) {
      blocked.push({ ...panelSession(b), blockedBy: b.blockedBy });
      if (b.durationMs >= 30_000) longQueries.push(panelSession(b));
    } else longQueries.push(panelSession(b));
  }
  const sizeBase = 18_700_000_000;
  return {
    name: 'primary',
    // the lock chain's holder is what keeps the round trips slow
    rttMs: Math.round((staged && holder ? rng.range(25, 140) : rng.range(0.8, 3.2)) * 10) / 10,
    connections: { total, max: MAX_CONNECTIONS, byState },
    longQueries,
    idleInTransaction,
    blocked,
    // about 250 MB a day of growth
    databaseSizeBytes: sizeBase + Math.floor((t - plan.sizeAnchor) / 1000) * 3_000,
    replicationLagMs: null,
  };
}
