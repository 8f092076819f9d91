/**
 * Before any test runs: the CLI, end-to-end and tmux tests start
 * bin/opsdeck.js, which loads the bundle in dist/. A bundle older than the
 * code would have those tests pass or fail on yesterday's program, so it is
 * rebuilt here whenever anything it is built from is newer than it (or it is
 * missing). An up-to-date bundle is left alone: building takes seconds, and
 * running one test file should not pay for it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the bundle is built from, relative to the project's root. */
const BUNDLE_INPUTS = ['src', 'views', 'scripts/build.mjs', 'package.json', 'package-lock.json'];
const BUNDLE = 'dist/opsdeck.js';

function newestIn(path: string): { path: string; mtimeMs: number } | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  if (!st.isDirectory()) return { path, mtimeMs: st.mtimeMs };
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const name of readdirSync(path)) {
    const found = newestIn(join(path, name));
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}

/** Why the bundle under `root` must be rebuilt, or undefined when it is up to date. */
export function staleBundle(root: string): string | undefined {
  const bundle = newestIn(join(root, BUNDLE));
  if (!bundle) return `${BUNDLE} is missing`;
  for (const input of BUNDLE_INPUTS) {
    const newest = newestIn(join(root, input));
    if (newest && newest.mtimeMs > bundle.mtimeMs) return `${newest.path.slice(root.length + 1)} is newer than ${BUNDLE}`;
  }
  return undefined;
}

export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
  const why = staleBundle(root);
  if (!why) return;
  process.stderr.write(`test setup: building ${BUNDLE} (${why})\n`);
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`test setup: npm run build failed (exit ${r.status ?? r.signal}); fix the build before running the tests`);
  // esbuild may leave an unchanged file as it was; the bundle's time is the build's
  const now = new Date();
  utimesSync(join(root, BUNDLE), now, now);
}
