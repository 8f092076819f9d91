/**
 * A fresh OPSDECK_STATE_DIR per test, removed afterwards, so tests never touch
 * the real ~/.local/state/opsdeck nor each other's journals and locks.
 */
import { afterEach, beforeEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function useTempStateDir(): { readonly dir: string } {
  const state = { dir: '' };
  let previous: string | undefined;
  beforeEach(() => {
    previous = process.env.OPSDECK_STATE_DIR;
    state.dir = mkdtempSync(join(tmpdir(), 'opsdeck-state-'));
    process.env.OPSDECK_STATE_DIR = state.dir;
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.OPSDECK_STATE_DIR;
    else process.env.OPSDECK_STATE_DIR = previous;
    rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}
