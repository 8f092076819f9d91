// Builds the one bundle bin/opsdeck.js loads, so start-up reads one file
// instead of walking hundreds of modules in node_modules.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

// Ink imports react-devtools-core only when DEV=true, and it is not one of
// our dependencies; an external import would still be hoisted to the top of
// the bundle and fail at start-up, so it resolves to an inert stub instead.
const noDevtools = {
  name: 'no-react-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'opsdeck-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'opsdeck-stub' }, () => ({
      contents: 'export default { initialize() {}, connectToDevTools() {} };',
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: { opsdeck: 'entry/opsdeck.ts' },
  outdir: 'dist',
  // Parsing is most of start-up: the AWS SDK clients and the terminal UI are
  // split into chunks loaded on first use, so `check --demo` never parses Ink
  // and the demo never parses the AWS SDK. Still a handful of files, not the
  // hundreds of modules in node_modules.
  splitting: true,
  // Prefer the packages' ES module builds: a CommonJS package in its own
  // chunk only offers a default export, and named imports of it would break.
  mainFields: ['module', 'main'],
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [noDevtools],
  define: {
    'process.env.NODE_ENV': '"production"',
    __OPSDECK_VERSION__: JSON.stringify(pkg.version),
  },
  // Some bundled CommonJS packages call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __opsdeckCreateRequire } from 'node:module'; const require = __opsdeckCreateRequire(import.meta.url);",
  },
});
