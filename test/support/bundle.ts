/**
 * Bundles a TypeScript entry (and the src/ modules it imports) into one .mjs
 * that plain `node` can run, so a test can exercise real, separate processes:
 * there is no build of src/ during tests and Node 20 cannot strip types.
 */
import { build } from 'esbuild';
import { join, basename } from 'node:path';

export async function bundleForNode(entry: string, outDir: string): Promise<string> {
  const outfile = join(outDir, basename(entry).replace(/\.[cm]?tsx?$/, '') + '.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // Bundled CommonJS packages (ioredis) call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __testCreateRequire } from 'node:module'; const require = __testCreateRequire(import.meta.url);",
    },
  });
  return outfile;
}
