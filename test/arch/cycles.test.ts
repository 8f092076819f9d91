// No runtime import cycle in src/ or views/: a module in a cycle can be read
// before it is initialised, which works only as long as every use sits inside
// a function (keys.ts <-> actionKeys.ts did, until it was removed). Checked with
// dependency-cruiser; `import type` does not count, since it is erased.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cruise } from 'dependency-cruiser';

async function runtimeCycles(dirs: string[], baseDir = process.cwd()): Promise<string[]> {
  const result = await cruise(
    dirs,
    {
      baseDir,
      validate: true,
      ruleSet: { forbidden: [{ name: 'no-runtime-cycle', severity: 'error', from: {}, to: { circular: true } }] },
      // type-only imports are erased by the compiler: they cannot form a runtime cycle
      tsPreCompilationDeps: false,
      doNotFollow: { path: 'node_modules' },
      exclude: { path: 'node_modules' },
    },
    // the sources import each other as `./x.js`; the files are .ts / .tsx
    { extensionAlias: { '.js': ['.ts', '.tsx', '.js'] } },
  );
  if (typeof result.output === 'string') throw new Error('dependency-cruiser answered text, not a result');
  return result.output.summary.violations.map((v) => [v.from, ...(v.cycle ?? []).map((c) => c.name)].join(' -> '));
}

const scratch = mkdtempSync(join(tmpdir(), 'opsdeck-cycles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('import cycles', () => {
  it('src/ and views/ have none', async () => {
    expect(await runtimeCycles(['src', 'views'])).toEqual([]);
  }, 180_000);

  it('the check sees a cycle through .js specifiers, and not one made only of type imports', async () => {
    writeFileSync(join(scratch, 'a.ts'), "import { b } from './b.js';\nexport const a = () => b;\n");
    writeFileSync(join(scratch, 'b.ts'), "import { a } from './a.js';\nexport const b = () => a;\n");
    writeFileSync(join(scratch, 'c.ts'), "import type { D } from './d.js';\nexport type C = { d?: D };\nexport const c = 1;\n");
    writeFileSync(join(scratch, 'd.ts'), "import { c } from './c.js';\nexport type D = number;\nexport const d = c;\n");
    expect(await runtimeCycles(['.'], scratch)).toEqual(['a.ts -> b.ts -> a.ts']);
  }, 180_000);
});
