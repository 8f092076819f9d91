import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  configSearchPaths,
  findConfigPath,
  loadConfig,
  parseConfig,
  selectEnvironment,
} from '../../src/config/load.js';

let root: string;
let cwd: string;
let home: string;
const CONFIG = 'environments:\n  one: {}\n';

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'opsdeck-config-'));
  cwd = join(root, 'project');
  home = join(root, 'home');
  mkdirSync(cwd);
  mkdirSync(home);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, text = CONFIG): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('findConfigPath', () => {
  it('prefers --config, then $OPSDECK_CONFIG, then ./opsdeck.yaml, then $XDG_CONFIG_HOME, then ~/.config', () => {
    const flag = put(join(root, 'flag.yaml'));
    const fromEnv = put(join(root, 'env.yaml'));
    const local = put(join(cwd, 'opsdeck.yaml'));
    const xdg = put(join(root, 'xdg', 'opsdeck', 'config.yaml'));
    const dotConfig = put(join(home, '.config', 'opsdeck', 'config.yaml'));
    const env = { OPSDECK_CONFIG: fromEnv, XDG_CONFIG_HOME: join(root, 'xdg') };

    expect(findConfigPath({ explicit: flag, env, cwd, home })).toEqual({ path: flag, source: 'flag' });
    expect(findConfigPath({ env, cwd, home })).toEqual({ path: fromEnv, source: 'OPSDECK_CONFIG' });
    expect(findConfigPath({ env: { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME }, cwd, home })).toEqual({ path: local, source: 'cwd' });
    rmSync(local);
    expect(findConfigPath({ env: { XDG_CONFIG_HOME: env.XDG_CONFIG_HOME }, cwd, home })).toEqual({ path: xdg, source: 'xdg' });
    expect(findConfigPath({ env: {}, cwd, home })).toEqual({ path: dotConfig, source: 'xdg' });
    rmSync(dotConfig);
    expect(findConfigPath({ env: {}, cwd, home })).toBeUndefined();
  });

  it('resolves relative and ~ paths, and ignores a relative XDG_CONFIG_HOME', () => {
    const rel = put(join(cwd, 'conf', 'ops.yaml'));
    expect(findConfigPath({ explicit: 'conf/ops.yaml', env: {}, cwd, home })?.path).toBe(rel);
    const inHome = put(join(home, 'ops.yaml'));
    expect(findConfigPath({ env: { OPSDECK_CONFIG: '~/ops.yaml' }, cwd, home })?.path).toBe(inHome);
    expect(configSearchPaths({ env: { XDG_CONFIG_HOME: 'relative' }, cwd, home }).at(-1)?.path).toBe(
      join(home, '.config', 'opsdeck', 'config.yaml'),
    );
  });

  it('lists the candidates in order; the first is where init writes', () => {
    expect(configSearchPaths({ env: {}, cwd, home })).toEqual([
      { path: join(cwd, 'opsdeck.yaml'), source: 'cwd' },
      { path: join(home, '.config', 'opsdeck', 'config.yaml'), source: 'xdg' },
    ]);
    expect(configSearchPaths({ explicit: 'x.yaml', env: { OPSDECK_CONFIG: '/etc/o.yaml' }, cwd, home })[0]).toEqual({
      path: join(cwd, 'x.yaml'),
      source: 'flag',
    });
    expect(configSearchPaths({ env: { OPSDECK_CONFIG: '/etc/o.yaml' }, cwd, home })[0]).toEqual({
      path: '/etc/o.yaml',
      source: 'OPSDECK_CONFIG',
    });
  });

  it('reports a missing --config or $OPSDECK_CONFIG file instead of falling through', () => {
    put(join(cwd, 'opsdeck.yaml'));
    expect(problems(() => findConfigPath({ explicit: 'prod.yaml', env: {}, cwd, home }))).toEqual([
      'prod.yaml: config file not found (given by --config)',
    ]);
    expect(problems(() => findConfigPath({ env: { OPSDECK_CONFIG: '/nowhere/o.yaml' }, cwd, home }))).toEqual([
      '/nowhere/o.yaml: config file not found (given by $OPSDECK_CONFIG)',
    ]);
    expect(problems(() => findConfigPath({ explicit: '.', env: {}, cwd, home }))).toEqual([
      `${cwd}: is a directory, not a config file (given by --config)`,
    ]);
  });
});

describe('loadConfig', () => {
  it('returns the parsed config and its absolute path', () => {
    const path = put(join(cwd, 'opsdeck.yaml'));
    const loaded = loadConfig({ env: {}, cwd, home });
    expect(loaded.path).toBe(path);
    expect(loaded.source).toBe('cwd');
    expect(Object.keys(loaded.config.environments)).toEqual(['one']);
  });

  it('labels problems with the path relative to the working directory', () => {
    put(join(cwd, 'opsdeck.yaml'), 'environments:\n  one: { ecs: [{}] }\n');
    expect(problems(() => loadConfig({ env: {}, cwd, home }))).toEqual(['opsdeck.yaml: environments.one.ecs[0].cluster: required']);
    const xdgFile = put(join(home, '.config', 'opsdeck', 'config.yaml'), 'environments: 3\n');
    rmSync(join(cwd, 'opsdeck.yaml'));
    expect(problems(() => loadConfig({ env: {}, cwd, home }))).toEqual([`${xdgFile}: environments: expected a mapping, got 3`]);
  });

  it('says where it looked when there is no config', () => {
    expect(problems(() => loadConfig({ env: {}, cwd, home }))).toEqual([
      'no config file found (looked for ./opsdeck.yaml, ~/.config/opsdeck/config.yaml); copy examples/opsdeck.yaml to ./opsdeck.yaml, pass --config FILE, or try "opsdeck demo"',
    ]);
  });

  // root reads a mode-000 file anyway, and CI runs as root: a directory in
  // the file's place fails the read for everyone.
  it('says in one line why a path cannot be read as a config', () => {
    mkdirSync(join(cwd, 'broken.yaml'));
    expect(problems(() => loadConfig({ explicit: 'broken.yaml', env: {}, cwd, home }))).toEqual(['broken.yaml: is a directory, not a config file (given by --config)']);
  });
});

describe('selectEnvironment', () => {
  const config = parseConfig('environments:\n  prod: { protected: true }\n  staging: {}\n', 'f', {});

  it('takes the named one, else defaultEnvironment, else the first', () => {
    expect(selectEnvironment(config, 'staging').name).toBe('staging');
    expect(selectEnvironment(config).name).toBe('prod');
    expect(selectEnvironment(config).env.protected).toBe(true);
    expect(selectEnvironment({ ...config, defaultEnvironment: 'staging' }).name).toBe('staging');
  });

  it('lists the known environments for an unknown name', () => {
    expect(problems(() => selectEnvironment(config, 'prd'))).toEqual([
      'unknown environment "prd" (did you mean "prod"?); known environments: prod, staging',
    ]);
    expect(problems(() => selectEnvironment(config, 'constructor'))).toEqual([
      'unknown environment "constructor"; known environments: prod, staging',
    ]);
  });
});
