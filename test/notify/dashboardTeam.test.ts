/**
 * The dashboard's incident notices in team mode: the incident lives in the
 * team store, so the status-page draft on its start and on a note is read
 * from the shared timeline (the local one holds nothing). Started, noted and
 * ended through runDashboard against the real PostgreSQL.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { rmSync } from 'node:fs';
import { openEnvironment } from '../../src/cli/environment.js';
import { runDashboard } from '../../src/dashboard/run.js';
import { startReceiver, type Receiver } from './receiver.js';
import { notifySetup, type Setup } from './support.js';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';

let r: Receiver;
let s: Setup;
let db: TestDatabase;
beforeAll(async () => {
  r = await startReceiver();
  s = notifySetup(r);
  db = await createTestDatabase(undefined, 'notify_team');
});
afterAll(async () => {
  await r?.close();
  await db?.drop();
  rmSync(s.dir, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((d) => setTimeout(d, 50));
  }
}

test('a team incident started, noted and ended in the dashboard: each notice carries the draft from the shared timeline', async () => {
  const env = { ...process.env, ...s.env, OPSDECK_TEAM_DB: db.url } as NodeJS.ProcessEnv;
  for (const [k, v] of Object.entries(s.env)) if (v === undefined) delete env[k];
  env.OPSDECK_STATE_DIR = `${s.env.OPSDECK_STATE_DIR}-team`;
  const first = await openEnvironment({ demo: true, config: s.config }, env);
  const replies: string[] = [];
  await runDashboard({
    first,
    open: () => Promise.reject(new Error('no switching here')),
    names: [],
    processEnv: env,
    logSinceMs: 15 * 60_000,
    noColor: true,
    report: () => undefined,
    launch: async (view) => {
      const incident = view.incident!;
      replies.push(incident.start('checkout slow').message);
      await until('the shared incident to open', () => incident.getState().status !== undefined);
      await until('the start notice', () => r.received.some((x) => x.kind === 'webhook' && (x.body as { event: string }).event === 'incident.started'));
      replies.push(incident.note('workers saturated, scaling out').message);
      await until('the note notice', () => r.received.some((x) => x.kind === 'webhook' && (x.body as { event: string }).event === 'incident.updated'));
      replies.push(incident.end().message);
      await until('the end notice', () => r.received.some((x) => x.kind === 'webhook' && (x.body as { event: string }).event === 'incident.ended'));
    },
  });
  expect(replies[0]).toMatch(/starting the team incident "checkout slow"/);
  const hook = r.received.filter((x) => x.kind === 'webhook').map((x) => x.body as { event: string; statusPage?: string; note?: string });
  expect(hook.map((b) => b.event)).toEqual(['incident.started', 'incident.updated', 'incident.ended']);
  expect(hook[0]!.statusPage).toMatch(/^\[Investigating\] /);
  expect(hook[1]).toMatchObject({ note: 'workers saturated, scaling out' });
  expect(hook[1]!.statusPage).toMatch(/^\[(Investigating|Identified)\] /);
  expect(hook[2]!.statusPage).toMatch(/^\[Resolved\]/);
}, 90_000);
