// A log rule's subject names its group once: CloudWatch group names begin with
// their own slash, which must not double the one after `logs`.
import { describe, it, expect } from 'vitest';
import { ruleTitle } from '../../src/checks/rules/logRules.js';
import { subjectText } from '../../src/model/subjects.js';

describe('log rule subjects', () => {
  it('joins a CloudWatch group name to logs/ with one slash', () => {
    const title = ruleTitle({ group: '/ecs/demo-api', kind: 'expect', pattern: 'Token replay protection' });
    expect(title).toBe('logs/ecs/demo-api expect "Token replay protection"');
    expect(subjectText('demo', { kind: 'logs', name: title })).toBe('demo/logs/ecs/demo-api expect "Token replay protection"');
  });

  it('keeps a group without a leading slash and a named rule as they are', () => {
    expect(ruleTitle({ group: 'app', kind: 'forbid', pattern: 'panic', name: 'no panics' })).toBe('logs/app no panics');
  });
});
