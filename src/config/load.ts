/**
 * Finding, reading and choosing from the config file. Everything here throws
 * ConfigError with one-line problems; callers print `problems` and exit.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, didYouMean } from './errors.js';
import { parseConfig } from './parse.js';
import type { Config, EnvironmentConfig } from './schema.js';

export { ConfigError, formatPath } from './errors.js';
export { parseConfig } from './parse.js';

export type ConfigSource = 'flag' | 'OPSDECK_CONFIG' | 'cwd' | 'xdg';

export interface ConfigLookup {
  /** --config FILE, if given */
  explicit?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  home: string;
}

export interface ConfigCandidate {
  path: string;
  source: ConfigSource;
}

/**
 * The places a config is looked for, most specific first. A --config or
 * $OPSDECK_CONFIG shadows everything after it, so `opsdeck init` writes to the
 * first entry and the file it writes is the one the next run reads.
 */
export function configSearchPaths(opts: ConfigLookup): ConfigCandidate[] {
  const out: ConfigCandidate[] = [];
  if (opts.explicit) out.push({ path: resolvePath(opts.explicit, opts), source: 'flag' });
  else if (opts.env.OPSDECK_CONFIG) out.push({ path: resolvePath(opts.env.OPSDECK_CONFIG, opts), source: 'OPSDECK_CONFIG' });
  out.push({ path: join(opts.cwd, 'opsdeck.yaml'), source: 'cwd' });
  // the XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored
  const xdg = opts.env.XDG_CONFIG_HOME;
  const configHome = xdg && isAbsolute(xdg) ? xdg : join(opts.home, '.config');
  out.push({ path: join(configHome, 'opsdeck', 'config.yaml'), source: 'xdg' });
  return out;
}

export function findConfigPath(opts: ConfigLookup): ConfigCandidate | undefined {
  for (const candidate of configSearchPaths(opts)) {
    const st = statSync(candidate.path, { throwIfNoEntry: false });
    if (candidate.source === 'flag' || candidate.source === 'OPSDECK_CONFIG') {
      // a named file that is missing is a typo to report, not a cue to read some other config
      const by = candidate.source === 'flag' ? '--config' : '$OPSDECK_CONFIG';
      const label = displayPath(candidate.path, opts);
      if (!st) throw new ConfigError(candidate.path, [`${label}: config file not found (given by ${by})`]);
      if (st.isDirectory()) throw new ConfigError(candidate.path, [`${label}: is a directory, not a config file (given by ${by})`]);
      return candidate;
    }
    if (st?.isFile()) return candidate;
  }
  return undefined;
}

export function loadConfig(opts: ConfigLookup): { config: Config; path: string; source: ConfigSource } {
  const found = findConfigPath(opts);
  if (!found) {
    const looked = configSearchPaths(opts).map((c) => displayPath(c.path, opts, true));
    throw new ConfigError(undefined, [
      `no config file found (looked for ${looked.join(', ')}); copy examples/opsdeck.yaml to ./opsdeck.yaml, pass --config FILE, or try "opsdeck demo"`,
    ]);
  }
  const label = displayPath(found.path, opts);
  let text: string;
  try {
    text = readFileSync(found.path, 'utf8');
  } catch (err) {
    throw new ConfigError(found.path, [`${label}: cannot read the file: ${readReason(err)}`]);
  }
  return { config: parseConfig(text, label, opts.env), path: found.path, source: found.source };
}

/**
 * The environment to open. With no name: `defaultEnvironment`, else the first
 * one in the file (YAML order is the order the author wrote them in).
 */
export function selectEnvironment(config: Config, name?: string): { name: string; env: EnvironmentConfig } {
  const names = Object.keys(config.environments);
  const chosen = name ?? config.defaultEnvironment ?? names[0] ?? '';
  // hasOwn: "constructor" or "toString" must not resolve to Object.prototype
  const env = Object.hasOwn(config.environments, chosen) ? config.environments[chosen] : undefined;
  if (!env) {
    throw new ConfigError(undefined, [
      `unknown environment "${chosen}"${didYouMean(chosen, names)}; known environments: ${names.join(', ') || 'none'}`,
    ]);
  }
  return { name: chosen, env };
}

function resolvePath(p: string, opts: ConfigLookup): string {
  // $OPSDECK_CONFIG set in a systemd unit or .env file gets no shell ~ expansion
  if (p === '~' || p.startsWith('~/')) return join(opts.home, p.slice(1));
  return resolve(opts.cwd, p);
}

/** Relative to the working directory when inside it, so messages read `opsdeck.yaml: ...`. */
function displayPath(p: string, opts: ConfigLookup, tilde = false): string {
  const rel = relative(opts.cwd, p);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return tilde ? `./${rel}` : rel;
  const home = relative(opts.home, p);
  if (tilde && home && !home.startsWith('..') && !isAbsolute(home)) return `~/${home}`;
  return p;
}

function readReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory';
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}
