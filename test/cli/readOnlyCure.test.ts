// What lifts read-only is said only where it applies: --write in a protected
// environment, dropping --read-only, or the config's readOnly, never a flag
// that would change nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEnvironment, type GlobalOptions } from '../../src/cli/environment.js';

let dir: string;
let config: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'opsdeck-readonly-'));
  config = join(dir, 'opsdeck.yaml');
  writeFileSync(config, ['environments:', '  prod:', '    protected: true', '  staging:', '    protected: false', '  frozen:', '    readOnly: true', ''].join('\n'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function info(opts: GlobalOptions) {
  const opened = await openEnvironment({ config, ...opts }, { HOME: dir });
  await opened.sources.close();
  return { readOnly: opened.info.readOnly, cure: opened.info.readOnlyCure };
}

describe('the read-only notice', () => {
  it('names --write only for a protected environment', async () => {
    expect(await info({ env: 'prod' })).toEqual({ readOnly: true, cure: 'restart with --write (prod is protected)' });
    expect(await info({ env: 'prod', write: true })).toEqual({ readOnly: false, cure: undefined });
    expect(await info({ env: 'prod', write: true, readOnly: true })).toEqual({ readOnly: true, cure: 'restart without --read-only' });
    expect(await info({ env: 'staging' })).toEqual({ readOnly: false, cure: undefined });
    expect(await info({ env: 'staging', readOnly: true })).toEqual({ readOnly: true, cure: 'restart without --read-only' });
    expect(await info({ env: 'frozen', write: true })).toEqual({ readOnly: true, cure: 'set readOnly: false for frozen in the config' });
    expect(await info({ demo: true, readOnly: true })).toEqual({ readOnly: true, cure: 'restart without --read-only' });
  });
});
