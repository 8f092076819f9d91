/**
 * The hostile-config corpus, run through the built binary (`npm run build`)
 * as an operator would: every file exits 78 within 5 s, and every line it
 * prints names the file. Before the fix these exited 70 without the file's
 * name, hung (FIFO) or ate memory (/dev/zero).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;
let dir: string;

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
  ms: number;
}

function validate(file: string, prefix: string[] = []): Run {
  const started = Date.now();
  const argv = [...prefix, process.execPath, BIN, 'config', 'validate', file];
  const [cmd = '', ...args] = argv;
  // the kill at 10 s only keeps a regression from hanging the suite; the assertion is 5 s
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 10_000, env: { ...process.env, NO_COLOR: '1', HOME: dir } });
  return { code: r.status, stderr: r.stderr, stdout: r.stdout, ms: Date.now() - started };
}

function expectRefused(r: Run, file: string, why: RegExp): void {
  expect(r.ms).toBeLessThan(5000);
  expect(r.code).toBe(78);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  for (const line of lines) expect(line.startsWith(`opsdeck: ${file}`)).toBe(true);
  expect(r.stderr).toMatch(why);
  expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
}

const env = (body: string) => `environments:\n  prod:\n${body}`;
const nines = (items: string) => `[${Array.from({ length: 9 }, () => items).join(', ')}]`;

const FILES: Record<string, string> = {
  'laughs.yaml': [
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((n, i) => `${n}: &${n} ${nines(`*${'abcdefgh'[i]}`)}`),
    'environments: { prod: {} }',
    '',
  ].join('\n'),
  'merge-bomb.yaml': [
    'a: &a { k1: 1, k2: 2, k3: 3 }',
    ...['b', 'c', 'd', 'e', 'f', 'g'].map((n, i) => `${n}: &${n} { <<: ${nines(`*${'abcdef'[i]}`)}, ${n}x: 1 }`),
    'environments: { prod: { <<: *g } }',
    '',
  ].join('\n'),
  'undefined-alias.yaml': env('    thresholds: *defaults\n'),
  'recursive-alias.yaml': 'environments: &envs\n  prod:\n    thresholds: { subjects: *envs }\n',
  'region.yaml': env('    aws: { region: "us east 1; rm -rf /" }\n'),
  'proto.yaml': 'environments:\n  __proto__:\n    readOnly: true\n',
  'constructor-redis.yaml': env('    redis: [{ name: constructor, url: "redis://127.0.0.1:6379" }]\n'),
  'proto-probe.yaml': env('    http: [{ name: prototype, url: "http://127.0.0.1:1/" }]\n'),
  'cluster.yaml': env('    ecs: [{ cluster: "main cluster" }]\n'),
  'service.yaml': env('    ecs: [{ cluster: main, services: ["api$(reboot)"] }]\n'),
  'rds.yaml': env('    rds: [{ instance: "prod--db" }]\n'),
  'rds-hyphen.yaml': env('    rds: [{ instance: "1prod-db-" }]\n'),
  'log-group.yaml': env('    logs: [{ group: "/ecs/api; drop" }]\n'),
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-corpus-'));
  // traversable by "nobody", for the permission case
  chmodSync(dir, 0o755);
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'big.yaml'), `environments:\n  prod: {}\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  const fifo = spawnSync('mkfifo', [join(dir, 'fifo.yaml')]);
  if (fifo.status !== 0) throw new Error(`mkfifo failed: ${fifo.stderr}`);
  symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
  mkdirSync(join(dir, 'dir.yaml'));
  symlinkSync('loop-b.yaml', join(dir, 'loop-a.yaml'));
  symlinkSync('loop-a.yaml', join(dir, 'loop-b.yaml'));
  mkdirSync(join(dir, 'locked'));
  writeFileSync(join(dir, 'locked', 'opsdeck.yaml'), 'environments:\n  prod: {}\n');
  chmodSync(join(dir, 'locked'), 0o000);
});
afterAll(() => {
  chmodSync(join(dir, 'locked'), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

describe('the config corpus: each file exits 78 within 5 s, naming the file', () => {
  it.each([
    ['laughs.yaml', /aliases .* expand to too much/],
    ['merge-bomb.yaml', /aliases .* expand to too much/],
    ['undefined-alias.yaml', /^opsdeck: undefined-alias\.yaml:3:\d+: YAML alias \*defaults refers to no anchor/],
    ['recursive-alias.yaml', /^opsdeck: recursive-alias\.yaml:3:\d+: YAML alias \*envs is inside the value it refers to/],
    ['big.yaml', /larger than 1\.0 MB/],
    ['fifo.yaml', /is a named pipe \(FIFO\), not a config file/],
    ['zero.yaml', /is a device, not a config file/],
    ['dir.yaml', /is a directory, not a config file/],
    ['loop-a.yaml', /cannot read the file: too many levels of symbolic links/],
    ['region.yaml', /region\.yaml: environments\.prod\.aws\.region: expected an AWS region/],
    ['proto.yaml', /proto\.yaml: environments\.__proto__: "__proto__" is a reserved name/],
    ['constructor-redis.yaml', /environments\.prod\.redis\[0\]\.name: is a reserved name/],
    ['proto-probe.yaml', /environments\.prod\.http\[0\]\.name: is a reserved name/],
    ['cluster.yaml', /environments\.prod\.ecs\[0\]\.cluster: expected an ECS cluster name/],
    ['service.yaml', /environments\.prod\.ecs\[0\]\.services\[0\]: expected an ECS service name/],
    ['rds.yaml', /environments\.prod\.rds\[0\]\.instance: expected an RDS instance id/],
    ['rds-hyphen.yaml', /environments\.prod\.rds\[0\]\.instance: expected an RDS instance id/],
    ['log-group.yaml', /environments\.prod\.logs\[0\]\.group: expected a CloudWatch log group name/],
  ])('%s', (file, why) => {
    expectRefused(validate(file), file, why);
  });

  it('a file in a directory its reader cannot enter (run as nobody: root passes every permission check)', () => {
    const r = validate('locked/opsdeck.yaml', ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--']);
    expectRefused(r, 'locked/opsdeck.yaml', /locked\/opsdeck\.yaml: cannot read the file: permission denied/);
  });

  it('the same file, readable, is accepted: the refusals above are about the file, not the setup', () => {
    chmodSync(join(dir, 'locked'), 0o755);
    try {
      const r = validate('locked/opsdeck.yaml', ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\/locked\/opsdeck\.yaml: ok; environments: prod/);
    } finally {
      chmodSync(join(dir, 'locked'), 0o000);
    }
  });

  it('legitimate aliases still work: twenty environments merging the first one', () => {
    writeFileSync(
      join(dir, 'merges.yaml'),
      'environments:\n  env0: &base { thresholds: { cpu: { warn: 70, crit: 90 } }, aws: { region: eu-central-2 } }\n' +
        Array.from({ length: 19 }, (_, i) => `  env${i + 1}: { <<: *base, readOnly: true }\n`).join(''),
    );
    const r = validate('merges.yaml');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\/merges\.yaml: ok; environments: env0, env1 \(read-only\), /);
  });
});
