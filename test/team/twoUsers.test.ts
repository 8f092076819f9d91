/**
 * The two-person rule between two real OS users: two throwaway accounts run
 * the built binary (runuser), each with a HOME and state directory of its
 * own, on one team store, in the demo made protected with approvals by
 * --config. The operator is whoever the OS says runs the process (no
 * OPSDECK_OPERATOR_FOR_TESTS, no NODE_ENV=test); in the sandbox the AWS side
 * of the identity is `sandbox:<user>`, so the two differ in both.
 *
 * Needs root and useradd (CI runs as root); skipped otherwise, saying why.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../postgres/helpers.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;

function whyNot(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: creating OS users needs root';
  for (const tool of ['useradd', 'userdel', 'runuser']) if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is missing`;
  return undefined;
}
const skipped = whyNot();
if (skipped) console.log(`two OS users test skipped: ${skipped}`);

// unique per run: a crashed earlier run's users cannot collide
const tag = randomBytes(3).toString('hex');
const users = { ana: `odk-a-${tag}`, bo: `odk-b-${tag}` };
const created: string[] = [];
let db: TestDatabase;
let dir = '';
let config = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built binary as that OS user, from its HOME, with only what a login would give it plus the store's URL. */
function as(user: string, args: string[]): Run {
  const home = `/home/${user}`;
  const env = [`HOME=${home}`, `USER=${user}`, `LOGNAME=${user}`, 'PATH=/usr/local/bin:/usr/bin:/bin', 'NO_COLOR=1', `OPSDECK_STATE_DIR=${home}/.opsdeck-state`, `OPSDECK_TEAM_DB=${db.url}`];
  const r = spawnSync('runuser', ['-u', user, '--', '/usr/bin/env', '-i', ...env, process.execPath, BIN, '--demo', '--config', config, '--write', ...args], { cwd: home, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  if (skipped) return;
  db = await createTestDatabase(undefined, 'two_users');
  // a directory every user can read: the config lives there, nothing else
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-two-users-'));
  chmodSync(dir, 0o755);
  config = join(dir, 'opsdeck.yaml');
  writeFileSync(config, 'team:\n  store: ${OPSDECK_TEAM_DB}\nenvironments:\n  demo:\n    protected: true\n    approvals: { destructive: 1 }\n', { mode: 0o644 });
  for (const name of Object.values(users)) {
    const r = spawnSync('useradd', ['-m', '-s', '/bin/bash', name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`useradd ${name}: ${r.stderr.trim()}`);
    created.push(name);
  }
}, 60_000);

afterAll(async () => {
  // removed even when a test failed; the home directories with them
  for (const name of created) spawnSync('userdel', ['-r', '-f', name], { encoding: 'utf8' });
  for (const name of created) if (existsSync(`/home/${name}`)) rmSync(`/home/${name}`, { recursive: true, force: true });
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skipped !== undefined)('the two-person rule between two OS users', { timeout: 180_000 }, () => {
  it('A requests, A cannot approve, B approves, A runs it with --approval; the store\'s chain verifies', async () => {
    // the built binary is readable by another user, or nothing below means anything
    const version = as(users.ana, ['--version']);
    expect(version.code, version.stderr).toBe(0);

    const asked = as(users.ana, ['scale', 'api', '0', '--confirm', 'demo/api', '--reason', 'drain api before the migration']);
    expect(asked.code, asked.stdout + asked.stderr).toBe(1);
    const id = /approval requested: request ([0-9A-Z]{6})/.exec(asked.stdout)?.[1];
    expect(id, asked.stdout).toBeDefined();
    expect(asked.stdout).toContain('nothing was changed');
    // nothing was called: no intent in the shared journal, only the request's record
    const before = JSON.parse(as(users.bo, ['audit', '--json']).stdout) as { phase: string; operator: { user: string } }[];
    expect(before.map((r) => [r.phase, r.operator.user])).toEqual([['refusal', users.ana]]);

    // the request is A's, by the OS: the user name and the sandbox identity derived from it
    const listed = as(users.bo, ['approvals', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const requests = JSON.parse(listed.stdout) as { id: string; reason: string; requester: { user: string; aws: string } }[];
    expect(requests.map((r) => [r.id, r.requester.user, r.requester.aws, r.reason])).toEqual([[id, users.ana, `sandbox:${users.ana}`, 'drain api before the migration']]);

    const self = as(users.ana, ['approve', id!, '--confirm', id!]);
    expect(self).toMatchObject({ code: 1, stdout: `refused: you (${users.ana}) requested this: another operator must approve it\n` });

    const approved = as(users.bo, ['approve', id!, '--confirm', id!]);
    expect(approved.code, approved.stdout + approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`${users.ana} can now run the same command with --approval ${id}`);

    const ran = as(users.ana, ['scale', 'api', '0', '--confirm', 'demo/api', '--approval', id!, '--reason', 'drain api before the migration']);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^done: /);

    const verified = as(users.bo, ['audit', '--verify']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^audit journal demo in team store .*: \d+ records?, chain intact\n$/);

    // the intent names A as the operator and B as the approver, both as the OS knows them
    const journal = as(users.bo, ['audit', '--json']);
    const records = JSON.parse(journal.stdout) as { operator: { user: string }; phase: string; detail: string }[];
    const intent = records.find((r) => r.phase === 'intent');
    expect(intent?.operator.user).toBe(users.ana);
    expect(intent?.detail).toContain(`; reason: drain api before the migration; approved by ${users.bo}@`);
    expect(intent?.detail).toContain(`(sandbox:${users.bo}) (request ${id}, used)`);
  });
});
