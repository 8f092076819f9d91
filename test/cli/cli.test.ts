import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opsdeck } from './run.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isolated = () => ({ HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg'), OPSDECK_CONFIG: undefined });

describe('opsdeck CLI', () => {
  it('prints its version and help', () => {
    const v = opsdeck(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const h = opsdeck(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('check');
    expect(h.stdout).toContain('--read-only');
  });

  it('refuses to draw the dashboard without a terminal, pointing at check', () => {
    const r = opsdeck(['demo']);
    expect(r.code).toBe(64);
    expect(r.stderr.trim()).toBe('opsdeck: the dashboard needs a terminal; for a one-shot report use `opsdeck check` (add --demo for the sandbox)');
  });

  it('with no config, points to the demo and the example, exit 78', () => {
    const r = opsdeck(['check'], { cwd: dir, env: isolated() });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/^opsdeck: no config file found/);
    expect(r.stderr).toContain('opsdeck demo');
    expect(r.stderr).toContain('examples/opsdeck.yaml');
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('a usage error is one line and exit 64', () => {
    const r = opsdeck(['check', '--demo', '--format', 'xml']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^opsdeck: .*xml/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const s = opsdeck(['check', '--demo', '--scenario', 'meteor']);
    expect(s.code).toBe(64);
    const d = opsdeck(['check', '--demo', '--since', 'yesterday']);
    expect(d.code).toBe(64);
    expect(d.stderr.trim()).toBe('opsdeck: --since: "yesterday" is not a duration; write it like 90s, 15m, 12h or 2d');
  });

  it('a config with a typo names the file and the path, exit 78, no stack', () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'environments:\n  prod:\n    ecs:\n      - cluster: main\n        servces: [api]\n');
    const r = opsdeck(['check', '--config', file], { env: isolated() });
    expect(r.code).toBe(78);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('typo.yaml');
    expect(lines[0]).toContain('environments.prod.ecs[0].servces');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a config missing a required field names the path, exit 78', () => {
    const file = join(dir, 'missing.yaml');
    writeFileSync(file, 'environments:\n  prod:\n    ecs:\n      - cluster: main\n      - services: [api]\n');
    const r = opsdeck(['config', 'validate', file], { env: isolated() });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('environments.prod.ecs[1].cluster');
  });

  it('config validate accepts the shipped example', () => {
    const r = opsdeck(['config', 'validate', 'examples/opsdeck.yaml'], {
      env: { ...isolated(), REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://127.0.0.1/app', DRILL_DB_USER: 'u', DRILL_DB_PASSWORD: 'p', METRICS_TOKEN: 'metrics-token', OPS_TOKEN: 't' },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok; environments: prod \(protected\)/);
  });

  it('config schema prints a JSON Schema', () => {
    const r = opsdeck(['config', 'schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(JSON.stringify(schema)).toContain('environments');
  });
});

describe('opsdeck check --demo', () => {
  it('calm: every check ok, exit 0', () => {
    const r = opsdeck(['check', '--demo', '--scenario', 'calm']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK:');
    // a verdict is the line's mark; the startup line a rule expects has a ⚠ of its own in its title
    expect(r.stdout).not.toMatch(/^\s*[✗⚠?] /m);
  });

  it('dlq-backlog as JSON: one document with findings, exit 1 or 2', () => {
    const r = opsdeck(['check', '--demo', '--scenario', 'dlq-backlog', '--format', 'json']);
    expect([1, 2]).toContain(r.code);
    const doc = JSON.parse(r.stdout);
    expect(doc.exitCode).toBe(r.code);
    const dead = doc.findings.filter((f: { checkId: string; severity: string }) => f.checkId === 'queues.dead-letter' && f.severity !== 'ok');
    expect(dead.length).toBeGreaterThan(0);
    for (const f of doc.findings) {
      expect(typeof f.checkId).toBe('string');
      expect(['ok', 'warn', 'crit', 'unknown']).toContain(f.severity);
      expect(typeof f.subject).toBe('string');
      expect(typeof f.message).toBe('string');
    }
  });

  it('markdown is ready for a ticket', () => {
    const r = opsdeck(['check', '--demo', '--scenario', 'db-saturation', '--format', 'markdown']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^## opsdeck check: demo — CRIT/);
    expect(r.stdout).toMatch(/^### Postgres$/m);
    expect(r.stdout).toMatch(/^- ✗ \*\*demo\/primary\*\*/m);
  });
});
