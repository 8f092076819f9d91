import { describe, it, expect } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { auditPath, ensureLocksDir, ensureStateDir, locksDir, stateDir } from '../../src/state/paths.js';
import { useTempStateDir } from '../support/tempState.js';

const state = useTempStateDir();

describe('state directory', () => {
  it('prefers OPSDECK_STATE_DIR, then an absolute XDG_STATE_HOME, then ~/.local/state', () => {
    expect(stateDir({ OPSDECK_STATE_DIR: '/x/y', XDG_STATE_HOME: '/xdg', HOME: '/home/a' })).toBe('/x/y');
    expect(stateDir({ XDG_STATE_HOME: '/xdg', HOME: '/home/a' })).toBe('/xdg/opsdeck');
    expect(stateDir({ XDG_STATE_HOME: 'relative/xdg', HOME: '/home/a' })).toBe('/home/a/.local/state/opsdeck');
    expect(stateDir({ HOME: '/home/a' })).toBe('/home/a/.local/state/opsdeck');
  });

  it('creates the directory 0700 on first use, with the journal and locks inside', () => {
    const env = { OPSDECK_STATE_DIR: join(state.dir, 'nested', 'state') };
    expect(existsSync(env.OPSDECK_STATE_DIR)).toBe(false);
    expect(ensureStateDir(env)).toBe(env.OPSDECK_STATE_DIR);
    expect(statSync(env.OPSDECK_STATE_DIR).mode & 0o777).toBe(0o700);
    expect(auditPath(env)).toBe(join(env.OPSDECK_STATE_DIR, 'audit.jsonl'));
    expect(ensureLocksDir(env)).toBe(locksDir(env));
    expect(statSync(locksDir(env)).mode & 0o777).toBe(0o700);
  });
});
