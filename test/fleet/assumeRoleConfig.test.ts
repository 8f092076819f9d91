// aws.assumeRole in the config: what is taken, and the one line for what is not.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse.js';
import { ConfigError } from '../../src/config/errors.js';

const yaml = (role: string) => `environments:\n  prod:\n    aws:\n      region: eu-west-1\n      assumeRole: ${role}\n`;

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, 'opsdeck.yaml', env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('aws.assumeRole', () => {
  it('takes a role ARN, an external ID from the environment and a session name', () => {
    const c = parseConfig(yaml('{ arn: "arn:aws:iam::210987654321:role/ops/opsdeck-read", externalId: "${EXT_ID}", sessionName: ci-nightly }'), 'opsdeck.yaml', { EXT_ID: 'x-42' });
    expect(c.environments.prod?.aws?.assumeRole).toEqual({ arn: 'arn:aws:iam::210987654321:role/ops/opsdeck-read', externalId: 'x-42', sessionName: 'ci-nightly' });
  });

  it('names a malformed ARN or session name', () => {
    expect(problems(yaml('{ arn: "arn:aws:iam::2109:user/bob" }')).join('\n')).toMatch(/assumeRole\.arn: expected a role ARN/);
    expect(problems(yaml('{ arn: "arn:aws:iam::210987654321:role/r", sessionName: "has space" }')).join('\n')).toMatch(/sessionName: expected 2-64 characters/);
    expect(problems(yaml('{ arn: "arn:aws:iam::210987654321:role/r", extra: 1 }')).join('\n')).toMatch(/extra/);
  });
});
