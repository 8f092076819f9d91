// A mistyped command is named as one, with the list, exit 64; `demo --help`
// shows the --scenario option and what each scenario stages.
import { describe, expect, it } from 'vitest';
import { opsdeck } from './run.js';
import { SCENARIOS } from '../../src/sources/sandbox/index.js';

describe('the command line', () => {
  it('opsdeck bogus: unknown command, the list, exit 64; extra arguments to a command still refused', () => {
    const r = opsdeck(['bogus']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/^opsdeck: unknown command 'bogus'; the commands are: demo, check, .*incident,.* init,.* runbook \(see opsdeck --help\)\n$/);
    const extra = opsdeck(['scale', 'api', '1', '2', '--demo']);
    expect(extra.code).toBe(64);
    expect(extra.stderr).toContain('too many arguments for \'scale\'');
  });

  it('demo --help lists --scenario and every scenario', () => {
    const r = opsdeck(['demo', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--scenario <name>');
    for (const s of SCENARIOS) expect(r.stdout).toMatch(new RegExp(`^ {4}${s} +\\S`, 'm'));
  });
});
