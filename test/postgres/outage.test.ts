// A private PostgreSQL: exact connection counts (nobody else connects), and a
// server killed in the middle of a read, then started again on the same port.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPostgresSource, type PgSourceHandle } from '../../src/sources/postgres/index.js';
import { startPgServer, type PgServer } from '../support/pgServer.js';
import { createTestDatabase, type TestDatabase } from './helpers.js';

const signal = () => new AbortController().signal;

let server: PgServer;
let db: TestDatabase;
let source: PgSourceHandle;

beforeAll(async () => {
  server = await startPgServer({ max_connections: '25' });
  db = await createTestDatabase(`postgres://postgres@127.0.0.1:${server.port}`, 'outage');
  // a long statement timeout, so only the kill can end the read held up below
  source = createPostgresSource([{ name: 'private', url: db.url }], { statementTimeoutMs: 20_000, connectTimeoutMs: 2_000 });
}, 60_000);

afterAll(async () => {
  await source?.close();
  await db?.drop();
  await server?.destroy();
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: Error) => e.message,
  );

describe('PostgreSQL source on a private server', () => {
  it('counts every connection by state against max_connections', async () => {
    await source.read(signal()); // the source's one pooled connection exists from here on
    const idle = await Promise.all([db.client(), db.client(), db.client()]);
    const inTx = await db.client();
    await inTx.query('BEGIN');
    await inTx.query('SELECT 1');
    const d = (await source.read(signal())).databases[0]!;
    // three idle, one idle in transaction, and the source's own connection, active while it counts
    expect(d.connections).toEqual({ total: 5, max: 25, byState: { idle: 3, 'idle in transaction': 1, active: 1 } });
    await inTx.query('ROLLBACK');
    await Promise.all([...idle, inTx].map((c) => c.end()));
  });

  it('keeps reading on its pooled connection when the server is full, and says why a new one is refused', async () => {
    await source.read(signal());
    const hogs = [];
    let refused: unknown;
    while (hogs.length < 30 && refused === undefined) {
      try {
        hogs.push(await db.client('hog'));
      } catch (err) {
        refused = err;
      }
    }
    expect(refused).toMatchObject({ code: '53300' });
    try {
      const d = (await source.read(signal())).databases[0]!;
      expect(d.connections.total).toBe(25);
      expect(d.connections.max).toBe(25);
      const fresh = createPostgresSource([{ name: 'fresh', url: db.url }]);
      await expect(fresh.read(signal())).rejects.toThrow(
        `fresh: 127.0.0.1:${server.port} refuses new connections: sorry, too many clients already (max_connections reached)`,
      );
      await fresh.close();
    } finally {
      await Promise.all(hogs.map((c) => c.end()));
    }
  });

  it('fails with one line when the server dies mid-read, and recovers when it is back on the same port', async () => {
    const where = `127.0.0.1:${server.port}`;
    expect((await source.read(signal())).databases).toHaveLength(1);

    // Hold the source's read up on a lock, so the kill lands while it is in flight.
    const locker = await db.client('locker');
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE pg_catalog.pg_stat_activity IN ACCESS EXCLUSIVE MODE');
    const inFlight = failure(source.read(signal()));
    await expect
      .poll(async () => (await locker.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'opsdeck' AND wait_event_type = 'Lock'")).rowCount, {
        message: 'the source to wait on the lock',
      })
      .toBeGreaterThan(0);
    await server.kill();

    const lost = await inFlight;
    expect(lost).toBe(`private: connection to ${where} lost (the server closed it)`);

    // Once the pool has dropped the dead connections, a read cannot connect at all.
    const refused = await vi.waitFor(async () => {
      const m = await failure(source.read(signal()));
      expect(m).toContain('ECONNREFUSED');
      return m;
    }, { timeout: 5_000 });
    expect(refused).toBe(`private: cannot connect to ${where} (ECONNREFUSED)`);

    await server.start();
    const back = await vi.waitFor(async () => {
      const d = (await source.read(signal())).databases[0];
      expect(d, 'recovery').toBeDefined();
      return d!;
    }, { timeout: 15_000 });
    expect(back.name).toBe('private');
    expect(back.connections.max).toBe(25);
  });
});
