// src/ holds everything that is not drawing; it must never reach into views/,
// ink or react, or the CLI could not run headless and views could not stay pure.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|js|mjs)$/.test(name) ? [p] : [];
  });
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

describe('layering', () => {
  it('src/ never imports views/, ink or react', () => {
    const offenders: string[] = [];
    for (const f of files('src')) {
      for (const spec of importsOf(readFileSync(f, 'utf8'))) {
        if (/^(ink|react)(\/|$)/.test(spec) || /^ink-/.test(spec) || /^@inkjs\//.test(spec) || /(^|\/)views(\/|$)/.test(spec)) {
          offenders.push(`${relative('.', f)} imports ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  // Views draw snapshots; what they may know of the rest is the dashboard's ports and the plain model,
  // so no view can reach the CLI, a source or the executor (and pull ioredis or the AWS SDK into the UI).
  it('views/ imports from src/ only src/model/* and src/dashboard/*', () => {
    const offenders: string[] = [];
    for (const f of files('views')) {
      for (const spec of importsOf(readFileSync(f, 'utf8'))) {
        const target = relative('.', join(dirname(f), spec));
        if (spec.startsWith('.') && target.startsWith('src/') && !/^src\/(model|dashboard)\//.test(target)) offenders.push(`${relative('.', f)} imports ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the import scanner sees the forms it must catch', () => {
    expect(importsOf(`import { Box } from 'ink';\nconst x = await import("react");\nexport { y } from '../../views/App.js';`)).toEqual(['ink', 'react', '../../views/App.js']);
  });
});
