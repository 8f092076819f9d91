/**
 * PostgreSQL and HTTP panels through an outage of a real server: a private
 * PostgreSQL (pg_ctl on a free port) killed and started again, an HTTP server
 * closed and listening again. The store is wired as Runtime.startNow wires it;
 * the panel keeps its last good figures, says how old they are and why, and
 * heals when the server is back.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSource } from '../../src/sources/postgres/index.js';
import { createHealthSource } from '../../src/sources/http/index.js';
import { Store } from '../../src/engine/store.js';
import { Watcher } from '../../src/engine/watcher.js';
import { holdDownDatabases, holdDownProbes } from '../../src/engine/outage.js';
import type { PanelId } from '../../src/model/panels.js';
import { errorMessage } from '../../src/text/sanitize.js';
import { framePanel } from '../../views/PanelFrame.js';
import type { Line } from '../../views/text.js';
import { startPgServer, type PgServer } from '../support/pgServer.js';
import { freePort } from '../support/redisServer.js';

const plain = (l: Line) => l.map((x) => x.text).join('');
const INTERVALS: Record<PanelId, number> = { ecs: 1000, rds: 1000, logs: 1000, queues: 1000, postgres: 100, health: 100, metrics: 1000 };

function wired<K extends 'postgres' | 'health'>(store: Store, id: K, poll: (sig: AbortSignal) => Promise<unknown>, stop: AbortSignal): Watcher<unknown> {
  const w = new Watcher<unknown>({ name: id, intervalMs: 100, maxBackoffMs: 200, poll, signal: stop, onData: (d) => store.succeed(id, d as never), onError: (err) => store.fail(id, errorMessage(err)) });
  w.start();
  return w;
}

const screenOf = (store: Store, id: 'postgres' | 'health', now: number) => framePanel({ id, snap: store.get(id), width: 140, height: 10, now, focused: false, detail: false, filter: '', selected: 0 }).map(plain);

describe('PostgreSQL panel through an outage of its server', () => {
  let server: PgServer;
  beforeAll(async () => {
    server = await startPgServer();
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
  });

  it('one database of two down: its row keeps its last good figures with their age; the other stays live; both heal', async () => {
    const src = createPostgresSource([
      { name: 'private', url: server.url('postgres') },
      { name: 'shared', url: 'postgres://postgres@127.0.0.1:5432/postgres' },
    ], { connectTimeoutMs: 1_000 });
    const store = new Store({ intervals: INTERVALS, coalesceMs: 0 });
    const stop = new AbortController();
    try {
      wired(store, 'postgres', async (sig) => holdDownDatabases(await src.read(sig), store.get('postgres')), stop.signal);
      await expect.poll(() => store.get('postgres').data?.databases.length, { timeout: 10_000 }).toBe(2);
      const goodAt = store.get('postgres').updatedAt!;

      await server.kill();
      await expect.poll(() => store.get('postgres').data?.errors?.map((e) => e.name), { timeout: 15_000, message: 'the private database in errors' }).toEqual(['private']);
      const snap = store.get('postgres');
      expect(snap.status).toBe('ok');
      expect(snap.data!.databases.map((d) => d.name)).toEqual(['shared']);
      // the last good figures of the down database, dated from its last good read
      expect(snap.data!.held).toEqual([{ db: expect.objectContaining({ name: 'private' }), at: expect.any(Number) }]);
      expect(snap.data!.held![0]!.at).toBeGreaterThanOrEqual(goodAt);
      expect(snap.data!.held![0]!.at).toBeLessThan(snap.updatedAt!);
      const at = snap.data!.held![0]!.at;
      // it stays dated from before the outage over the next refreshes
      const seen = snap.updatedAt!;
      await expect.poll(() => store.get('postgres').updatedAt! > seen).toBe(true);
      expect(store.get('postgres').data!.held![0]!.at).toBe(at);

      const screen = screenOf(store, 'postgres', at + 42_000);
      expect(screen.join('\n')).toMatch(/private .*(refused|connect)/);
      expect(screen.join('\n')).toMatch(/last good 42s ago: rtt \S+ {2}conns \d+\/\d+/);
      expect(screen.join('\n')).toMatch(/shared {2}rtt/);

      await server.start();
      await expect.poll(() => store.get('postgres').data?.databases.length, { timeout: 20_000, message: 'the private database back' }).toBe(2);
      expect(store.get('postgres').data!.held).toBeUndefined();
      expect(store.get('postgres').data!.errors ?? []).toEqual([]);
    } finally {
      stop.abort();
      await src.close();
    }
  }, 60_000);

  it('its only database down: the panel keeps everything, titled stale with its age, the error above; heals', async () => {
    const src = createPostgresSource([{ name: 'private', url: server.url('postgres') }], { connectTimeoutMs: 1_000 });
    const store = new Store({ intervals: INTERVALS, coalesceMs: 0 });
    const stop = new AbortController();
    try {
      wired(store, 'postgres', async (sig) => holdDownDatabases(await src.read(sig), store.get('postgres')), stop.signal);
      await expect.poll(() => store.get('postgres').status, { timeout: 10_000 }).toBe('ok');

      await server.kill();
      await expect.poll(() => store.get('postgres').status, { timeout: 15_000 }).toBe('error');
      const failed = store.get('postgres');
      // the last good read, kept: it predates the failed attempt
      expect(failed.data!.databases.map((d) => d.name)).toEqual(['private']);
      expect(failed.attemptedAt!).toBeGreaterThan(failed.updatedAt!);
      const screen = screenOf(store, 'postgres', failed.updatedAt! + 90_000);
      expect(screen[0]).toMatch(/ 5 Postgres .* stale 1m /);
      expect(screen[1]).toMatch(/✗ .*private.* · showing data from 1m ago/);
      expect(screen.join('\n')).toMatch(/private {2}rtt/);

      await server.start();
      await expect.poll(() => store.get('postgres').status, { timeout: 20_000, message: 'the panel to heal' }).toBe('ok');
      expect(store.get('postgres').error).toBeUndefined();
    } finally {
      stop.abort();
      await src.close();
    }
  }, 60_000);
});

describe('HTTP panel through an outage of the probed server', () => {
  let port: number;
  let http: Server | undefined;
  const listen = () =>
    new Promise<void>((resolve) => {
      http = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'ok', version: '1.4.2' }));
      });
      http.listen(port, '127.0.0.1', () => resolve());
    });
  const close = () =>
    new Promise<void>((resolve) => {
      http!.closeAllConnections();
      http!.close(() => resolve());
    });
  beforeAll(async () => {
    port = await freePort();
    await listen();
  });
  afterAll(async () => {
    if (http?.listening) await close();
  });

  it('a probe that stops answering keeps its last good answer on its row, dated; the check still sees it down; heals', async () => {
    const src = createHealthSource([{ name: 'app', url: `http://127.0.0.1:${port}/health`, timeoutMs: 1_000 }]);
    const store = new Store({ intervals: INTERVALS, coalesceMs: 0 });
    const stop = new AbortController();
    try {
      wired(store, 'health', async (sig) => holdDownProbes(await src.probe(sig), store.get('health').data), stop.signal);
      await expect.poll(() => store.get('health').data?.probes[0]?.ok, { timeout: 10_000 }).toBe(true);
      const good = store.get('health').data!.probes[0]!;
      expect(good.fields['version']).toBe('1.4.2');

      await close();
      await expect.poll(() => store.get('health').data?.probes[0]?.ok, { timeout: 10_000, message: 'the probe to fail' }).toBe(false);
      const down = store.get('health').data!.probes[0]!;
      // the failure is the fact the check judges; the last good answer rides along for the row
      expect(down.problems.join(' ')).toMatch(/refused|connect/);
      expect(down.lastOk).toEqual({ status: 200, latencyMs: expect.any(Number), fields: good.fields, at: expect.any(Number) });
      const at = down.lastOk!.at;
      const screen = screenOf(store, 'health', at + 42_000).join('\n');
      expect(screen).toMatch(/app .*1\.4\.2.*(refused|connect).* · last ok 42s ago: 200 /);
      // the next failed refreshes keep the same last good answer
      await expect.poll(() => store.get('health').data!.probes[0]!.checkedAt > down.checkedAt).toBe(true);
      expect(store.get('health').data!.probes[0]!.lastOk!.at).toBe(at);

      await listen();
      await expect.poll(() => store.get('health').data?.probes[0]?.ok, { timeout: 10_000, message: 'the probe to heal' }).toBe(true);
      expect(store.get('health').data!.probes[0]!.lastOk).toBeUndefined();
    } finally {
      stop.abort();
      await src.close?.();
    }
  }, 30_000);
});
