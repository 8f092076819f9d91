// team.store in the config: at the top, per environment (which wins), in examples/team.yaml.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config/load.js';
import { openEnvironment } from '../../src/cli/environment.js';
import { problemsOf } from '../config/helpers.js';

const example = fileURLToPath(new URL('../../examples/team.yaml', import.meta.url));
const VARS = { OPSDECK_TEAM_DB: 'postgres://op:pw-secret-1@db:5432/ops', OPSDECK_PROD_TEAM_DB: 'postgres://op:pw-secret-2@db2:5432/ops' };

describe('team.store', () => {
  it('examples/team.yaml parses; an environment\'s own store wins over the top-level one', async () => {
    const text = readFileSync(example, 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/opsdeck.schema.json');
    const config = parseConfig(text, 'examples/team.yaml', VARS);
    expect(config.team?.store).toBe(VARS.OPSDECK_TEAM_DB);
    expect(config.environments.prod?.team?.store).toBe(VARS.OPSDECK_PROD_TEAM_DB);
    const env = { ...process.env, ...VARS };
    const staging = await openEnvironment({ config: example, env: 'staging' }, env, { oneShot: true });
    const prod = await openEnvironment({ config: example, env: 'prod' }, env, { oneShot: true });
    try {
      expect(staging.teamStore).toBe(VARS.OPSDECK_TEAM_DB);
      expect(prod.teamStore).toBe(VARS.OPSDECK_PROD_TEAM_DB);
    } finally {
      await staging.sources.close();
      await prod.sources.close();
    }
  });

  it('refuses what is not a PostgreSQL URL, its password masked', () => {
    const problems = problemsOf('team:\n  store: redis://u:pw-secret-3@cache:6379\nenvironments:\n  a: {}\n', {});
    expect(problems).toEqual(['opsdeck.yaml: team.store: expected a postgres:// or postgresql:// URL, got "redis://u:***@cache:6379"']);
    expect(problemsOf('environments:\n  a:\n    team: { store: "" }\n', {})[0]).toMatch(/^opsdeck\.yaml: environments\.a\.team\.store: /);
  });
});
