/**
 * The store dies under a stream of actions, on a private server: the records
 * made meanwhile go to this machine's journal and the spool, the header's
 * line says so, and once the server is back the uploader sends them. Compared
 * afterwards: every record exactly once, in the order it was made, the chain
 * intact; the local journal has them all too.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startPgServer, type PgServer } from '../support/pgServer.js';
import { openJournal, teamStatusLine, type SharedJournal } from '../../src/team/sharedJournal.js';
import { readChain, verifyChain } from '../../src/team/chain.js';
import { openTeamStore } from '../../src/team/store.js';
import { TeamSpool } from '../../src/team/spool.js';
import { useTempStateDir } from '../support/tempState.js';

useTempStateDir();
let server: PgServer;

beforeAll(async () => {
  server = await startPgServer();
}, 90_000);
afterAll(async () => {
  await server?.destroy();
});

const entry = (i: number) => ({
  operator: { user: 'ana', host: 'laptop' },
  environment: 'prod',
  action: 'scale',
  target: `prod/api-${i}`,
  phase: 'intent' as const,
  plan: { i },
  phraseAccepted: true,
  outcome: null,
  detail: `record ${i}`,
  requestIds: [],
  durationMs: null,
});

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the team store goes away mid-action', () => {
  it('records go local while it is down and are sent once, in order, when it is back', { timeout: 120_000 }, async () => {
    const chosen = await openJournal(server.url(), process.env, { connectTimeoutMs: 1_000, statementTimeoutMs: 2_000 });
    const shared = chosen.shared as SharedJournal;
    expect(shared).toBeDefined();
    const lines: (string | undefined)[] = [];
    shared.status.subscribe(() => lines.push(teamStatusLine(shared.status.get())));

    // an operator acting steadily: a record every 20 ms, whatever the store does
    let stop = false;
    let made = 0;
    const writer = (async () => {
      while (!stop) {
        await shared.append(entry(made));
        made++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    await until('records online', () => made >= 10, 20_000);
    await server.kill();
    await until('the store to be missed', () => !shared.status.get().reachable, 20_000);
    await until('records made while it is down', () => shared.status.get().unsent >= 15, 20_000);
    const whileDown = shared.status.get().unsent;
    expect(teamStatusLine(shared.status.get())).toMatch(/^team store unreachable: recording locally \(\d+ unsent\)$/);
    expect(new TeamSpool(`${process.env.OPSDECK_STATE_DIR}/team-spool.jsonl`, `127.0.0.1:${server.port}/postgres`).pending().length).toBeGreaterThanOrEqual(whileDown);

    await server.start();
    // the uploader retries on its own; records keep coming meanwhile and queue behind the spool
    await until('the spool to be sent', () => shared.status.get().reachable && shared.status.get().unsent === 0, 60_000);
    stop = true;
    await writer;
    await shared.close();

    const store = openTeamStore(server.url());
    try {
      const records = await readChain(store.pool, { environment: 'prod' });
      const inOrder = [...records].sort((a, b) => a.seq - b.seq);
      expect(inOrder.map((r) => r.target)).toEqual(Array.from({ length: made }, (_, i) => `prod/api-${i}`));
      expect(await verifyChain(store.pool, 'prod')).toEqual({ ok: true, count: made });
      // each row remembers the writer's local seq, which its progress and reconcile records point at
      const origins = await store.pool.query<{ origin_seq: string; target: string }>(`SELECT origin_seq, target FROM opsdeck.journal ORDER BY seq`);
      expect(origins.rows.map((r) => `${r.origin_seq} ${r.target}`)).toEqual(Array.from({ length: made }, (_, i) => `${i + 1} prod/api-${i}`));
    } finally {
      await store.close();
    }
    expect(chosen.shared!.local.read().map((r) => r.target)).toEqual(Array.from({ length: made }, (_, i) => `prod/api-${i}`));
    expect(chosen.shared!.local.verify()).toEqual({ ok: true, count: made });
    expect(lines.some((l) => l?.startsWith('team store unreachable'))).toBe(true);
    expect(teamStatusLine(shared.status.get())).toBeUndefined();
    console.log(`team offline: ${made} records, ${whileDown}+ made while the store was down, all sent once and in order after the restart; chain verified`);
  });

  it('a journal opened while the store is down starts recording locally and says so', async () => {
    await server.kill();
    try {
      const chosen = await openJournal(server.url(), process.env, { connectTimeoutMs: 500, statementTimeoutMs: 1_000 });
      expect(chosen.warning).toMatch(/^team store 127\.0\.0\.1:\d+ does not answer \(.+\): recording locally until it does$/);
      await chosen.journal.append(entry(0));
      expect(chosen.shared!.status.get()).toMatchObject({ reachable: false, unsent: 1 });
      await chosen.shared!.close();
    } finally {
      await server.start();
    }
    // the next run sends what the last one left
    const next = await openJournal(server.url(), process.env);
    await until('the leftover to be sent', () => next.shared!.status.get().unsent === 0 && next.shared!.status.get().reachable, 20_000);
    await next.shared!.close();
    const store = openTeamStore(server.url());
    try {
      expect((await store.pool.query(`SELECT count(*)::int AS n FROM opsdeck.journal WHERE target = 'prod/api-0'`)).rows[0].n).toBe(2);
    } finally {
      await store.close();
    }
  });
});
