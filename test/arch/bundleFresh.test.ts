// The global setup rebuilds dist/ only when it is older than what it is built
// from; these cases pin down "older", so a test never runs yesterday's binary.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { staleBundle } from '../globalSetup.js';

let root = '';
afterEach(() => rmSync(root, { recursive: true, force: true }));

const T = new Date('2026-01-01T00:00:00Z').getTime();
function file(path: string, at: number): void {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, '');
  utimesSync(p, new Date(at), new Date(at));
}

function project(bundleAt: number | undefined): void {
  root = mkdtempSync(join(tmpdir(), 'opsdeck-bundle-'));
  file('src/engine/store.ts', T);
  file('views/App.tsx', T);
  file('package.json', T);
  if (bundleAt !== undefined) file('dist/opsdeck.js', bundleAt);
}

describe('the bundle the tests run', () => {
  it('is up to date when it is newer than every input', () => {
    project(T + 1_000);
    expect(staleBundle(root)).toBeUndefined();
  });

  it('is rebuilt when it is missing', () => {
    project(undefined);
    expect(staleBundle(root)).toBe('dist/opsdeck.js is missing');
  });

  it('is rebuilt when a file deep in src/ or views/ changed after it', () => {
    project(T + 1_000);
    file('src/sources/aws/ecs.ts', T + 2_000);
    expect(staleBundle(root)).toBe('src/sources/aws/ecs.ts is newer than dist/opsdeck.js');
    file('src/sources/aws/ecs.ts', T);
    file('views/panels/RdsPanel.ts', T + 2_000);
    expect(staleBundle(root)).toBe('views/panels/RdsPanel.ts is newer than dist/opsdeck.js');
  });

  it('is rebuilt when the dependencies or the build script changed', () => {
    project(T + 1_000);
    file('package-lock.json', T + 2_000);
    expect(staleBundle(root)).toBe('package-lock.json is newer than dist/opsdeck.js');
    file('package-lock.json', T);
    file('scripts/build.mjs', T + 2_000);
    expect(staleBundle(root)).toBe('scripts/build.mjs is newer than dist/opsdeck.js');
  });
});
