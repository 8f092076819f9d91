/**
 * Finding, reading and choosing from the config file. Everything here throws
 * ConfigError with one-line problems; callers print `problems` and exit.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError, didYouMean } from './errors.js';
import { parseConfig } from './parse.js';
import type { Config, EnvironmentConfig } from './schema.js';

export { ConfigError, formatPath } from './errors.js';
export { parseConfig } from './parse.js';

type ConfigSource = 'flag' | 'OPSDECK_CONFIG' | 'cwd' | 'xdg';

interface ConfigLookup {
  /** --config FILE, if given */
  explicit?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  home: string;
}

interface ConfigCandidate {
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

/** Larger than any real config: a bigger file is a mistake (a log, a dump, /dev/zero) to refuse before reading it. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export function findConfigPath(opts: ConfigLookup): ConfigCandidate | undefined {
  for (const candidate of configSearchPaths(opts)) {
    const label = displayPath(candidate.path, opts);
    const named = candidate.source === 'flag' || candidate.source === 'OPSDECK_CONFIG';
    const by = candidate.source === 'flag' ? ' (given by --config)' : candidate.source === 'OPSDECK_CONFIG' ? ' (given by $OPSDECK_CONFIG)' : '';
    let st: Stats | undefined;
    try {
      st = statSync(candidate.path, { throwIfNoEntry: false });
    } catch (err) {
      // a symlink loop or an untraversable directory: the file is there but cannot be reached
      throw new ConfigError(candidate.path, [`${label}: cannot read the file: ${readReason(err)}${by}`]);
    }
    if (!st) {
      // a named file that is missing is a typo to report, not a cue to read some other config
      if (named) throw new ConfigError(candidate.path, [`${label}: config file not found${by}`]);
      continue;
    }
    const wrong = notARegularFile(st);
    if (wrong) throw new ConfigError(candidate.path, [`${label}: ${wrong}, not a config file${by}`]);
    return candidate;
  }
  return undefined;
}

/** Anything but a regular file is refused from its stat alone: opening a FIFO for reading blocks until a writer comes. */
function notARegularFile(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'is a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device';
  if (st.isSocket()) return 'is a socket';
  return 'is not a regular file';
}

/**
 * The file's text, at most MAX_CONFIG_BYTES. The checks are made again on the
 * open descriptor (O_NONBLOCK, so a FIFO swapped in after the stat cannot hang
 * the open) and the read stops one byte past the limit, so a file that grows
 * meanwhile is refused rather than read whole.
 */
export function readConfigText(path: string, label: string): string {
  const refuse = (why: string) => new ConfigError(path, [`${label}: ${why}`]);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw refuse(`cannot read the file: ${readReason(err)}`);
  }
  try {
    const st = fstatSync(fd);
    const wrong = notARegularFile(st);
    if (wrong) throw refuse(`${wrong}, not a config file`);
    if (st.size > MAX_CONFIG_BYTES) throw refuse(tooBig(st.size));
    const buf = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let used = 0;
    for (;;) {
      const n = readSync(fd, buf, used, buf.length - used, null);
      if (n === 0) break;
      used += n;
      if (used > MAX_CONFIG_BYTES) throw refuse(tooBig(used));
    }
    return buf.subarray(0, used).toString('utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw refuse(`cannot read the file: ${readReason(err)}`);
  } finally {
    closeSync(fd);
  }
}

function tooBig(bytes: number): string {
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return `the file is larger than ${mb(MAX_CONFIG_BYTES)} (${bytes > MAX_CONFIG_BYTES + 1 ? mb(bytes) : 'at least that'}); a config is a few kilobytes: is this the right file?`;
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
  const text = readConfigText(found.path, label);
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
  if (code === 'ELOOP') return 'too many levels of symbolic links (a symlink loop?)';
  if (code === 'ENOTDIR') return 'a part of the path is not a directory';
  if (code === 'ENAMETOOLONG') return 'the path is too long';
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}
