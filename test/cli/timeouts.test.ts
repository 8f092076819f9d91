// Timeouts are bounded: a duration over 24 h is a usage error (exit 64), before anything is opened.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration, parseTimeout } from '../../src/cli/duration.js';
import { UserError } from '../../src/cli/exit.js';
import { MAX_TIMEOUT_MS } from '../../src/actions/timeout.js';

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;

function usage(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(64);
    return (err as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('timeouts', () => {
  it('accept up to 24 h and refuse anything longer, however it is written', () => {
    expect(parseTimeout('24h', '--timeout')).toBe(MAX_TIMEOUT_MS);
    expect(parseTimeout('1d', '--timeout')).toBe(MAX_TIMEOUT_MS);
    expect(parseTimeout('90s', '--timeout')).toBe(90_000);
    for (const t of ['25h', '24.001h', '1441m', '2d', '86400001ms', '99999999999d', `${'9'.repeat(400)}s`]) {
      expect(usage(() => parseTimeout(t, '--timeout'))).toBe(`--timeout: "${t}" is longer than 24 h, the longest a timeout may be`);
    }
  });

  it('other durations (how far back logs go) may be longer, but never past a safe integer', () => {
    expect(parseDuration('7d', '--since')).toBe(7 * 86_400_000);
    expect(usage(() => parseDuration('99999999999d', '--since'))).toBe('--since: "99999999999d" is too long to be a duration');
    expect(usage(() => parseDuration('0s', '--since'))).toBe('--since: the duration must be more than zero');
  });

  it('the commands exit 64 with one line, and change nothing', () => {
    const state = mkdtempSync(join(tmpdir(), 'opsdeck-timeouts-'));
    try {
      const env = { ...process.env, NO_COLOR: '1', OPSDECK_STATE_DIR: state };
      for (const args of [
        ['scale', 'api', '2', '--demo', '--confirm', 'api', '--timeout', '99999999999d'],
        ['rollback', 'api', '--demo', '--confirm', 'api', '--timeout', '25h'],
        ['check', '--demo', '--timeout', '2d'],
        ['drill', 'backup', 'demo-db', '--demo', '--confirm', 'demo-db', '--timeout', '48h'],
      ]) {
        const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(64);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/^opsdeck: --timeout: ".+" is longer than 24 h, the longest a timeout may be\n$/);
      }
      const audit = spawnSync(process.execPath, [BIN, 'audit'], { env, encoding: 'utf8' });
      expect(audit.stdout).toContain('is empty');
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });
});
