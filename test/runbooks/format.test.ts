import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseRunbook, loadRunbooks } from '../../src/runbooks/library.js';
import { runbookJsonSchemaText } from '../../src/runbooks/format.js';
import { ConfigError } from '../../src/config/errors.js';

const problems = (text: string): string[] => {
  try {
    parseRunbook(text, 'runbooks/x.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('the runbook format', () => {
  it('every built-in runbook parses, is named after its file, and starts with the schema line', () => {
    const all = loadRunbooks();
    expect(all.map((r) => r.runbook.name).sort()).toEqual(['bad-deploy', 'dlq-overflow', 'restore-writes', 'stop-all-writes', 'unsafe-topology']);
    for (const r of all) {
      expect(r.origin).toBe('built-in');
      expect(readFileSync(r.path, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/runbook.schema.json');
    }
  });

  it('names the file, the step and the key of each mistake', () => {
    const base = 'name: x\ntitle: X\nsteps:\n';
    expect(problems(`${base}  - id: a\n    note: hi\n    colour: red\n`)).toEqual([expect.stringMatching(/^runbooks\/x\.yaml: steps\[0\]/)]);
    expect(problems(`${base}  - id: a\n    note: hi\n  - id: a\n    note: again\n`)).toEqual([expect.stringContaining('step id "a" is used twice')]);
    expect(problems(`${base}  - id: a\n    when: { step: b, outcome: done }\n    note: hi\n  - id: b\n    note: later\n`)).toEqual([expect.stringContaining('"when" names step "b", which does not come before it')]);
    expect(problems(`${base}  - id: a\n    wait: { finding: ecs.crash-loop, absent: true }\n    timeout: soon\n`).join('\n')).toMatch(/timeout: a duration like 30s/);
    expect(problems(`${base}  - id: a\n    action: format-disk\n`).join('\n')).toMatch(/steps\[0\]/);
    expect(problems('name: x\ntitle: X\nsteps: []\n').join('\n')).toMatch(/steps/);
    expect(problems('a: &a [*a, *a]\n: [').length).toBeGreaterThan(0);
  });

  it('accepts every step kind with forEach, when and defaults', () => {
    const rb = parseRunbook(
      [
        'name: all-kinds',
        'title: All kinds',
        'steps:',
        '  - { id: c, check: { finding: ecs.crash-loop, present: true } }',
        '  - { id: q, ask: "Fixed?" }',
        '  - { id: s, forEach: writers, action: scale, with: { service: "{item}", desired: 0 }, when: { step: q, answer: "yes" } }',
        '  - { id: w, wait: { service: api, running: 1 }, timeout: 5m }',
        '  - { id: i, incident: "Something" }',
        '  - { id: n, forEach: { finding: queues.dead-letter }, note: "{item}" }',
      ].join('\n'),
      'x',
    );
    expect(rb.steps).toHaveLength(6);
    expect(rb.steps[1]).toMatchObject({ choices: ['yes', 'no'] });
    expect(rb.steps[3]).toMatchObject({ every: '10s' });
    expect(rb.steps[2]).toMatchObject({ onFail: 'stop', background: false });
  });
});

describe('schema/runbook.schema.json', () => {
  const file = new URL('../../schema/runbook.schema.json', import.meta.url);
  it('matches the format (regenerate: OPSDECK_WRITE_SCHEMA=1 npx vitest run test/runbooks/format.test.ts)', () => {
    if (process.env.OPSDECK_WRITE_SCHEMA === '1') writeFileSync(file, runbookJsonSchemaText());
    expect(readFileSync(file, 'utf8')).toBe(runbookJsonSchemaText());
  });
});
