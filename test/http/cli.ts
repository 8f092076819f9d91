/**
 * The built binary run without blocking this process: the servers the
 * probes talk to live in the test itself, so spawnSync would starve them.
 */
import { execFile } from 'node:child_process';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = new URL('../../bin/opsdeck.js', import.meta.url).pathname;

export function opsdeckAsync(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : err ? -1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
