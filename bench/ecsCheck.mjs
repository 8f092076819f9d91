// `opsdeck check` against moto with 250 ECS services, repeated; see ecsCheckEntry.ts.
// Progress (one line per run) goes to stderr as it happens, the figures to stdout.
//
//   npm run build && node bench/ecsCheck.mjs --runs 50                 every run must name each service below desired
//   npm run build && node bench/ecsCheck.mjs --runs 3 --latency-ms 80  a slow API: time per run
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { root } from './pty.mjs';

const dir = mkdtempSync(join(tmpdir(), 'opsdeck-bench-ecs-'));
try {
  const outfile = join(dir, 'ecsCheckEntry.mjs');
  await build({
    entryPoints: [join(root, 'bench/ecsCheckEntry.ts')], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    logLevel: 'warning',
    // bundled CommonJS packages call require() for Node built-ins
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
  });
  const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
