/** Runs the built binary the way a script or cron job would: no TTY. */
import { spawnSync } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function opsdeck(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; input?: string } = {}): RunResult {
  const env = { ...process.env, NO_COLOR: '1', ...opts.env } as Record<string, string>;
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v === undefined) delete env[k];
  const r = spawnSync(process.execPath, [new URL('../../bin/opsdeck.js', import.meta.url).pathname, ...args], {
    encoding: 'utf8',
    env,
    cwd: opts.cwd,
    input: opts.input ?? '',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
