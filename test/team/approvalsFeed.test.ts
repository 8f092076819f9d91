// The approvals screen's feed as the dashboard wires it (src/dashboard/approvals.ts tuiApprovals), on the real local PostgreSQL:
// another operator's request read from the team store, decided through the command line's code, and the shared incident's timeline
// holding the request, the decision (by whom) and the action's outcome.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';
import { opsdeck, type RunResult } from '../cli/run.js';
import { openEnvironment, type OpenedEnvironment } from '../../src/cli/environment.js';
import { executorDeps } from '../../src/cli/actionSetup.js';
import { tuiApprovals } from '../../src/dashboard/approvals.js';
import { openTeamStore, type TeamStore } from '../../src/team/store.js';
import { TeamIncidents } from '../../src/team/incidents.js';
import { summarise } from '../../src/incident/summary.js';
import { describeEntry } from '../../src/incident/format.js';
import type { TuiApprovalsHandle } from '../../src/dashboard/ports.js';

let db: TestDatabase;
let dir = '';
let config = '';
let env: Record<string, string>;
let team: TeamStore;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'approvals_feed');
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-approvals-feed-'));
  config = join(dir, 'opsdeck.yaml');
  writeFileSync(config, 'team:\n  store: ${OPSDECK_TEAM_DB}\nenvironments:\n  demo:\n    protected: true\n    approvals: { destructive: 1 }\n');
  env = { OPSDECK_STATE_DIR: join(dir, 'state'), OPSDECK_TEAM_DB: db.url, NODE_ENV: 'test' };
  team = openTeamStore(db.url);
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await team?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const as = (user: string, args: string[]): RunResult => opsdeck(['--demo', '--config', config, '--write', ...args], { env: { ...env, OPSDECK_OPERATOR_FOR_TESTS: user } });

/** A dashboard's feed as operator `user`: the demo opened from the config, the executor's deps opened in the background. */
async function dashboardFeed(user: string): Promise<{ feed: TuiApprovalsHandle; opened: OpenedEnvironment }> {
  const processEnv = { ...process.env, ...env, OPSDECK_OPERATOR_FOR_TESTS: user };
  const opened = await openEnvironment({ demo: true, config, write: true }, processEnv, { oneShot: true });
  const pending = executorDeps(opened, processEnv, () => undefined, 'dashboard');
  const feed = tuiApprovals(opened, pending, () => opened.info, processEnv);
  closers.push(async () => (feed.close(), await (await pending).close(), await opened.sources.close()));
  return { feed, opened };
}

describe('the approvals screen\'s feed on the team store', { timeout: 120_000 }, () => {
  it('bo reads ana\'s request and approves it with its id typed; ana\'s own is marked hers; the incident timeline tells it all', async () => {
    const incidents = new TeamIncidents(team, 'ana@h1');
    const started = await incidents.start('demo', 'api drain', Date.now() - 1_000);
    expect(started.started).toBe(true);

    const asked = as('ana', ['scale', 'api', '0', '--confirm', 'demo/api', '--reason', 'drain for the migration']);
    const id = /approval requested: request ([0-9A-Z]{6})/.exec(asked.stdout)?.[1];
    expect(id, asked.stdout + asked.stderr).toBeDefined();

    const bo = await dashboardFeed('bo');
    bo.feed.open();
    await expect.poll(() => bo.feed.getState().rows.map((r) => r.id), { timeout: 10_000 }).toEqual([id]);
    const row = bo.feed.getState().rows[0]!;
    expect(row).toMatchObject({ action: 'scale', target: 'demo/api', tier: 'destructive' });
    expect(row.refusal).toBeUndefined();
    expect(row.requester).toMatch(/^ana@/);
    expect(row.lines.join('\n')).toContain('drain for the migration');

    const ana = await dashboardFeed('ana');
    ana.feed.open();
    await expect.poll(() => ana.feed.getState().rows[0]?.refusal, { timeout: 10_000 }).toBe('you (ana) requested this: another operator must approve it');

    // a wrong id decides nothing; the right one (any case) approves, journaled in the shared chain
    bo.feed.decide(id!, 'approved', 'nope');
    await expect.poll(() => bo.feed.getState().result?.message, { timeout: 10_000 }).toBe(`refused: the confirmation "nope" is not ${id}: nothing was decided`);
    bo.feed.decide(id!, 'approved', id!.toLowerCase());
    await expect.poll(() => bo.feed.getState().result?.message, { timeout: 10_000 }).toMatch(new RegExp(`^approved: request ${id} \\(until`));
    await expect.poll(() => bo.feed.getState().rows, { timeout: 10_000 }).toEqual([]);
    // decided once: another decision is told who decided
    bo.feed.decide(id!, 'rejected', id!);
    await expect.poll(() => bo.feed.getState().result?.message, { timeout: 10_000 }).toMatch(new RegExp(`^refused: request ${id} is already approved by bo@`));

    const ran = as('ana', ['scale', 'api', '0', '--confirm', 'demo/api', '--reason', 'drain for the migration', '--approval', id!]);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);

    const open = await incidents.openIncident('demo');
    const record = await incidents.record(open!, env);
    const lines = record.entries.filter((e) => e.kind === 'action').map((e) => describeEntry(e));
    // (the journal's operator is the OS user, one here for both; the test seam plays the two-person rule's operators)
    const phases = record.entries.flatMap((e) => (e.kind === 'action' ? [`${e.phase} ${e.action}`] : []));
    expect(phases).toEqual(['requested scale', 'approved scale', 'refused reject', 'confirmed scale', 'done scale']);
    expect(lines.find((l) => l.startsWith('requested scale demo/api'))).toContain(`approval requested: request ${id} waits for another operator`);
    expect(lines.find((l) => l.startsWith('approved scale demo/api'))).toMatch(new RegExp(`approved request ${id} of ana@.* as bo@`));
    // one run from the request to its outcome, not a refusal and a second run
    const runs = summarise(record).runs.filter((r) => r.action === 'scale');
    expect(runs.map((r) => r.outcome)).toEqual(['done']);
  });
});
