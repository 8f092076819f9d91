// `opsdeck audit` in team mode, through the built binary, against a store on the real local PostgreSQL.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';
import { openTeamStore, type TeamStore } from '../../src/team/store.js';
import { migrate, SCHEMA_VERSION } from '../../src/team/migrations.js';
import { appendToChain } from '../../src/team/chain.js';
import { AuditJournal } from '../../src/audit/journal.js';
import { opsdeck } from '../cli/run.js';

let db: TestDatabase;
let store: TeamStore;
let dir = '';
let config = '';
let env: Record<string, string>;

const record = (envName: string, user: string, target: string, time: string) => ({
  id: randomUUID(),
  entry: { operator: { user, host: 'h1' }, environment: envName, action: 'scale', target, phase: 'intent' as const, plan: null, phraseAccepted: true, outcome: null, detail: `scale ${target}`, requestIds: [], durationMs: null, time },
});

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'team');
  store = openTeamStore(db.url);
  await migrate(store.pool);
  await appendToChain(store.pool, record('prod', 'ana', 'prod/api', '2026-01-01T10:00:00.000Z'));
  await appendToChain(store.pool, record('staging', 'bo', 'staging/api', '2026-01-01T11:00:00.000Z'));
  await appendToChain(store.pool, record('prod', 'bo', 'prod/worker', '2026-01-02T10:00:00.000Z'));
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-team-cli-'));
  config = join(dir, 'opsdeck.yaml');
  writeFileSync(config, 'team:\n  store: ${OPSDECK_TEAM_DB}\nenvironments:\n  prod: {}\n  staging: {}\n');
  env = { OPSDECK_STATE_DIR: join(dir, 'state'), OPSDECK_TEAM_DB: db.url };
  // this machine's journal holds something else: audit reads the store unless --local
  await new AuditJournal(join(dir, 'state', 'audit.jsonl')).append(record('prod', 'carla', 'prod/local-only', '2026-01-03T00:00:00.000Z').entry);
});
afterAll(async () => {
  await store?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const targets = (args: string[]) => {
  const r = opsdeck(['--config', config, 'audit', '--json', ...args], { env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { target: string }[]).map((x) => x.target);
};

describe('opsdeck audit in team mode', () => {
  it('lists the store, filtered by environment, operator, target and time; --local reads this machine', () => {
    expect(targets([])).toEqual(['prod/api', 'staging/api', 'prod/worker']);
    expect(targets(['--env', 'prod'])).toEqual(['prod/api', 'prod/worker']);
    expect(targets(['--operator', 'bo'])).toEqual(['staging/api', 'prod/worker']);
    expect(targets(['--target', 'api'])).toEqual(['prod/api', 'staging/api']);
    expect(targets(['--since', '2026-01-01T10:30Z', '--until', '2026-01-02T00:00Z'])).toEqual(['staging/api']);
    expect(targets(['--limit', '1'])).toEqual(['prod/worker']);
    expect(targets(['--local'])).toEqual(['prod/local-only']);
    expect(targets(['--local', '--operator', 'ana'])).toEqual([]);
    const table = opsdeck(['--config', config, 'audit', '--operator', 'ana'], { env });
    expect(table.stdout).toMatch(/^TIME \(UTC\)\s+OPERATOR\s+ENV.*\n2026-01-01 10:00:00\s+ana@h1\s+prod\s+scale\s+prod\/api\s+intent/);
  });

  it('--verify checks each environment\'s chain in the store', () => {
    const r = opsdeck(['--config', config, 'audit', '--verify'], { env });
    const where = `127.0.0.1:5432`;
    expect(r.stdout).toBe(`audit journal prod in team store ${where}: 2 records, chain intact\naudit journal staging in team store ${where}: 1 record, chain intact\n`);
    expect(r.code).toBe(0);
    expect(opsdeck(['--config', config, '--env', 'staging', 'audit', '--verify'], { env }).stdout).toBe(`audit journal staging in team store ${where}: 1 record, chain intact\n`);
    expect(opsdeck(['--since', 'yesterday', '--config', config, 'audit'], { env })).toMatchObject({ code: 64, stderr: 'opsdeck: --since: "yesterday" is neither a duration (90m, 12h, 2d: that long ago) nor an ISO 8601 time (2024-05-01T09:30Z)\n' });
  });

  it('audit reconcile answers the local intent and puts the answer on the store\'s chain too', async () => {
    const r = opsdeck(['--config', config, 'audit', 'reconcile', '--id', '1', '--record', 'the copy exists; kept'], { env });
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: 'reconciled #1 as journal record #2\n' });
    const rows = await store.pool.query<{ env: string; kind: string; target: string; seq: string }>(`SELECT env, kind, target, seq FROM opsdeck.journal WHERE kind = 'reconcile'`);
    expect(rows.rows).toEqual([{ env: 'prod', kind: 'reconcile', target: 'prod/local-only', seq: '3' }]);
    expect(opsdeck(['--config', config, 'audit', '--verify', '--env', 'prod'], { env }).stdout).toBe('audit journal prod in team store 127.0.0.1:5432: 3 records, chain intact\n');
  });

  it('a store that does not answer: one line, no password', () => {
    const r = opsdeck(['--config', config, 'audit'], { env: { ...env, OPSDECK_TEAM_DB: 'postgres://op:pw-secret-9@127.0.0.1:1/ops' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^opsdeck: team store 127\.0\.0\.1:1 does not answer \(.+\); `opsdeck audit --local` reads this machine's journal\n$/);
    expect(r.stderr + r.stdout).not.toContain('pw-secret-9');
  });

  it('a store newer than the program: one line', async () => {
    const other = await createTestDatabase(undefined, 'team');
    const s = openTeamStore(other.url);
    try {
      await migrate(s.pool);
      await s.pool.query(`INSERT INTO opsdeck.opsdeck_schema_version (version, name) VALUES (${SCHEMA_VERSION + 1}, 'from the future')`);
      const r = opsdeck(['--config', config, 'audit'], { env: { ...env, OPSDECK_TEAM_DB: other.url } });
      expect(r.stderr).toBe(`opsdeck: team store schema v${SCHEMA_VERSION + 1} is newer than this opsdeck (v${SCHEMA_VERSION}); upgrade opsdeck\n`);
      expect(r.code).toBe(70);
    } finally {
      await s.close();
      await other.drop();
    }
  });
});
