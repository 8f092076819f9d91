// The two-person rule through the built binary, in the demo made protected with approvals by --config, on a real team store.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';
import { opsdeck, type RunResult } from '../cli/run.js';

let db: TestDatabase;
let dir = '';
let config = '';
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase(undefined, 'approvals_cli');
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-approvals-cli-'));
  config = join(dir, 'opsdeck.yaml');
  writeFileSync(config, 'team:\n  store: ${OPSDECK_TEAM_DB}\nenvironments:\n  demo:\n    protected: true\n    approvals: { destructive: 1 }\n');
  env = { OPSDECK_STATE_DIR: join(dir, 'state'), OPSDECK_TEAM_DB: db.url, NODE_ENV: 'test', OPSDECK_OPERATOR_FOR_TESTS: 'ana' };
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const as = (user: string, args: string[]): RunResult => opsdeck(['--demo', '--config', config, '--write', ...args], { env: { ...env, OPSDECK_OPERATOR_FOR_TESTS: user } });

function requestId(r: RunResult): string {
  const m = /approval requested: request ([0-9A-Z]{6})/.exec(r.stdout);
  expect(m, r.stdout + r.stderr).not.toBeNull();
  return m![1]!;
}

async function sql<T extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = await db.client();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

function spawned(user: string, args: string[]): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [new URL('../../bin/opsdeck.js', import.meta.url).pathname, '--demo', '--config', config, '--write', ...args], { env: { ...process.env, ...env, OPSDECK_OPERATOR_FOR_TESTS: user, NO_COLOR: '1' }, stdio: 'ignore' });
    child.on('exit', (code) => done(code));
  });
}

// every run is a process, and the demo's scale is verified for several seconds
describe('the two-person rule from the command line', { timeout: 120_000 }, () => {
  it('request → another operator approves → --approval runs it once; self-approval refused; the chain verifies', async () => {
    expect(as('ana', ['scale', 'api', '0', '--confirm', 'demo/api'])).toMatchObject({ code: 64, stderr: expect.stringContaining('say why with --reason') });
    const asked = as('ana', ['scale', 'api', '0', '--confirm', 'demo/api', '--reason', 'drain for the migration']);
    expect(asked.code).toBe(1);
    const id = requestId(asked);
    expect(asked.stdout).toContain(`ask another operator: opsdeck --demo approve ${id}`);
    expect(await sql(`SELECT 1 FROM opsdeck.journal WHERE action = 'scale' AND kind = 'intent'`)).toHaveLength(0);

    const listed = JSON.parse(as('bo', ['approvals', '--json']).stdout) as { id: string; reason: string; plan: { summary: string } }[];
    expect(listed.map((r) => r.id)).toEqual([id]);
    expect(listed[0]!.reason).toBe('drain for the migration');

    expect(as('ana', ['approve', id, '--confirm', id])).toMatchObject({ code: 1, stdout: 'refused: you (ana) requested this: another operator must approve it\n' });
    expect(as('bo', ['approve', id])).toMatchObject({ code: 1, stdout: expect.stringContaining('no confirmation given') });
    const approved = as('bo', ['approve', id, '--confirm', id.toLowerCase()]);
    expect(approved.code, approved.stdout + approved.stderr).toBe(0);
    expect(approved.stderr).toContain('Scale demo/api to 0');
    expect(approved.stdout).toContain(`ana can now run the same command with --approval ${id}`);
    expect(as('cy', ['approve', id, '--confirm', id])).toMatchObject({ code: 1, stdout: `refused: request ${id} is already approved by bo@${(await import('node:os')).hostname()} (sandbox:bo)\n` });

    // the approver cannot run it in the requester's stead
    expect(as('bo', ['scale', 'api', '0', '--confirm', 'demo/api', '--approval', id]).stdout).toContain('only they can use its approval');
    const ran = as('ana', ['scale', 'api', '0', '--confirm', 'demo/api', '--approval', id]);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^done: /);
    expect(as('ana', ['scale', 'api', '0', '--confirm', 'demo/api', '--approval', id])).toMatchObject({ code: 1, stdout: expect.stringContaining('already used; request again') });

    const intents = await sql<{ line: string }>(`SELECT record->>'detail' AS line FROM opsdeck.journal WHERE action = 'scale' AND kind = 'intent'`);
    expect(intents).toHaveLength(1);
    expect(intents[0]!.line).toContain(`approved by bo@`);
    expect(intents[0]!.line).toContain(`request ${id}, used`);
    const kinds = await sql<{ action: string; kind: string }>(`SELECT action, kind FROM opsdeck.journal WHERE env = 'demo' ORDER BY seq`);
    expect(kinds.map((k) => `${k.action}/${k.kind}`)).toEqual(expect.arrayContaining(['scale/refusal', 'approve/outcome', 'scale/intent', 'scale/outcome', 'scale/verify']));
    const verified = opsdeck(['--demo', 'audit', '--verify'], { env });
    expect(verified.stdout + verified.stderr).toContain('chain intact');
  });

  it('an approval for a stale plan is refused: the plan changed since it was approved', () => {
    const id = requestId(as('ana', ['scale', 'api', '0', '--confirm', 'demo/api', '--reason', 'x']));
    expect(as('bo', ['approve', id, '--confirm', id]).code).toBe(0);
    const other = as('ana', ['scale', 'api', '1', '--confirm', 'demo/api', '--approval', id]);
    expect(other).toMatchObject({ code: 1, stdout: 'refused: the plan changed since it was approved; request again\n' });
  });

  it('an expired approval is refused', async () => {
    const id = requestId(as('ana', ['scale', 'api', '0', '--confirm', 'demo/api', '--reason', 'x']));
    expect(as('bo', ['approve', id, '--confirm', id]).code).toBe(0);
    await sql(`UPDATE opsdeck.approvals SET expires_at = now() - interval '1 second' WHERE request_id = $1`, [id]);
    expect(as('ana', ['scale', 'api', '0', '--confirm', 'demo/api', '--approval', id])).toMatchObject({ code: 1, stdout: `refused: the approval request ${id} expired; request again\n` });
  });

  it('two executions racing with one approval: exactly one runs', async () => {
    const id = requestId(as('ana', ['scale', 'api', '0', '--confirm', 'demo/api', '--reason', 'x']));
    expect(as('bo', ['approve', id, '--confirm', id]).code).toBe(0);
    const before = (await sql(`SELECT 1 FROM opsdeck.journal WHERE action = 'scale' AND kind = 'intent'`)).length;
    const codes = await Promise.all([0, 1].map(() => spawned('ana', ['scale', 'api', '0', '--confirm', 'demo/api', '--approval', id, '--timeout', '30s'])));
    expect(codes.sort()).toEqual([0, 1]);
    expect((await sql(`SELECT 1 FROM opsdeck.journal WHERE action = 'scale' AND kind = 'intent'`)).length).toBe(before + 1);
  });

  it('--wait-approval waits for the decision, then runs', async () => {
    const waiting = new Promise<number | null>((done) => {
      const child = spawn(process.execPath, [new URL('../../bin/opsdeck.js', import.meta.url).pathname, '--demo', '--config', config, '--write', 'scale', 'api', '0', '--confirm', 'demo/api', '--reason', 'x', '--wait-approval', '20s'], { env: { ...process.env, ...env, OPSDECK_OPERATOR_FOR_TESTS: 'ana', NO_COLOR: '1' }, stdio: 'ignore' });
      child.on('exit', (code) => done(code));
    });
    let id: string | undefined;
    for (let i = 0; i < 100 && !id; i++) {
      await new Promise((done) => setTimeout(done, 200));
      id = (await sql<{ id: string }>(`SELECT id FROM opsdeck.approval_requests WHERE status = 'pending'`))[0]?.id;
    }
    expect(id).toBeDefined();
    expect(as('bo', ['approve', id!, '--confirm', id!]).code).toBe(0);
    expect(await waiting).toBe(0);
    expect((await sql<{ status: string }>(`SELECT status FROM opsdeck.approval_requests WHERE id = $1`, [id]))[0]!.status).toBe('used');
  });

  it('--break-glass runs without approval, journaled as such', async () => {
    const r = as('ana', ['scale', 'api', '0', '--confirm', 'demo/api', '--break-glass', 'approver unreachable, site down']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = await sql<{ line: string }>(`SELECT record->>'detail' AS line FROM opsdeck.journal WHERE kind = 'intent' AND record->>'detail' LIKE '%BREAK-GLASS%'`);
    expect(lines.map((l) => l.line)).toEqual([expect.stringContaining('BREAK-GLASS: the two-person rule bypassed: approver unreachable, site down')]);
    expect(as('ana', ['scale', 'api', '0', '--confirm', 'demo/api', '--break-glass', 'x', '--approval', 'ABCDEF']).code).toBe(64);
  });

  it('config: approvals without a team store, or more than one, are refused in one line', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'environments:\n  prod:\n    approvals: { destructive: 1 }\n');
    const r = opsdeck(['config', 'validate', bad], { env });
    expect(r.code).toBe(78);
    expect(r.stdout + r.stderr).toContain('approvals are recorded in the team store');
    writeFileSync(bad, 'team: { store: "postgres://x@127.0.0.1/x" }\nenvironments:\n  prod:\n    approvals: { destructive: 2 }\n');
    const two = opsdeck(['config', 'validate', bad], { env });
    expect(two.code).toBe(78);
    expect(two.stdout + two.stderr).toContain('opsdeck implements one approval from another operator');
  });
});

