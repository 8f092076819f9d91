import { describe, expect, it } from 'vitest';
import { changesNothing, diffCounts, envDiff } from '../../src/actions/ecs/envDiff.js';
import { parseEnvPrompt, splitWords, envWords } from '../../src/actions/ecs/envInput.js';
import { applyEnvironmentEdit } from '../../src/model/envVars.js';

const vars = (o: Record<string, string>) => Object.entries(o).map(([name, value]) => ({ name, value }));

describe('envDiff', () => {
  const current = vars({ A: '1', B: '2', C: '3', D: '4' });

  it('sorts each name into added / changed / removed / same, and counts what the edit leaves', () => {
    const d = envDiff(current, vars({ Z: 'new', B: 'two', A: '1' }), ['C', 'GHOST']);
    expect(d).toEqual({ added: ['Z'], changed: ['B'], removed: ['C'], same: ['A'], notSet: ['GHOST'], unchanged: 2 });
    expect(diffCounts(d)).toBe('add 1, change 1, remove 1; 2 unchanged');
    expect(changesNothing(d)).toBe(false);
  });

  it('an edit to the values a container already has changes nothing', () => {
    const d = envDiff(current, vars({ A: '1' }), []);
    expect(changesNothing(d)).toBe(true);
    expect(diffCounts(d)).toBe('no change; 4 unchanged');
  });

  it('a duplicate name counts as the value ECS gives the process: the last one', () => {
    const d = envDiff([...current, { name: 'A', value: 'again' }], vars({ A: 'again' }), []);
    expect(d.same).toEqual(['A']);
    expect(d.unchanged).toBe(4);
  });

  it('never returns a value', () => {
    const d = envDiff(vars({ TOKEN: 'old-secret' }), vars({ TOKEN: 'new-secret', NEW: 'other-secret' }), []);
    expect(JSON.stringify(d)).not.toMatch(/secret/);
  });
});

describe('applyEnvironmentEdit', () => {
  it('changes in place, appends new ones, drops removed ones and duplicates of a set name', () => {
    const env = vars({ A: '1', B: '2', C: '3' });
    const out = applyEnvironmentEdit([...env, { name: 'A', value: 'dup' }, { name: '__proto__', value: 'p' }], { set: vars({ B: 'two', N: 'n' }), unset: ['C'] });
    expect(out).toEqual([...vars({ A: '1', B: 'two' }), { name: 'A', value: 'dup' }, { name: '__proto__', value: 'p' }, ...vars({ N: 'n' })]);
    const again = applyEnvironmentEdit([...env, { name: 'B', value: 'old dup' }], { set: vars({ B: 'x' }), unset: [] });
    expect(again).toEqual(vars({ A: '1', B: 'x', C: '3' }));
  });
});

describe('what the operator types', () => {
  it('splits at blanks, quotes group a value with blanks, = may appear in a value', () => {
    expect(splitWords(`A=1  B="two words" C='it''s' D= -E @app`)).toEqual(['A=1', 'B=two words', 'C=its', 'D=', '-E', '@app']);
    expect(parseEnvPrompt(`A=1 B="x=y z" -C @web`)).toEqual({ set: vars({ A: '1', B: 'x=y z' }), unset: ['C'], container: 'web' });
    expect(parseEnvPrompt('D=')).toEqual({ set: vars({ D: '' }), unset: [] });
  });

  it('refuses in one line that never shows a value', () => {
    const cases: Array<[string, RegExp]> = [
      ['1BAD=hunter22', /^"1BAD" is not a variable name: letters, digits and _, not starting with a digit$/],
      ['=hunter22', /^a variable to set is NAME=VALUE: one has nothing before its =$/],
      ['A=hunter22 B', /^a word has no =/],
      ['A=one hunter22', /^a word has no =/],
      ['A="hunter22', /^a " quote is not closed$/],
      ['A=1 A=hunter22', /^A is given twice/],
      ['A=hunter22 -A', /^A is given twice/],
      ['-my-var', /^"my-var" is not a variable name/],
      ['', /^nothing to change/],
      ['A=1 @', /@ is followed by the container's name/],
      ['A=1 @a @b', /one @container at a time/],
    ];
    for (const [text, message] of cases) {
      let error = '';
      try {
        parseEnvPrompt(text);
      } catch (err) {
        error = (err as Error).message;
      }
      expect(error, text).toMatch(message);
      expect(error, text).not.toContain('hunter22');
    }
    expect(() => envWords([], ['OK', 'bad name'])).toThrow('"bad name" is not a variable name');
  });
});
