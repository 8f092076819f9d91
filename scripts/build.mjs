// Builds the one bundle bin/opsdeck.js loads, so start-up reads one file
// instead of walking hundreds of modules in node_modules.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: ['views/entry.ts'],
  outfile: 'dist/opsdeck.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // Ink only loads react-devtools-core when DEV=true; it is not a dependency.
  external: ['react-devtools-core'],
  define: {
    'process.env.NODE_ENV': '"production"',
    __OPSDECK_VERSION__: JSON.stringify(pkg.version),
  },
  // Some bundled CommonJS packages call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __opsdeckCreateRequire } from 'node:module'; const require = __opsdeckCreateRequire(import.meta.url);",
  },
});
