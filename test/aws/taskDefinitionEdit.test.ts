import { describe, expect, it } from 'vitest';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { editedRegistration } from '../../src/sources/aws/taskDefinitionEdit.js';

const td: TaskDefinition = {
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
  family: 'web',
  revision: 7,
  status: 'ACTIVE',
  registeredAt: new Date('2026-11-01T00:00:00Z'),
  registeredBy: 'arn:aws:iam::123456789012:user/ci',
  compatibilities: ['EC2', 'FARGATE'],
  requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
  requiresCompatibilities: ['FARGATE'],
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
  ephemeralStorage: { sizeInGiB: 30 },
  enableFaultInjection: false,
  containerDefinitions: [
    { name: 'app', image: 'web:1', environment: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], secrets: [{ name: 'S', valueFrom: 'arn:s' }] },
    { name: 'side', image: 'side:1', environment: [{ name: 'A', value: 'side' }] },
  ],
};

describe('editedRegistration', () => {
  it('copies what RegisterTaskDefinition takes, leaves what describes a registered revision, edits one container', () => {
    const input = editedRegistration(td, [{ key: 'team', value: 'web' }, { key: 'aws:cloudformation:stack-name', value: 'web' }], { container: 'app', set: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }], unset: ['A'] });
    expect(input).toEqual({
      family: 'web',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
      ephemeralStorage: { sizeInGiB: 30 },
      enableFaultInjection: false,
      // AWS's own tags are refused by RegisterTaskDefinition: only the team's are carried
      tags: [{ key: 'team', value: 'web' }],
      containerDefinitions: [
        { name: 'app', image: 'web:1', environment: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }], secrets: [{ name: 'S', valueFrom: 'arn:s' }] },
        { name: 'side', image: 'side:1', environment: [{ name: 'A', value: 'side' }] },
      ],
    });
  });

  it('refuses a container the revision does not have', () => {
    expect(() => editedRegistration(td, [], { container: 'nope', set: [], unset: ['A'] })).toThrow('web:7 has no container nope');
  });
});
