/**
 * A service's past deployments from ECS: ListServiceDeployments (paged,
 * newest first, created after `since`) names each deployment's target
 * service revision; DescribeServiceRevisions (20 at a time) names the task
 * definition of each. DescribeServices only keeps the deployments still
 * running, so this is where "what ran before, and did it settle" comes from.
 */
import type { ServiceDeploymentRecord } from '../../model/deployments.js';
import { send, type AwsContext } from './clients.js';
import { allPages } from './paging.js';
import { chunk, lastSegment } from './util.js';

/** ListServiceDeployments' maximum page size */
const PAGE = 100;
/** DescribeServiceRevisions' maximum batch */
const REVISIONS_BATCH = 20;
/** enough history for "the newest good one" without reading years of deploys */
const MAX_DEPLOYMENTS = 50;

const ms = (d: Date | undefined) => (d ? d.getTime() : undefined);

/** "arn:aws:ecs:…:task-definition/web:43" → "web:43" */
function shortRef(taskDefinition: string): string {
  return taskDefinition.startsWith('arn:') ? taskDefinition.slice(taskDefinition.indexOf('/') + 1) : taskDefinition;
}

export async function readDeploymentHistory(ctx: AwsContext, cluster: string, service: string, since: number, signal: AbortSignal): Promise<ServiceDeploymentRecord[]> {
  const briefs = await allPages(
    async (nextToken) => {
      const out = await send(
        ctx,
        'ecs',
        (ecs) => new ecs.ListServiceDeploymentsCommand({ cluster, service, createdAt: { after: new Date(since) }, maxResults: PAGE, ...(nextToken ? { nextToken } : {}) }),
        signal,
      );
      return { items: out.serviceDeployments, nextToken: out.nextToken };
    },
    signal,
    (items) => items.length >= MAX_DEPLOYMENTS,
  );
  const revisionArns = [...new Set(briefs.map((b) => b.targetServiceRevisionArn).filter((a): a is string => Boolean(a)))];
  const taskDefinitionOf = new Map<string, string>();
  for (const arns of chunk(revisionArns, REVISIONS_BATCH)) {
    const out = await send(ctx, 'ecs', (ecs) => new ecs.DescribeServiceRevisionsCommand({ serviceRevisionArns: arns }), signal);
    for (const r of out.serviceRevisions ?? []) if (r.serviceRevisionArn && r.taskDefinition) taskDefinitionOf.set(r.serviceRevisionArn, shortRef(r.taskDefinition));
  }
  const records: ServiceDeploymentRecord[] = [];
  for (const b of briefs.slice(0, MAX_DEPLOYMENTS)) {
    const td = b.targetServiceRevisionArn ? taskDefinitionOf.get(b.targetServiceRevisionArn) : undefined;
    const createdAt = ms(b.createdAt) ?? ms(b.startedAt);
    if (!td || createdAt === undefined) continue;
    const startedAt = ms(b.startedAt);
    const finishedAt = ms(b.finishedAt);
    records.push({
      id: lastSegment(b.serviceDeploymentArn ?? '?'),
      taskDefinition: td,
      status: b.status ?? 'PENDING',
      ...(b.statusReason ? { statusReason: b.statusReason } : {}),
      createdAt,
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(finishedAt !== undefined ? { finishedAt } : {}),
    });
  }
  return records.sort((a, b) => b.createdAt - a.createdAt);
}
