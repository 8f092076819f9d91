// The two-person rule across two dashboards in real terminals, on one team store (the real local PostgreSQL): ana requests a
// destructive scale in the demo made protected with approvals by --config; bo opens the approvals screen, reads the plan,
// types the id; ana's action runs. Two operators are two processes with OPSDECK_OPERATOR_FOR_TESTS (honoured under NODE_ENV=test).
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInTmux, type TmuxSession } from './tmux.js';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';
import { opsdeck } from '../cli/run.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
let db: TestDatabase;
let dir = '';
let config = '';
const sessions: TmuxSession[] = [];

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'approvals_e2e');
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-approvals-e2e-'));
  config = join(dir, 'opsdeck.yaml');
  writeFileSync(config, 'team:\n  store: ${OPSDECK_TEAM_DB}\nenvironments:\n  demo:\n    protected: true\n    approvals: { destructive: 1 }\n');
});
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill();
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function dashboard(user: string, cols: number, rows: number): TmuxSession {
  const env = { NODE_ENV: 'test', OPSDECK_OPERATOR_FOR_TESTS: user, OPSDECK_TEAM_DB: db.url, OPSDECK_STATE_DIR: join(dir, `state-${user}-${cols}`) };
  const s = startInTmux(`env -u NO_COLOR -u FORCE_COLOR node ${BIN} --demo --config ${config} --write`, { cols, rows, env });
  sessions.push(s);
  return s;
}

async function intents(): Promise<string[]> {
  const c = await db.client();
  try {
    return (await c.query<{ detail: string }>(`SELECT record->>'detail' AS detail FROM opsdeck.journal WHERE action = 'scale' AND kind = 'intent'`)).rows.map((r) => r.detail);
  } finally {
    await c.end();
  }
}

const flat = (screen: string) => screen.replace(/[║│]/g, ' ').replace(/\s+/g, ' ');

describe('two dashboards, one team store', { timeout: 120_000 }, () => {
  for (const [cols, rows] of [[80, 24], [160, 48]] as const) {
    it(`at ${cols}x${rows}: ana requests a scale to 0, bo reads the plan on V and approves with the id, ana's scale runs`, async () => {
      const ana = dashboard('ana', cols, rows);
      const bo = dashboard('bo', cols, rows);
      await ana.waitFor((sc) => sc.includes('api') && sc.includes('ECS'), 'ana\'s dashboard', 20_000);
      await bo.waitFor((sc) => sc.includes('api') && sc.includes('ECS'), 'bo\'s dashboard', 20_000);

      ana.keys('s');
      await ana.waitFor((sc) => sc.includes('desired count'), 'the count prompt');
      ana.type('0');
      ana.keys('Enter');
      // a destructive plan asks why first; the reason travels with the request
      await ana.waitFor((sc) => sc.includes('reason> '), 'the plan and its reason line');
      ana.type('drain api for the failover drill');
      ana.keys('Enter');
      await ana.waitFor((sc) => sc.includes('Type demo/api to confirm'), 'the plan and its phrase');
      ana.type('demo/api');
      ana.keys('Enter');
      const waiting = await ana.waitFor((sc) => /waiting for approval \(request [0-9A-Z]{6}\)/.test(flat(sc)), 'the wait for approval', 15_000);
      const id = /request ([0-9A-Z]{6})/.exec(flat(waiting))![1]!;

      await bo.waitFor((sc) => sc.includes('1 approval pending'), 'bo\'s header counting the request', 15_000);
      bo.keys('V');
      await bo.waitFor((sc) => sc.includes(id) && sc.includes('ana@') && sc.includes('destructive'), 'the request on the approvals screen');
      bo.keys('Enter');
      const plan = await bo.waitFor((sc) => sc.includes(`request ${id}`) && sc.includes('desiredCount: 3 → 0'), 'the request\'s plan');
      expect(flat(plan)).toContain('ecs:UpdateService');
      // the approver reads why, in the requester's words
      expect(flat(plan)).toContain('drain api for the failover drill');
      // bo's own screen never offers ana's side: nothing ran yet
      expect(flat(ana.screen())).toContain(`waiting for approval (request ${id})`);
      bo.keys('Y');
      await bo.waitFor((sc) => sc.includes(`Type ${id} to approve it`), 'the typed confirmation');
      bo.type(id);
      bo.keys('Enter');
      await bo.waitFor((sc) => flat(sc).includes(`approved: request ${id}`), 'the approval');

      // ana's run goes ahead with the approval: the call is made and ECS scales the service down
      const done = await ana.waitFor((sc) => /running \d\/0|desired 0|done|scaled/.test(flat(sc)) && !flat(sc).includes('waiting for approval'), 'ana\'s action to run', 20_000);
      expect(flat(done)).not.toContain('refused');
      // the shared chain has ana's intent, with bo's approval used
      await expect.poll(async () => (await intents()).find((d) => d.includes(`request ${id}, used`)), { timeout: 15_000 }).toMatch(/approved by bo@/);
      const verify = opsdeck(['--demo', '--config', config, 'audit', '--verify'], { env: { NODE_ENV: 'test', OPSDECK_TEAM_DB: db.url, OPSDECK_STATE_DIR: join(dir, 'state-audit') } });
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(verify.stdout).toMatch(/audit journal demo in team store .*chain intact/);
      await bo.waitFor((sc) => sc.includes('Approvals · demo · 0 pending'), 'the request to leave bo\'s list', 10_000);
    });
  }
});
