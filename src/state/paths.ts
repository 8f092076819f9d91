/**
 * Where opsdeck keeps what must outlive one run: the audit journal and, when no
 * Redis is configured, the per-target lock files. The XDG base-directory spec
 * puts "actions history" in $XDG_STATE_HOME, which is exactly what this is.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

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
 * The sandbox's own state directory: beside the real one, named like it with
 * "-demo" (~/.local/state/opsdeck-demo), so `opsdeck demo` and every `--demo`
 * command keep their journal, incidents, drills and locks apart and the real
 * directory is not touched at all (not even by a sub-directory). It is one
 * fixed place rather than a directory per run because demo commands in
 * separate processes belong together: `incident start --demo`, then
 * `scale worker 1 --demo`, then `incident end --demo` make one review.
 * Removing the directory resets the sandbox's records.
 */
export function demoStateDir(env: Env = process.env): string {
  return `${resolve(stateDir(env))}-demo`;
}

/**
 * Points this process's state directory at the sandbox's (see demoStateDir)
 * and answers both places, for the line that says where the demo's records
 * went. `env` is the process environment the commands read: changed in place,
 * once, before any of them runs.
 */
export function useDemoStateDir(env: Env = process.env): { demo: string; real: string } {
  const real = stateDir(env);
  const demo = demoStateDir(env);
  env.OPSDECK_STATE_DIR = demo;
  return { demo, real };
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
