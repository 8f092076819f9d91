// Drill history: a real drill on the sandbox (real PostgreSQL behind it) leaves
// its line locally; the team store on a real PostgreSQL (a database of this
// file's own, dropped after) gets it, once, also when it was down during the
// drill; `drill history` (the built binary) lists it with the RTO trend; the
// drill checks judge age and RTO on a clock moved forward.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drillHarness, leftoverDatabases, START, type DrillHarness } from './support.js';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';
import { historyPath, readHistory, summaryOf, type DrillSummary } from '../../src/drills/history.js';
import { loadDrillHistory, uploadDrillHistory } from '../../src/drills/historySource.js';
import { listDrillReports } from '../../src/team/drillReports.js';
import { openTeamStore } from '../../src/team/store.js';
import { runChecks } from '../../src/checks/run.js';
import { checkSettings } from '../../src/checks/evaluate.js';
import { DRILL_CHECKS } from '../../src/checks/rules/drills.js';
import { createSandbox } from '../../src/sources/sandbox/index.js';
import { ManualClock } from '../../src/engine/clock.js';
import { opsdeck } from '../cli/run.js';
import { EXIT } from '../../src/cli/exit.js';

const DAY = 86_400_000;
const DOWN = 'postgres://postgres:pw-never-shown@127.0.0.1:1/nowhere';
let db: TestDatabase;
let h: DrillHarness | undefined;

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'drillhist');
});
afterAll(async () => {
  await db?.drop();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  expect(await leftoverDatabases()).toEqual([]);
});

async function storeRows(): Promise<DrillSummary[]> {
  const s = openTeamStore(db.url);
  try {
    return await listDrillReports(s.pool, 'demo');
  } finally {
    await s.close();
  }
}

describe('drill history', () => {
  it('keeps every drill locally, sends it to the team store once, and one made while the store was down later, once', async () => {
    h = await drillHarness();
    const first = await h.drill();
    expect(first.outcome, first.message).toBe('passed');
    const local = readHistory('demo', h.env);
    expect(local).toEqual([summaryOf(first)]);
    expect(local[0]).toMatchObject({ id: first.runId, instance: 'demo-db', snapshot: 'rds:demo-db-2026-11-22-03-10', outcome: 'ok', rtoSeconds: first.rtoMs! / 1000 });
    expect(local[0]!.summary).toEqual({ result: 'passed', parity: 100, tables: { passed: 3, total: 3 }, assertions: { passed: 1, total: 1 }, failed: [], message: '4/4 checks passed' });

    const warnings: string[] = [];
    const warn = (w: string) => warnings.push(w);
    expect(await uploadDrillHistory({ environment: 'demo', teamStore: db.url, processEnv: h.env, warn })).toBe(1);
    expect(await storeRows()).toEqual(local);

    // the next drill, with the store away: kept here, the password in no warning
    h.clock.advance(3_600_000);
    const second = await h.drill();
    expect(second.outcome, second.message).toBe('passed');
    expect(await uploadDrillHistory({ environment: 'demo', teamStore: DOWN, processEnv: h.env, warn, store: { connectTimeoutMs: 1_000 } })).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(historyPath(h.env));
    expect(warnings[0]).not.toContain('pw-never-shown');
    expect(readHistory('demo', h.env).map((d) => d.id)).toEqual([first.runId, second.runId]);
    expect((await storeRows()).map((d) => d.id)).toEqual([first.runId]);

    // the store answers again: the next reader sends what it lacks, and only that, however often it runs
    const loaded = await loadDrillHistory({ environment: 'demo', teamStore: db.url, processEnv: h.env, warn });
    expect(loaded).toMatchObject({ from: 'team store', uploaded: 1 });
    expect(loaded.drills.map((d) => d.id)).toEqual([first.runId, second.runId]);
    expect((await loadDrillHistory({ environment: 'demo', teamStore: db.url, processEnv: h.env, warn })).uploaded).toBe(0);
    const c = await db.client();
    expect((await c.query(`SELECT id, count(*)::int AS n FROM opsdeck.drill_reports GROUP BY id ORDER BY id`)).rows).toEqual([
      { id: first.runId, n: 1 },
      { id: second.runId, n: 1 },
    ]);
    // append-only, like the journal
    await expect(c.query(`UPDATE opsdeck.drill_reports SET outcome = 'failed'`)).rejects.toThrow(/append-only/);
    expect(warnings).toHaveLength(1);

    // the built binary, with a config naming this store: the table and the RTO trend, from the store
    const config = join(h.dir, 'opsdeck.yaml');
    writeFileSync(config, 'team:\n  store: ${OPSDECK_TEAM_DB}\nenvironments:\n  demo:\n    aws: { region: eu-west-1 }\n    rds:\n      - instance: demo-db\n        drill: { database: app, user: drill }\n');
    // an empty local history: what is listed comes from the store
    const env = { OPSDECK_STATE_DIR: join(h.dir, 'elsewhere'), OPSDECK_TEAM_DB: db.url, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' };
    const r = opsdeck(['--config', config, 'drill', 'history', 'demo-db'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^DATE \(UTC\) +INSTANCE +SNAPSHOT +OUTCOME +RTO +WHO$/);
    const rto = (sec: number) => (sec < 90 ? `${Math.round(sec)} s` : `${Number.isInteger(sec / 60) ? sec / 60 : (sec / 60).toFixed(1)} min`);
    expect(lines[1]).toMatch(new RegExp(`^2026-11-22 09:\\d\\d +demo-db +rds:demo-db-2026-11-22-03-10 +ok +${rto(first.rtoMs! / 1000)} +\\S+@`));
    expect(lines[2]).toMatch(new RegExp(`^2026-11-22 \\d\\d:\\d\\d +demo-db +rds:demo-db-2026-11-22-03-10 +ok +${rto(second.rtoMs! / 1000)} +\\S+@`));
    expect(lines[4]).toMatch(/^demo-db  RTO [▁▂▃▄▅▆▇█]{2}  last /);
    expect(lines[4]).toContain(`last ${rto(second.rtoMs! / 1000)}`);
    expect(lines[4]).toContain(`vs the previous (${rto(first.rtoMs! / 1000)})`);
    expect(r.stdout).toContain('(2 drills, from the team store)');

    const json = opsdeck(['--config', config, 'drill', 'history', '--json', '--limit', '1'], { env });
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { from: string; drills: DrillSummary[]; trends: { rtoSeconds: number[]; previous: number | null }[] };
    expect(doc.from).toBe('team store');
    expect(doc.drills).toEqual([summaryOf(second)]);
    expect(doc.trends).toMatchObject([{ rtoSeconds: [second.rtoMs! / 1000], previous: null }]);

    const bad = opsdeck(['--config', config, 'drill', 'history', '--limit', 'all'], { env });
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toBe('opsdeck: --limit: "all" is not a whole number of drills; write e.g. --limit 20\n');
  }, 120_000);

  it('judges the last successful drill by its age on a clock moved forward, and its RTO against the objective', async () => {
    h = await drillHarness();
    const report = await h.drill();
    expect(report.outcome, report.message).toBe('passed');
    const drills = readHistory('demo', h.env);
    const rtoS = report.rtoMs! / 1000;
    const sandbox = createSandbox({ scenario: 'calm', seed: 3, clock: new ManualClock(START) });
    try {
      const judge = async (days: number, drill: Record<string, unknown>, list: DrillSummary[] = drills) => {
        const config = { ...sandbox.environment, rds: [{ ...sandbox.environment.rds[0]!, drill: { ...sandbox.environment.rds[0]!.drill!, ...drill } }] };
        const r = await runChecks({ sources: sandbox.sources, env: 'demo', ...checkSettings(config), now: START + days * DAY, checks: DRILL_CHECKS, drills: list });
        return Object.fromEntries(r.findings.map((f) => [f.checkId, { severity: f.severity, message: f.message, figure: f.figure }]));
      };
      expect((await judge(1, { rtoObjective: '30m' }))['rds.drill-age']).toMatchObject({ severity: 'ok', figure: 'last ok 1 days ago, 2026-11-22' });
      expect((await judge(36, {}))['rds.drill-age']).toMatchObject({ severity: 'warn', message: 'last successful drill older than 35 days; run: opsdeck drill backup demo-db', figure: 'last ok 36 days ago, 2026-11-22' });
      expect((await judge(36, { maxAgeDays: 40 }))['rds.drill-age']!.severity).toBe('ok');
      expect((await judge(71, {}))['rds.drill-age']).toMatchObject({ severity: 'crit', message: 'last successful drill older than 70 days; run: opsdeck drill backup demo-db' });
      expect((await judge(1, {}, []))['rds.drill-age']).toMatchObject({ severity: 'warn', figure: 'never drilled' });
      expect((await judge(1, {}, []))['rds.drill-age']!.message).toMatch(/^no drill on record/);
      // a failed drill after the good one is said, even while the good one is recent
      const failed: DrillSummary = { ...drills[0]!, id: 'later', startedAt: new Date(START + DAY).toISOString(), outcome: 'failed', rtoSeconds: null, summary: { ...drills[0]!.summary, result: 'failed', message: '3/4 checks passed; failed: orders' } };
      expect((await judge(2, {}, [...drills, failed]))['rds.drill-age']).toMatchObject({ severity: 'warn', message: 'the last drill did not pass; the last drill (2026-11-23) failed: 3/4 checks passed; failed: orders' });

      // the objective: no finding without one; the drill's real RTO against one below and one above it
      expect((await judge(1, { rtoObjective: undefined }))['rds.drill-rto']).toBeUndefined();
      const below = Math.max(1, Math.floor(rtoS) - 1);
      expect((await judge(1, { rtoObjective: `${below}s` }))['rds.drill-rto']).toMatchObject({ severity: 'warn', message: expect.stringMatching(/^the last drill \(2026-11-22\) took .* above the .* objective$/) });
      expect((await judge(1, { rtoObjective: `${Math.ceil(rtoS) + 1}s` }))['rds.drill-rto']!.severity).toBe('ok');
    } finally {
      await sandbox.sources.close();
    }
  }, 120_000);
});
