/**
 * The echo corpus: hostile strings on the command line and in config values.
 * Whatever a command says about them (a usage error, a refusal, a config
 * error, a report), its stdout and stderr carry no raw control byte, no bidi
 * control and no zero-width character. Checked on the bytes, not the decoded text.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const bin = new URL('../../bin/opsdeck.js', import.meta.url).pathname;

const HOSTILE = {
  csi: '\x1b[31mred\x1b[0m',
  osc: '\x1b]0;pwned\x07title',
  c1csi: '\u009b31mc1',
  nel: 'a\u0085b',
  bidi: 'abc\u202egnp.exe',
  isolate: '\u2066x\u2069',
  zeroWidth: 'ap\u200bi\ufeff',
  bell: 'ring\x07',
} as const;

/** The offending bytes of raw UTF-8 output, as hex, with their offsets. */
function badBytes(buf: Buffer): string[] {
  const text = buf.toString('utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g)) out.push(`U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')}@${m.index}`);
  return out;
}

let dir: string;
function run(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: Buffer; stderr: Buffer } {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: '1', XDG_STATE_HOME: dir, ...env }, cwd: dir, input: '', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-echo-'));
  writeFileSync(join(dir, 'ok.yaml'), 'environments:\n  prod:\n    http:\n      - { name: web, url: "http://127.0.0.1:1/health" }\n');
});

const commandLines = (h: string): string[][] => [
  ['scale', h, '3'],
  ['scale', 'api', h],
  ['--demo', 'scale', h, '3'],
  ['rollback', 'api', '--to', h],
  ['redeploy', h],
  ['restore', h, '--as', 'copy'],
  ['restore', 'snap', '--as', h],
  ['snapshot', h],
  ['drill', 'backup', h],
  ['requeue', h],
  ['--demo', 'requeue', 'emails', '--redis', h],
  [h],
  [`--${h}`],
  ['check', '--format', h],
  ['--demo', 'check', '--timeout', h],
  ['--demo', '--since', h, 'check'],
  ['--scenario', h, 'demo'],
  ['--config', h, 'check'],
  ['--config', join('ok.yaml'), '--env', h, 'check'],
  ['audit', '--limit', h],
  ['config', 'validate', h],
];

function expectClean(args: string[]): void {
  const r = run(args);
  expect({ args, out: badBytes(r.stdout), err: badBytes(r.stderr) }).toEqual({ args, out: [], err: [] });
  expect(r.stderr.toString()).not.toMatch(/\n\s+at /);
  expect(r.code, JSON.stringify(args)).not.toBe(70);
}

describe('hostile text on the command line', () => {
  it('every kind at once, in every place an argument is echoed', { timeout: 120_000 }, () => {
    for (const args of commandLines(Object.values(HOSTILE).join(''))) expectClean(args);
  });

  for (const [kind, h] of Object.entries(HOSTILE)) {
    it(`${kind} alone, in a usage error of commander, of opsdeck and of the config`, { timeout: 60_000 }, () => {
      for (const args of [[h], ['scale', 'api', h], ['restore', 'snap', '--as', h], ['--config', 'ok.yaml', '--env', h, 'check']]) expectClean(args);
    });
  }
});

describe('hostile text in config values', () => {
  const configs: [string, string][] = [
    ['default environment', 'defaultEnvironment: "\\e[2J\\u009b31m\\u202eprod"\nenvironments:\n  prod: {}\n'],
    ['unknown key', 'environments:\n  prod:\n    "\\e]0;x\\u0007ecs\\u200b": []\n'],
    ['bad queue flavour', 'environments:\n  prod:\n    redis:\n      - { name: jobs, url: "redis://h", queues: [{ name: q, flavor: "bull\\e[31m\\u0085mq\\0" }] }\n'],
    ['bad redis url', 'environments:\n  prod:\n    redis:\n      - { name: jobs, url: "redis://\\e[31m\\u202ehost:99x" }\n'],
    ['bad http url', 'environments:\n  prod:\n    http:\n      - { name: web, url: "\\u009b31mftp://x\\u2066" }\n'],
    ['yaml error', 'environments:\n  prod: [\\e[31m\n'],
  ];
  it.each(configs)('%s: config validate and check echo it clean', (_what, yaml) => {
    const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    for (const args of [['--config', file, 'config', 'validate'], ['--config', file, 'check', '--timeout', '2s']]) {
      const r = run(args);
      expect(r.code).toBe(78);
      expect({ out: badBytes(r.stdout), err: badBytes(r.stderr) }).toEqual({ out: [], err: [] });
    }
  });

  it('check --format json, text and markdown carry hostile probe names escaped or cleaned', () => {
    const file = join(dir, 'names.yaml');
    writeFileSync(file, 'environments:\n  prod:\n    http:\n      - { name: "web\\u202e\\u0085\\u200bx", url: "http://127.0.0.1:1/health" }\n');
    for (const format of ['json', 'text', 'markdown']) {
      const r = run(['--config', file, 'check', '--timeout', '2s', '--format', format]);
      expect([0, 1, 2, 3]).toContain(r.code);
      expect({ format, out: badBytes(r.stdout), err: badBytes(r.stderr) }).toEqual({ format, out: [], err: [] });
      if (format === 'json') {
        expect(r.stdout.toString()).toContain('web\\u202e\\u0085\\u200bx');
        // still JSON, and the name survives the round trip
        expect(JSON.stringify(JSON.parse(r.stdout.toString()))).toContain('web\u202e\u0085\u200bx');
      }
    }
  });
});

describe('numbers and identifiers the API would refuse are usage errors', () => {
  it.each([
    [['--demo', 'scale', 'api', '9007199254740993'], 'count must be a whole number from 0 to 2147483647, got "9007199254740993"'],
    [['--demo', 'scale', 'api', '99999999999'], 'count must be a whole number from 0 to 2147483647'],
    [['--demo', 'restore', 'snap-1', '--as', 'a;rm -rf /'], '--as "a;rm -rf /" is not an RDS instance identifier'],
    [['--demo', 'restore', 'snap-1', '--as', 'a--b'], 'is not an RDS instance identifier'],
    [['--demo', 'restore', 'snap-1', '--as', 'x'.repeat(64)], 'is not an RDS instance identifier'],
    [['--demo', 'restore', 'snap;1', '--as', 'copy'], '"snap;1" is not an RDS snapshot identifier'],
    [['--demo', 'scale', 'api/../x', '1'], 'service "api/../x" is not an ECS name'],
    [['--demo', 'rollback', 'api', '--to', '0'], '--to (a revision number) must be a whole number from 1'],
    [['--demo', 'audit', '--limit', '9007199254740993'], '--limit must be a whole number'],
  ])('%j', (args, message) => {
    const r = run(args);
    expect(r.code).toBe(64);
    expect(r.stderr.toString()).toContain(message);
    expect(r.stdout.toString()).toBe('');
  });

  it.each([['rds:prod-db-2026-12-01-03-00'], ['arn:aws:rds:eu-west-1:123456789012:snapshot:shared-1'], ['manual-1']])('accepts the snapshot id %s', (snap) => {
    const r = run(['--demo', 'restore', snap, '--as', 'copy-1', '--dry-run']);
    expect(r.stderr.toString()).not.toContain('is not an RDS snapshot identifier');
  });
});
