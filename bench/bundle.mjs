// Bundles a TypeScript entry (and the src/ modules it imports) into one .mjs
// in a fresh temporary directory, then either runs it with node and returns
// its JSON, or imports it into this process. Node 20 cannot strip types and
// src/ has no build of its own outside dist/.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { root } from './pty.mjs';

async function bundle(entry, dir) {
  const outfile = join(dir, basename(entry).replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // Bundled CommonJS packages (ioredis) call require() for Node built-ins.
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
  });
  return outfile;
}

/**
 * The entry's exports, loaded into this process: for set-up that must outlive
 * one call (a server the measured program talks to). `dispose` removes the bundle.
 */
export async function importBundled(entry) {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-bench-'));
  try {
    const module = await import(pathToFileURL(await bundle(entry, dir)).href);
    return { module, dispose: () => rm(dir, { recursive: true, force: true }) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export async function runBundled(entry, { args = [], nodeArgs = [] } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'opsdeck-bench-'));
  try {
    const outfile = await bundle(entry, dir);
    const { code, stdout, stderr } = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...nodeArgs, outfile, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (err += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout: out, stderr: err }));
    });
    if (code !== 0) throw new Error(`${entry} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const last = stdout.trim().split('\n').at(-1) ?? '';
    try {
      return JSON.parse(last);
    } catch {
      throw new Error(`${entry} printed no JSON on its last line: ${last.slice(0, 200)}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
