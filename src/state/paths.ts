/**
 * Where opsdeck keeps what must outlive one run: the audit journal and, when no
 * Redis is configured, the per-target lock files. The XDG base-directory spec
 * puts "actions history" in $XDG_STATE_HOME, which is exactly what this is.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

type Env = Record<string, string | undefined>;

export function stateDir(env: Env = process.env): string {
  const explicit = env.OPSDECK_STATE_DIR;
  if (explicit) return explicit;
  // The spec says a relative XDG path is invalid and must be ignored.
  const xdg = env.XDG_STATE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'opsdeck');
  return join(env.HOME || homedir(), '.local', 'state', 'opsdeck');
}

/**
 * Creates the state directory (and its parents) on first use. 0700 because the
 * journal names operators, hosts and the plans they ran.
 */
export function ensureStateDir(env: Env = process.env): string {
  const dir = stateDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function auditPath(env: Env = process.env): string {
  return join(stateDir(env), 'audit.jsonl');
}

export function locksDir(env: Env = process.env): string {
  return join(stateDir(env), 'locks');
}

export function ensureLocksDir(env: Env = process.env): string {
  ensureStateDir(env);
  const dir = locksDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
