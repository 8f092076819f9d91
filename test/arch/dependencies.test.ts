// package.json must say what the program needs: a package that src/ or views/
// imports but is only there because something else pulled it in breaks the
// day that something drops it, and a stale entry installs for nothing.
import { describe, it, expect } from 'vitest';
import ts from 'typescript';
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Manifest {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const runtime = new Set(Object.keys(pkg.dependencies));
const dev = new Set(Object.keys(pkg.devDependencies));

function files(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => {
    const p = join(path, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|js|mjs|cjs)$/.test(name) ? [p] : [];
  });
}

const BUILTIN = new Set(builtinModules);

/** The package each bare import names: `@scope/name` or `name`, never a relative path or a Node built-in. */
function packagesImportedBy(source: string): string[] {
  // The TypeScript scanner, not a regular expression: it skips comments and
  // strings and sees static, dynamic and require() imports alike.
  const specs = ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
  return specs.flatMap((spec) => {
    if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) return [];
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
    return BUILTIN.has(name) ? [] : [name];
  });
}

/** package -> the files that import it */
function importers(paths: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const f of paths.flatMap(files)) {
    for (const name of packagesImportedBy(readFileSync(f, 'utf8'))) {
      found.set(name, [...(found.get(name) ?? []), f]);
    }
  }
  return found;
}

const shipped = importers(['src', 'views']);
const tooling = importers(['test', 'scripts', 'bench', 'bin', 'vitest.config.ts']);

describe('package.json', () => {
  it('declares in dependencies every package that src/ and views/ import', () => {
    const undeclared = [...shipped].filter(([name]) => !runtime.has(name)).map(([name, by]) => `${name} (imported by ${by[0]})`);
    expect(undeclared).toEqual([]);
  });

  it('declares every package that tests, scripts and benchmarks import', () => {
    const undeclared = [...tooling]
      .filter(([name]) => !runtime.has(name) && !dev.has(name))
      .map(([name, by]) => `${name} (imported by ${by[0]})`);
    expect(undeclared).toEqual([]);
  });

  it('lists in dependencies only what src/ and views/ import', () => {
    expect([...runtime].filter((name) => !shipped.has(name))).toEqual([]);
  });

  it('lists in devDependencies only what tests and tools use', () => {
    // Type packages and the compiler are used without an import; the compiler
    // must at least be what a script runs.
    // A tool a script runs by its own name (patch-package at postinstall) counts too.
    const runByScript = (command: string) => Object.values(pkg.scripts).some((s) => s.split(/[\s;&|]+/).includes(command));
    const usedWithoutImport = (name: string) =>
      name.startsWith('@types/') || (name === 'typescript' && runByScript('tsc')) || runByScript(name);
    const unused = [...dev].filter((name) => !tooling.has(name) && !usedWithoutImport(name));
    expect(unused).toEqual([]);
    expect([...dev].filter((name) => runtime.has(name))).toEqual([]);
  });

  it('the import scanner sees every form and nothing else', () => {
    const source = [
      "import { Box } from 'ink';",
      "import type { Redis } from 'ioredis';",
      "export { x } from '@aws-sdk/client-ecs/dist-types/x.js';",
      "const w = await import('string-width');",
      "const c = require('chalk');",
      "import { readFile } from 'node:fs/promises';",
      "import { join } from 'path';",
      "import { a } from './local.js';",
      "// import { gone } from 'commented-out';",
      "const s = \"import { no } from 'in-a-string'\";",
    ].join('\n');
    expect(packagesImportedBy(source).sort()).toEqual(['@aws-sdk/client-ecs', 'chalk', 'ink', 'ioredis', 'string-width']);
  });
});
