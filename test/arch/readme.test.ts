// The README's key table is generated from the one key registry, so help in
// the README cannot drift from the bindings. Regenerate with
//   UPDATE_README=1 npx vitest run test/arch/readme.test.ts
import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { KEY_BINDINGS } from '../../src/keys/registry.js';

const START = '<!-- keys:start (generated from src/keys/registry.ts; a test keeps it in sync) -->';
const END = '<!-- keys:end -->';

function keyTable(): string {
  const rows = KEY_BINDINGS.map((b) => `| \`${b.label}\` | ${b.help}${b.dangerous ? ' (changes things: hidden in read-only mode)' : ''} |`);
  return ['| key | what it does |', '|---|---|', ...rows].join('\n');
}

describe('README', () => {
  it('lists every key binding of the registry', () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, 'README lacks the keys:start marker').toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const expected = `${START}\n${keyTable()}\n${END}`;
    const actual = readme.slice(start, end + END.length);
    if (process.env.UPDATE_README && actual !== expected) {
      writeFileSync('README.md', readme.slice(0, start) + expected + readme.slice(end + END.length));
      return;
    }
    expect(actual).toBe(expected);
  });

  it('shows the test command that .ci/run runs', () => {
    const readme = readFileSync('README.md', 'utf8');
    const ci = readFileSync('.ci/run', 'utf8');
    expect(ci).toMatch(/^npm test$/m);
    expect(readme).toMatch(/^npm test\b/m);
  });
});
