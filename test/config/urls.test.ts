/**
 * The special-character password corpus: passwords as base64 secrets and
 * humans write them, put into Redis, PostgreSQL and HTTP URLs of a config,
 * raw and percent-encoded. Whatever opsdeck makes of the URL, no command and
 * no screen prints the password.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opsdeck } from '../cli/run.js';
import { startInTmux } from '../e2e/tmux.js';
import { urlProblem } from '../../src/config/urls.js';

const PASSWORDS = ['Ab/Cd+Ef9=', 'hash#in#it9', 'what?Query9', 'at@sign@pw9', '100%sure-pw', 'plus+equals==', 'with a space', 'ünïcødé-пароль', 'mix/#?@% +=Zz9'];

const bin = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-urls-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configWith(password: string, encode: boolean): string {
  const p = encode ? encodeURIComponent(password) : password;
  const file = join(dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    [
      'environments:',
      '  prod:',
      '    redis:',
      `      - { name: jobs, url: ${JSON.stringify(`redis://:${p}@127.0.0.1:6379/0`)} }`,
      '    postgres:',
      `      - { name: app, url: ${JSON.stringify(`postgres://postgres:${p}@127.0.0.1:5432/postgres`)} }`,
      '    http:',
      `      - { name: web, url: ${JSON.stringify(`http://user:${p}@127.0.0.1:1/health`)} }`,
      '',
    ].join('\n'),
  );
  return file;
}

/** Every form the password could leak in: as written, percent-encoded, and the parts a URL parser would split it into. */
function leaks(out: string, password: string): string[] {
  const forms = [password, encodeURIComponent(password), ...password.split(/[/#?@]/).filter((s) => s.length >= 6)];
  return forms.filter((f) => out.includes(f));
}

describe('special-character passwords in config URLs', () => {
  it.each(PASSWORDS)('config validate of %j (unencoded) names the key, masks the password, exits 78 when the URL cannot be used', (password) => {
    const r = opsdeck(['--config', configWith(password, false), 'config', 'validate']);
    const out = r.stdout + r.stderr;
    expect(leaks(out, password)).toEqual([]);
    if (r.code !== 0) {
      expect(r.code).toBe(78);
      expect(r.stderr).toMatch(/environments\.prod\.(redis|postgres|http)\[0\]\.url: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('an unencoded / # ? in a Redis or PostgreSQL password is a config error, not a crash later', () => {
    for (const password of ['Ab/Cd+Ef9=', 'hash#in#it9', 'what?Query9']) {
      const r = opsdeck(['--config', configWith(password, false), 'config', 'validate']);
      expect(r.code).toBe(78);
      expect(r.stderr).toContain('environments.prod.redis[0].url: "redis://:***@');
      expect(r.stderr).toContain('environments.prod.postgres[0].url: "postgres://postgres:***@');
      expect(r.stderr).toContain('percent-encode');
    }
  });

  it.each(PASSWORDS)('percent-encoded %j: config validate says ok, check runs, and neither prints it', (password) => {
    const file = configWith(password, true);
    const v = opsdeck(['--config', file, 'config', 'validate']);
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
    const c = opsdeck(['--config', file, 'check', '--timeout', '3s'], { env: { XDG_STATE_HOME: dir } });
    expect([0, 1, 2, 3]).toContain(c.code);
    expect(leaks(c.stdout + c.stderr, password)).toEqual([]);
    const j = opsdeck(['--config', file, 'check', '--timeout', '3s', '--format', 'json'], { env: { XDG_STATE_HOME: dir } });
    expect(leaks(j.stdout + j.stderr, password)).toEqual([]);
  });

  it('a password from ${ENV} never shows, even in a URL that does not parse', () => {
    const password = 'Zz9/env#secret?x';
    const file = join(dir, 'env.yaml');
    writeFileSync(file, 'environments:\n  prod:\n    redis:\n      - { name: jobs, url: "redis://:${REDIS_PASSWORD}@127.0.0.1:6379" }\n');
    const r = opsdeck(['--config', file, 'config', 'validate'], { env: { REDIS_PASSWORD: password } });
    expect(r.code).toBe(78);
    expect(leaks(r.stdout + r.stderr, password)).toEqual([]);
  });

  it('a bad port is named without the password', () => {
    const file = join(dir, 'port.yaml');
    writeFileSync(file, 'environments:\n  prod:\n    redis:\n      - { name: jobs, url: "redis://:s3cr3t-pass@127.0.0.1:99999" }\n');
    const r = opsdeck(['--config', file, 'config', 'validate']);
    expect(r.code).toBe(78);
    expect(r.stderr).toBe('opsdeck: ' + file + ': environments.prod.redis[0].url: "redis://:***@127.0.0.1:99999" has port 99999, outside 1-65535\n');
  });

  it('the dashboard refuses such a config at start with one line, exit 78, and never draws the password', async () => {
    const password = 'Ab/Cd+Ef9=';
    const t = startInTmux(`node ${bin} --config ${configWith(password, false)}`, { cols: 120, rows: 30 });
    try {
      const before = await t.waitFor(() => t.exitStatus() !== undefined, 'the dashboard to exit');
      // read the pane again, scrollback included: the capture above may predate the program's last write
      const screen = t.history();
      expect(t.exitStatus()).toBe(78);
      expect(leaks(before + screen, password)).toEqual([]);
      expect(screen).toContain('environments.prod.redis[0].url');
      expect(screen).not.toMatch(/TypeError|\n\s+at /);
    } finally {
      t.kill();
    }
  });

  it('the dashboard started on an encoded password draws its panels without it', async () => {
    const password = 'mix/#?@% +=Zz9';
    const t = startInTmux(`node ${bin} --config ${configWith(password, true)}`, { cols: 160, rows: 40, env: { XDG_STATE_HOME: dir } });
    try {
      const screen = await t.waitFor((s) => s.includes('Queues') && s.includes('Postgres'), 'the panels', 15_000);
      expect(leaks(screen, password)).toEqual([]);
      t.keys('q');
      await t.waitFor(() => t.exitStatus() !== undefined, 'the dashboard to exit');
      expect(leaks(t.screen(), password)).toEqual([]);
    } finally {
      t.kill();
    }
  });
});

describe('urlProblem', () => {
  it.each([
    ['redis://:Ab/Cd+Ef9=@127.0.0.1:6379', 'redis'],
    ['redis://user:12/34@host:6379', 'redis'],
    ['postgres://u:123/def@h/db', 'postgres'],
    ['redis://127.0.0.1:notaport', 'redis'],
    ['redis://127.0.0.1:0', 'redis'],
    ['not a url', 'redis'],
    ['http://db:5432/app', 'postgres'],
    ['redis://:100%zz@h:6379', 'redis'],
  ] as const)('refuses %s', (url, kind) => {
    const p = urlProblem(url, kind);
    expect(p).toBeDefined();
    expect(p).not.toMatch(/Ab\/Cd|12\/34|123\/def|100%zz/);
  });

  it.each([
    ['redis://:Ab%2FCd%2BEf9%3D@127.0.0.1:6379/0', 'redis'],
    ['rediss://default:pw@cache.example.com:6380', 'redis'],
    ['redis://localhost', 'redis'],
    ['postgres://app:p%40ss@db.internal:5432/app?sslmode=require', 'postgres'],
    ['postgresql:///app?host=/var/run/postgresql', 'postgres'],
    ['/var/run/postgresql app', 'postgres'],
    ['redis://[::1]:6379', 'redis'],
  ] as const)('accepts %s', (url, kind) => {
    expect(urlProblem(url, kind)).toBeUndefined();
  });
});
