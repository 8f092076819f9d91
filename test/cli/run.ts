/** Runs the built binary the way a script or cron job would: no TTY. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

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

/**
 * The same, without blocking this process: for a test that serves something
 * the binary calls (a proxy, a fake API), or that kills it midway.
 */
export function startOpsdeck(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): { child: ChildProcess; done: Promise<RunResult> } {
  const env = { ...process.env, NO_COLOR: '1', ...opts.env } as Record<string, string>;
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v === undefined) delete env[k];
  const child = spawn(process.execPath, [new URL('../../bin/opsdeck.js', import.meta.url).pathname, ...args], { env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<RunResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}
