// rollback --to last-good against the SDK with aws-sdk-client-mock, for what
// moto cannot show (its deployments stay IN_PROGRESS and it has no
// ListServiceDeployments). Shapes follow the ECS API reference:
// ListServiceDeployments → ServiceDeploymentBrief { serviceDeploymentArn,
// targetServiceRevisionArn, status, statusReason, createdAt, startedAt,
// finishedAt }, newest first, paged by nextToken; DescribeServiceRevisions →
// ServiceRevision { serviceRevisionArn, taskDefinition (an ARN) }, at most 20.
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTaskDefinitionsCommand,
  type ServiceDeploymentBrief,
} from '@aws-sdk/client-ecs';
import { createAwsContext } from '../../src/sources/aws/clients.js';
import { awsEcsControl } from '../../src/sources/aws/ecsControl.js';
import { rollbackAction } from '../../src/actions/ecs/rollback.js';
import type { EcsActionContext } from '../../src/actions/ecs/context.js';

const ecsMock = mockClient(ECSClient);
mockClient(ApplicationAutoScalingClient).on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
const ACCOUNT = '123456789012';
const T0 = Date.UTC(2026, 2, 14, 3, 0, 0);
const MIN = 60_000;
const tdArn = (td: string) => `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${td}`;
const revArn = (n: number) => `arn:aws:ecs:us-east-1:${ACCOUNT}:service-revision/prod/api/${1000 + n}`;
const depArn = (n: number) => `arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/prod/api/dep${n}`;
const signal = new AbortController().signal;

/** 41 ran a week, 42 reached steady state but crashed 4 min later and was replaced after 5 min, 43 failed, 44 (current) crash-loops */
const BRIEFS: ServiceDeploymentBrief[] = [
  { serviceDeploymentArn: depArn(4), targetServiceRevisionArn: revArn(44), status: 'IN_PROGRESS', createdAt: new Date(T0 - 3 * MIN), startedAt: new Date(T0 - 3 * MIN) },
  { serviceDeploymentArn: depArn(3), targetServiceRevisionArn: revArn(43), status: 'ROLLBACK_FAILED', statusReason: 'Service deployment rolled back because the circuit breaker threshold was exceeded.', createdAt: new Date(T0 - 30 * MIN), startedAt: new Date(T0 - 30 * MIN), finishedAt: new Date(T0 - 20 * MIN) },
  { serviceDeploymentArn: depArn(2), targetServiceRevisionArn: revArn(42), status: 'SUCCESSFUL', createdAt: new Date(T0 - 40 * MIN), startedAt: new Date(T0 - 40 * MIN), finishedAt: new Date(T0 - 37 * MIN) },
  { serviceDeploymentArn: depArn(1), targetServiceRevisionArn: revArn(41), status: 'SUCCESSFUL', createdAt: new Date(T0 - 8 * 24 * 60 * MIN), startedAt: new Date(T0 - 8 * 24 * 60 * MIN), finishedAt: new Date(T0 - 8 * 24 * 60 * MIN + 2 * MIN) },
];

function ctx(): EcsActionContext {
  const aws = createAwsContext({ config: { region: 'us-east-1' }, env: {}, sdk: { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } });
  return {
    env: { name: 'prod', protected: true, readOnly: false, region: 'us-east-1', account: ACCOUNT, identity: 'tester' },
    now: () => T0,
    sleep: async () => {},
    ecs: awsEcsControl(aws),
    condition: () => ({ holds: true, reason: '' }),
    ruleFor: () => undefined,
  };
}

beforeEach(() => {
  ecsMock.reset();
  ecsMock.on(DescribeServicesCommand).resolves({
    services: [
      {
        serviceName: 'api', status: 'ACTIVE', desiredCount: 2, runningCount: 2, pendingCount: 0, taskDefinition: tdArn('api:44'),
        deployments: [
          { id: 'ecs-svc/4', status: 'PRIMARY', taskDefinition: tdArn('api:44'), desiredCount: 2, runningCount: 0, pendingCount: 2, failedTasks: 5, rolloutState: 'IN_PROGRESS', createdAt: new Date(T0 - 3 * MIN), updatedAt: new Date(T0 - MIN) },
          { id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: tdArn('api:41'), desiredCount: 2, runningCount: 2, pendingCount: 0, failedTasks: 0, rolloutState: 'COMPLETED', createdAt: new Date(T0 - 8 * 24 * 60 * MIN), updatedAt: new Date(T0 - 20 * MIN) },
        ],
        events: [
          { id: 'e3', createdAt: new Date(T0 - MIN), message: '(service api) has stopped 2 tasks: (task a) (task b): Essential container in task exited.' },
          { id: 'e2', createdAt: new Date(T0 - 33 * MIN), message: '(service api) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.' },
          { id: 'e1', createdAt: new Date(T0 - 37 * MIN), message: '(service api) has reached a steady state.' },
          { id: 'e0', createdAt: new Date(T0 - 9 * 24 * 60 * MIN), message: '(service api) has reached a steady state.' },
        ],
      },
    ],
  });
  ecsMock.on(ListTaskDefinitionsCommand).resolves({ taskDefinitionArns: [44, 43, 42, 41].map((n) => tdArn(`api:${n}`)) });
  ecsMock.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => {
    const ref = input.taskDefinition.split('/').pop()!;
    const [family, revision] = ref.split(':');
    return { taskDefinition: { family, revision: Number(revision), taskDefinitionArn: tdArn(ref), containerDefinitions: [{ name: 'app', image: `registry.example.com/api:${revision}` }] } };
  });
  // two pages, as ListServiceDeployments pages by nextToken
  ecsMock.on(ListServiceDeploymentsCommand).callsFake((input: { nextToken?: string }) => (input.nextToken === 'p2' ? { serviceDeployments: BRIEFS.slice(2) } : { serviceDeployments: BRIEFS.slice(0, 2), nextToken: 'p2' }));
  ecsMock.on(DescribeServiceRevisionsCommand).callsFake((input: { serviceRevisionArns: string[] }) => ({
    serviceRevisions: input.serviceRevisionArns.map((arn) => ({ serviceRevisionArn: arn, taskDefinition: tdArn(`api:${Number(arn.split('/').pop()) - 1000}`) })),
  }));
});

describe('rollback --to last-good from ECS deployment history', () => {
  it('passes over the failed and the crash-looped revisions and picks the one that ran a week, with the evidence', async () => {
    const plan = await rollbackAction.plan(ctx(), { cluster: 'prod', service: 'api', to: 'last-good' }, signal);
    expect(plan.refusal).toBeUndefined();
    expect(plan.changes).toEqual([{ field: 'taskDefinition', before: 'api:44', after: 'api:41' }]);
    const text = plan.details.join('\n');
    expect(text).toMatch(/Last known good: api:41/);
    expect(text).toMatch(/✓ deployment dep1 reached a steady state at 2026-03-06 03:02 UTC \(SUCCESSFUL\), ran 8\.0 d until 2026-03-14 02:20 UTC ≥ 10 min/);
    expect(text).toMatch(/Passed over api:43:\n  ✗ deployment dep3 at 2026-03-14 02:30 UTC never reached a steady state: ROLLBACK_FAILED \(Service deployment rolled back/);
    expect(text).toMatch(/Passed over api:42:\n  ✗ deployment dep2 reached a steady state at 2026-03-14 02:23 UTC \(SUCCESSFUL\), ran .* but crash-looped then/);
    // both pages read, and the revisions described in one batch
    expect(ecsMock.commandCalls(ListServiceDeploymentsCommand).map((c) => c.args[0].input.nextToken)).toEqual([undefined, 'p2']);
    expect(ecsMock.commandCalls(ListServiceDeploymentsCommand)[0]!.args[0].input).toMatchObject({ cluster: 'prod', service: 'api' });
    expect(ecsMock.commandCalls(DescribeServiceRevisionsCommand)).toHaveLength(1);
  });

  it('without ListServiceDeployments (no permission) it says so and judges from the deployments ECS still lists', async () => {
    ecsMock.on(ListServiceDeploymentsCommand).rejects(Object.assign(new Error('User is not authorized to perform: ecs:ListServiceDeployments'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    const plan = await rollbackAction.plan(ctx(), { cluster: 'prod', service: 'api', to: 'last-good' }, signal);
    expect(plan.changes[0]!.after).toBe('api:41');
    const text = plan.details.join('\n');
    expect(text).toMatch(/✓ deployment ecs-svc\/1 is ACTIVE with its rollout COMPLETED \(2 running\)/);
    expect(text).toMatch(/Note: deployment history unavailable \(.*ListServiceDeployments.*\)/);
  });
});
