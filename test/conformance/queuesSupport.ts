/**
 * Shared by the queue conformance tests: the peers' own programs (Debian's
 * python3-rq and ruby-sidekiq), a check that each is installed that FAILS
 * with the line to install it, and the comparison that names both figures
 * of every state that differs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PYTHON } from '../redis/helpers.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const RUBY = process.env.OPSDECK_TEST_RUBY ?? 'ruby';
export const RQ_CLI = process.env.OPSDECK_TEST_RQ ?? '/usr/bin/rq';
export const SIDEKIQ_CLI = process.env.OPSDECK_TEST_SIDEKIQ ?? '/usr/bin/sidekiq';

const run = promisify(execFile);

/** Fails (never skips) when a peer is missing, with the line that installs it. */
export async function requirePeer(what: string, cmd: string, args: string[], install: string): Promise<void> {
  try {
    await run(cmd, args, { timeout: 30_000 });
  } catch {
    throw new Error(`${what} is not installed here (\`${cmd} ${args.join(' ')}\` failed): ${install}`);
  }
}

/** Runs a peer's helper and parses the JSON of its last line of output. */
export async function peerJson<T>(cmd: string, args: string[], env: Record<string, string> = {}): Promise<T> {
  const { stdout } = await run(cmd, args, { cwd: HERE, env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 16 << 20 });
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${cmd} ${args[0] ?? ''} printed no JSON: ${stdout.slice(-500)}`);
  }
}

export const RQ_ENV = { PYTHONPATH: HERE, PYTHONDONTWRITEBYTECODE: '1' };

export function rqPeer<T>(...args: string[]): Promise<T> {
  return peerJson<T>(PYTHON, [join(HERE, 'queuesRq.py'), ...args], RQ_ENV);
}

export function sidekiqPeer<T>(redisUrl: string, ...args: string[]): Promise<T> {
  return peerJson<T>(RUBY, [join(HERE, 'queuesSidekiq.rb'), ...args], { REDIS_URL: redisUrl });
}

/** A long-running peer process (an RQ worker, a Sidekiq process) the test stops itself. */
export function startPeer(cmd: string, args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn(cmd, args, { cwd: HERE, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
  child.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
  return { child, output: () => out };
}

/** Waits for a child to exit; sends SIGKILL to that child alone when it outlasts `ms`. */
export async function exited(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Every figure the peer gave must equal opsdeck's, exactly. On a mismatch
 * the error lists each state with both figures, e.g.
 * "mail busy: opsdeck 0, Sidekiq::Workers 2".
 */
export function agree(what: string, peer: string, ours: Readonly<Record<string, number | boolean | undefined>> | undefined, theirs: Readonly<Record<string, number | boolean>>): void {
  const lines: string[] = [];
  for (const [state, figure] of Object.entries(theirs)) {
    const mine = ours?.[state];
    if (mine !== figure) lines.push(`${what} ${state}: opsdeck ${mine === undefined ? 'has no figure' : String(mine)}, ${peer} ${String(figure)}`);
  }
  if (lines.length) throw new Error(`opsdeck disagrees with ${peer}:\n  ${lines.join('\n  ')}`);
}
