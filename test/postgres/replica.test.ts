// Replication lag from both ends of a real streaming pair: a private primary and its standby.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { createPostgresSource, type PgSourceHandle } from '../../src/sources/postgres/index.js';
import { startPgReplica, startPgServer, type PgServer } from '../support/pgServer.js';

const signal = () => new AbortController().signal;

let primary: PgServer;
let standby: PgServer;
let source: PgSourceHandle;

beforeAll(async () => {
  primary = await startPgServer();
  standby = await startPgReplica(primary);
  source = createPostgresSource([
    { name: 'primary', url: primary.url() },
    { name: 'standby', url: standby.url() },
  ]);
}, 60_000);

afterAll(async () => {
  await source?.close();
  await standby?.destroy();
  await primary?.destroy();
});

describe('replication lag', () => {
  it('is a figure on the primary once the standby streams, and on the standby itself', async () => {
    const snap = await vi.waitFor(
      async () => {
        const s = await source.read(signal());
        expect(s.databases.map((d) => d.replicationLagMs !== null), 'the standby to stream').toEqual([true, true]);
        return s;
      },
      { timeout: 15_000 },
    );
    for (const d of snap.databases) {
      expect(d.replicationLagMs).toBeGreaterThanOrEqual(0);
      expect(d.replicationLagMs).toBeLessThan(60_000);
    }
  });

  it('a standby that stops replaying shows a growing lag, and none once it catches up', async () => {
    const standbyLag = async () => (await source.read(signal())).databases.find((x) => x.name === 'standby')?.replicationLagMs;
    const writer = new pg.Client({ connectionString: primary.url() });
    const dba = new pg.Client({ connectionString: standby.url() });
    await Promise.all([writer.connect(), dba.connect()]);
    try {
      await writer.query('CREATE TABLE beat (at timestamptz)');
      await writer.query('INSERT INTO beat VALUES (now())');
      // The row itself on the standby, not only lag 0: a lag of 0 also reads
      // before the WAL arrives, and a standby that has replayed no transaction
      // yet has no replay time to measure a lag from.
      await expect
        .poll(async () => (await dba.query<{ n: number }>('SELECT count(*)::int AS n FROM beat').catch(() => ({ rows: [{ n: 0 }] }))).rows[0]?.n, {
          timeout: 20_000,
          message: 'the standby to replay the first row',
        })
        .toBe(1);
      await expect.poll(standbyLag, { timeout: 20_000, message: 'the standby to catch up' }).toBe(0);

      await dba.query('SELECT pg_wal_replay_pause()');
      await writer.query('INSERT INTO beat VALUES (now())');
      const first = await vi.waitFor(async () => {
        const lag = await standbyLag();
        expect(lag, 'a lag while replay is paused').toBeGreaterThan(0);
        return lag!;
      }, { timeout: 20_000 });
      await expect.poll(async () => (await standbyLag()) ?? 0, { timeout: 20_000, message: 'the lag to grow' }).toBeGreaterThan(first);

      await dba.query('SELECT pg_wal_replay_resume()');
      await expect.poll(standbyLag, { timeout: 20_000, message: 'the standby to catch up again' }).toBe(0);
    } finally {
      await dba.query('SELECT pg_wal_replay_resume()').catch(() => {});
      await Promise.all([writer.end(), dba.end()]);
    }
  }, 90_000);
});
