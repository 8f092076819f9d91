/**
 * Real PostgreSQL behind the sandbox's RDS, so a backup drill in the demo and
 * in tests runs real queries. Three kinds of database, all seeded alike and
 * deterministically (users, orders, order_items):
 *
 *   the snapshot   what the nightly backup holds; nobody connects to it after seeding
 *   production     the snapshot plus what was written since (≈0.5 % more rows)
 *   one copy       per restored instance, made from the snapshot when RDS restores it
 *
 * Copies come from the snapshot, not from production: CREATE DATABASE …
 * TEMPLATE refuses a template anyone is connected to, and the drill is
 * connected to production while it counts; and a backup is older than
 * production, which is what the drill's row-count tolerance is for.
 *
 * Where a PostgreSQL server answers (DATABASE_URL, else 127.0.0.1:5432), each
 * is a database on it (CREATE DATABASE … TEMPLATE). Where none does, each is
 * an embedded PGlite served over the wire protocol on its own localhost port,
 * so `pg` talks to it like to any server; a copy is a PGlite loaded from a
 * dump of the snapshot's data directory, the same bytes a template copies.
 * OPSDECK_SANDBOX_PG=pglite|postgres forces one. Everything is dropped when
 * its instance is deleted and on close().
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';
import type { RdsControl } from '../../actions/rds/context.js';
import type { DrillEndpoints } from '../../drills/setup.js';
import type { ConnectionTarget } from '../../drills/sql.js';
import { errorMessage } from '../../text/sanitize.js';
import type { Endpoint } from './rds.js';
import type { Sandbox } from './index.js';

export type DrillDatabaseMode = 'postgres' | 'pglite';
export const STALE_TABLES = ['users', 'orders', 'order_items'] as const;

export interface DrillDatabaseOptions {
  /** auto (default): a server if one answers, else PGlite */
  mode?: 'auto' | DrillDatabaseMode;
  /** the server to create databases on; default DATABASE_URL, else postgres://127.0.0.1:5432/postgres */
  url?: string;
  /** a stale backup: every copy lacks this share of a table's rows (OPSDECK_SANDBOX_STALE=orders:0.1) */
  stale?: { table: (typeof STALE_TABLES)[number]; fraction: number };
  connectTimeoutMs?: number;
}

export interface SandboxDrillDatabase {
  readonly mode: DrillDatabaseMode;
  /** one line: where the databases live */
  readonly where: string;
  /** the drill's endpoints in the sandbox: production is the seeded database, a restored instance its copy */
  endpoints(base: DrillEndpoints): DrillEndpoints;
  /** the RDS port that makes a copy when RDS accepts a restore and drops it when RDS accepts the delete */
  control(rds: RdsControl): RdsControl;
  close(): Promise<void>;
}

const LOCAL_URL = 'postgres://127.0.0.1:5432/postgres';

export function drillDatabaseOptionsFromEnv(env: Record<string, string | undefined>): DrillDatabaseOptions {
  const mode = env.OPSDECK_SANDBOX_PG || 'auto';
  if (mode !== 'auto' && mode !== 'postgres' && mode !== 'pglite') throw new Error(`OPSDECK_SANDBOX_PG is "${mode}"; use pglite, postgres or auto`);
  const opts: DrillDatabaseOptions = { mode, url: env.DATABASE_URL || LOCAL_URL };
  if (env.OPSDECK_SANDBOX_STALE) {
    const m = /^([a-z_]+):(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(env.OPSDECK_SANDBOX_STALE);
    const table = STALE_TABLES.find((t) => t === m?.[1]);
    if (!m || !table) throw new Error(`OPSDECK_SANDBOX_STALE is "${env.OPSDECK_SANDBOX_STALE}"; write TABLE:FRACTION, e.g. orders:0.1 (tables: ${STALE_TABLES.join(', ')})`);
    opts.stale = { table, fraction: Number(m[2]) };
  }
  return opts;
}

// ---- the data -------------------------------------------------------------

const BASE = { users: 2400, orders: 6200, items: 15500 };
const GROWTH = { users: 12, orders: 31, items: 77 };

const SCHEMA = `
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, full_name text NOT NULL, country text NOT NULL, plan text NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE, status text NOT NULL, currency text NOT NULL, total_cents bigint NOT NULL DEFAULT 0, created_at timestamptz NOT NULL);
CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders ON DELETE CASCADE, sku text NOT NULL, quantity int NOT NULL CHECK (quantity > 0), unit_price_cents int NOT NULL);
CREATE INDEX orders_user_id ON orders (user_id);
CREATE INDEX order_items_order_id ON order_items (order_id);`;

const FIRST = ['Anna', 'Ben', 'Chloé', 'David', 'Elif', 'Farah', 'Gustav', 'Hannah', 'Ivan', 'Julia', 'Kenji', 'Lena', 'Mateo', 'Nora', 'Oskar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tariq', 'Ursula', 'Viktor', 'Wen', 'Yara'];
const LAST = ['Andersson', 'Bauer', 'Costa', 'Dubois', 'Evans', 'Fischer', 'García', 'Hansen', 'Ivanova', 'Jensen', 'Kowalski', 'Laurent', 'Müller', 'Novak', "O'Brien", 'Petrov', 'Rossi', 'Schmidt', 'Tanaka', 'Weber'];
const arr = (items: string[]) => `ARRAY[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(',')}]`;

/** Rows from..to of each table; every order gets one to three items. Pure arithmetic on the id: identical everywhere. */
function rows(u: [number, number], o: [number, number], it: [number, number]): string {
  const slug = (col: string) => `translate(lower(${col}), 'éíá''ü', 'eiaxu')`;
  return `
INSERT INTO users SELECT i, ${slug('f')} || '.' || ${slug('l')} || i || '@' || (${arr(['example.com', 'example.org', 'mail.example.net'])})[1 + i % 3],
  f || ' ' || l, (${arr(['DE', 'FR', 'NL', 'GB', 'US', 'ES', 'IT', 'SE', 'PL', 'IE'])})[1 + (i * 7) % 10],
  (${arr(['free', 'free', 'free', 'team', 'team', 'business'])})[1 + (i * 13) % 6], timestamptz '2024-01-01 00:00:00+00' + i * interval '4 hours 7 minutes'
FROM generate_series(${u[0]}, ${u[1]}) AS i, LATERAL (SELECT (${arr(FIRST)})[1 + (i * 31) % ${FIRST.length}] AS f, (${arr(LAST)})[1 + (i * 17) % ${LAST.length}] AS l) AS n;
INSERT INTO orders SELECT i, 1 + (i * 7919) % ${BASE.users}, (${arr(['paid', 'paid', 'paid', 'shipped', 'shipped', 'delivered', 'delivered', 'delivered', 'refunded', 'cancelled'])})[1 + (i * 11) % 10],
  (${arr(['EUR', 'EUR', 'EUR', 'GBP', 'USD'])})[1 + (i * 3) % 5], 0, timestamptz '2024-03-01 00:00:00+00' + i * interval '2 hours 31 minutes'
FROM generate_series(${o[0]}, ${o[1]}) AS i;
INSERT INTO order_items SELECT i, ${o[0]} + (i - ${it[0]}) % ${o[1] - o[0] + 1}, 'SKU-' || lpad(((i * 37) % 480 + 100)::text, 4, '0'), 1 + (i * 5) % 4, 199 + (i * 7727) % 9800
FROM generate_series(${it[0]}, ${it[1]}) AS i;
UPDATE orders SET total_cents = s.t FROM (SELECT order_id, sum(quantity * unit_price_cents) AS t FROM order_items GROUP BY order_id) AS s WHERE s.order_id = orders.id AND orders.id BETWEEN ${o[0]} AND ${o[1]};`;
}

const SNAPSHOT_SQL = SCHEMA + rows([1, BASE.users], [1, BASE.orders], [1, BASE.items]);
const GROWTH_SQL = rows([BASE.users + 1, BASE.users + GROWTH.users], [BASE.orders + 1, BASE.orders + GROWTH.orders], [BASE.items + 1, BASE.items + GROWTH.items]);
const staleSql = (s: DrillDatabaseOptions['stale']) => (s ? `DELETE FROM ${s.table} WHERE (id * 7919) % 1000 < ${Math.round(s.fraction * 1000)};` : '');

// ---- the two ways to serve it ---------------------------------------------

interface Served {
  endpoint: Endpoint;
  /** the database name to connect to; undefined: any (PGlite has one) */
  database?: string;
  user?: string;
  password?: string;
  drop(): Promise<void>;
}

interface Backend {
  mode: DrillDatabaseMode;
  where: string;
  production: Served;
  copy(): Promise<Served>;
  close(): Promise<void>;
}

/** pg takes the user from $USER when the URL names none, and a container often has no $USER. */
function withUser(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || process.env.PGUSER) return url;
    u.username = encodeURIComponent(userInfo().username);
    return u.toString();
  } catch {
    return url;
  }
}

async function postgresBackend(url: string, opts: DrillDatabaseOptions): Promise<Backend> {
  const admin = new pg.Client({ connectionString: withUser(url), connectionTimeoutMillis: opts.connectTimeoutMs ?? 1_500, application_name: 'opsdeck sandbox' });
  admin.on('error', () => undefined);
  await admin.connect();
  const at = { host: admin.host, port: admin.port, user: admin.user, password: typeof admin.password === 'string' ? admin.password : undefined };
  const unique = `${process.pid}_${randomBytes(3).toString('hex')}`;
  let queue: Promise<unknown> = Promise.resolve();
  // one CREATE/DROP at a time: a template must have no other user while it is copied
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const exec = async (database: string, sql: string) => {
    const c = new pg.Client({ ...at, database, application_name: 'opsdeck sandbox' });
    c.on('error', () => undefined);
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end().catch(() => undefined);
    }
  };
  const dropDb = (name: string) => serial(() => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined);
  const served = (database: string): Served => ({ endpoint: { host: at.host, port: at.port }, database, ...(at.user ? { user: at.user } : {}), ...(at.password ? { password: at.password } : {}), drop: () => dropDb(database) });

  const snapshot = `opsdeck_demo_snap_${unique}`;
  const source = `opsdeck_demo_src_${unique}`;
  const made: string[] = [];
  try {
    await serial(() => admin.query(`CREATE DATABASE ${snapshot}`));
    made.push(snapshot);
    await exec(snapshot, SNAPSHOT_SQL);
    await serial(() => admin.query(`CREATE DATABASE ${source} TEMPLATE ${snapshot}`));
    made.push(source);
    await exec(source, GROWTH_SQL);
  } catch (err) {
    for (const db of made.reverse()) await dropDb(db).catch(() => undefined);
    await admin.end().catch(() => undefined);
    throw err;
  }
  let n = 0;
  return {
    mode: 'postgres',
    where: `PostgreSQL at ${at.host}:${at.port} (databases opsdeck_demo_*_${unique})`,
    production: served(source),
    async copy() {
      const name = `opsdeck_demo_copy_${unique}_${++n}`;
      await serial(() => admin.query(`CREATE DATABASE ${name} TEMPLATE ${snapshot}`));
      if (opts.stale) await exec(name, staleSql(opts.stale));
      return served(name);
    },
    async close() {
      await dropDb(source).catch(() => undefined);
      await dropDb(snapshot).catch(() => undefined);
      await admin.end().catch(() => undefined);
    },
  };
}

// Loaded by a name the bundler cannot follow: PGlite finds its WASM and data files beside its own module.
const PGLITE = '@electric-sql/pglite';
const PGLITE_SOCKET = '@electric-sql/pglite-socket';

async function pgliteBackend(opts: DrillDatabaseOptions, why: string): Promise<Backend> {
  const { PGlite } = (await import(PGLITE)) as typeof import('@electric-sql/pglite');
  const { PGLiteSocketServer } = (await import(PGLITE_SOCKET)) as typeof import('@electric-sql/pglite-socket');
  const seeded = await PGlite.create();
  await seeded.exec(SNAPSHOT_SQL);
  const image = await seeded.dumpDataDir('none');
  await seeded.close();
  const serve = async (sql: string): Promise<Served> => {
    const db = await PGlite.create({ loadDataDir: image });
    if (sql) await db.exec(sql);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    let dropped: Promise<void> | undefined;
    return { endpoint: { host: '127.0.0.1', port }, drop: () => (dropped ??= server.stop().then(() => db.close())) };
  };
  const production = await serve(GROWTH_SQL);
  return {
    mode: 'pglite',
    where: `embedded PGlite on 127.0.0.1 (${why})`,
    production,
    copy: () => serve(staleSql(opts.stale)),
    close: () => production.drop(),
  };
}

async function openBackend(opts: DrillDatabaseOptions): Promise<Backend> {
  const mode = opts.mode ?? 'auto';
  const url = opts.url ?? LOCAL_URL;
  if (mode === 'pglite') return pgliteBackend(opts, 'OPSDECK_SANDBOX_PG=pglite');
  try {
    return await postgresBackend(url, opts);
  } catch (err) {
    if (mode === 'postgres') throw new Error(`OPSDECK_SANDBOX_PG=postgres, but the sandbox cannot use the server: ${errorMessage(err)}`);
    return pgliteBackend(opts, `no PostgreSQL server to use: ${errorMessage(err)}`);
  }
}

// ---- wired into the sandbox -----------------------------------------------

/** Seeds production and points the sandbox's restored instances at copies of the snapshot. */
export async function attachDrillDatabase(sandbox: Sandbox, opts: DrillDatabaseOptions = {}): Promise<SandboxDrillDatabase> {
  const backend = await openBackend(opts);
  const copies = new Map<string, { ready: Promise<Served>; served?: Served }>();
  const gone = new Set<string>();
  let closed = false;

  const ensure = (id: string) => {
    let c = copies.get(id);
    if (!c && !gone.has(id) && !closed) {
      const entry: { ready: Promise<Served>; served?: Served } = { ready: backend.copy() };
      entry.ready.then((s) => (entry.served = s)).catch(() => undefined);
      copies.set(id, (c = entry));
    }
    return c;
  };
  const drops = new Set<Promise<void>>();
  // RDS deletes in the background too: the call returns while the copy is dropped; close() waits for it
  const release = (id: string): Promise<void> => {
    gone.add(id);
    const c = copies.get(id);
    copies.delete(id);
    if (!c) return Promise.resolve();
    const drop: Promise<void> = c.ready.then((s) => s.drop()).catch(() => undefined).finally(() => drops.delete(drop));
    drops.add(drop);
    return drop;
  };
  // RDS publishes an endpoint once the instance exists; here, once its copy does
  sandbox.rds.setEndpoint((id) => ensure(id)?.served?.endpoint);

  return {
    mode: backend.mode,
    where: backend.where,
    endpoints: (base) => ({
      async connectionFor(id, role, signal): Promise<ConnectionTarget> {
        if (role === 'drill') await ready(id, signal);
        // the drill's user and database, at the instance's endpoint: a restored one's comes through setEndpoint
        const t = await base.connectionFor(id, role, signal);
        const s = role === 'source' ? backend.production : copies.get(id)?.served;
        if (!s) throw new Error(`the sandbox has no database for ${id}`);
        // the sandbox's own instance keeps its made-up host (setEndpoint covers restored ones only)
        const at = role === 'source' ? s.endpoint : { host: t.host, port: t.port };
        return { ...t, ...at, ...(s.database ? { database: s.database } : {}), ...(s.user ? { user: s.user } : {}), ...(s.password ? { password: s.password } : {}), ssl: false };
      },
    }),
    control: (rds) => ({
      ...rds,
      async restoreFromSnapshot(req, signal) {
        const res = await rds.restoreFromSnapshot(req, signal);
        ensure(req.newId);
        return res;
      },
      async deleteInstance(id, signal) {
        const res = await rds.deleteInstance(id, signal);
        void release(id);
        return res;
      },
    }),
    async close() {
      closed = true;
      await Promise.allSettled([...[...copies.keys()].map(release), ...drops]);
      await backend.close();
    },
  };

  async function ready(id: string, signal: AbortSignal): Promise<void> {
    const c = ensure(id);
    if (!c) throw new Error(`${id} was deleted; its sandbox database is gone`);
    signal.throwIfAborted();
    let onAbort = () => {};
    try {
      await Promise.race([c.ready, new Promise<never>((_, reject) => signal.addEventListener('abort', (onAbort = () => reject(signal.reason)), { once: true }))]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}
