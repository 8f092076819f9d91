/**
 * Task definition reads for the rollback action: which revisions exist, and
 * what two of them contain so the plan can show a diff. Environment variable
 * VALUES are never copied out of the API response: they often hold secrets
 * that would end up on screen, in the audit journal or in an incident export.
 */
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { send, type AwsContext } from './clients.js';
import { allPages } from './paging.js';
import { parseTaskDefinition } from './util.js';

export interface TaskDefinitionContainer {
  name: string;
  image: string;
  /** CPU units reserved for the container; 0 when unset */
  cpu: number;
  /** hard memory limit in MiB, else the soft reservation; undefined when neither is set */
  memory?: number;
  essential: boolean;
  /** names of plain environment variables, sorted; values are deliberately absent */
  environment: string[];
  /** names of variables injected from Secrets Manager / SSM, sorted */
  secrets: string[];
}

export interface TaskDefinitionSummary {
  arn: string;
  family: string;
  revision: number;
  status: string;
  /** task-level CPU units and memory MiB (Fargate); undefined when unset */
  cpu?: number;
  memory?: number;
  registeredAt?: number;
  containers: TaskDefinitionContainer[];
}

export interface TaskDefinitionRevision {
  arn: string;
  family: string;
  revision: number;
}

/** `ref` is "family:revision", a bare family (its latest ACTIVE revision) or an ARN. */
export async function describeTaskDefinition(ctx: AwsContext, ref: string, signal?: AbortSignal): Promise<TaskDefinitionSummary> {
  const out = await send(ctx, 'ecs', (ecs) => new ecs.DescribeTaskDefinitionCommand({ taskDefinition: ref }), signal);
  const td = out.taskDefinition;
  if (!td) throw new Error(`ECS returned no task definition for ${ref}`);
  const parsed = parseTaskDefinition(td.taskDefinitionArn ?? ref);
  const summary: TaskDefinitionSummary = {
    arn: td.taskDefinitionArn ?? '',
    family: td.family ?? parsed.family,
    revision: td.revision ?? parsed.revision,
    status: td.status ?? 'UNKNOWN',
    containers: (td.containerDefinitions ?? []).map(container),
  };
  const cpu = units(td.cpu);
  const memory = units(td.memory);
  if (cpu !== undefined) summary.cpu = cpu;
  if (memory !== undefined) summary.memory = memory;
  if (td.registeredAt) summary.registeredAt = td.registeredAt.getTime();
  return summary;
}

/** ListTaskDefinitions page size (the API's maximum) */
const LIST_TASK_DEFINITIONS_PAGE = 100;

/**
 * The ACTIVE revisions of `family`, newest first, at most `limit` of them
 * (default: all, paging to the end: a family keeps every revision ever
 * registered, and a rollback target may be an old one). Sorted here as well:
 * the order is what the rollback picker relies on (and moto ignores `sort`).
 */
export async function listRevisions(ctx: AwsContext, family: string, limit = Infinity, signal?: AbortSignal): Promise<TaskDefinitionRevision[]> {
  const arns = await allPages(
    async (nextToken) => {
      const out = await send(
        ctx,
        'ecs',
        (ecs) =>
          new ecs.ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', sort: 'DESC', maxResults: LIST_TASK_DEFINITIONS_PAGE, ...(nextToken ? { nextToken } : {}) }),
        signal,
      );
      return { items: out.taskDefinitionArns, nextToken: out.nextToken };
    },
    signal,
    (listed) => listed.length >= limit,
  );
  return (
    arns
      .map((arn) => ({ arn, ...parseTaskDefinition(arn) }))
      // only the family asked for, whatever an emulator makes of familyPrefix
      .filter((r) => r.family === family)
      .sort((a, b) => b.revision - a.revision)
      .slice(0, limit)
  );
}

function container(c: ContainerDefinition): TaskDefinitionContainer {
  const out: TaskDefinitionContainer = {
    name: c.name ?? '',
    image: c.image ?? '',
    cpu: c.cpu ?? 0,
    essential: c.essential ?? true,
    environment: (c.environment ?? []).map((e) => e.name ?? '').filter(Boolean).sort(),
    secrets: (c.secrets ?? []).map((s) => s.name ?? '').filter(Boolean).sort(),
  };
  const memory = c.memory ?? c.memoryReservation;
  if (memory !== undefined) out.memory = memory;
  return out;
}

// Task-level sizes come back as strings ("512"); "1 vCPU" / "2 GB" forms are
// normalised by ECS at registration, so anything else is left unset.
function units(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+$/.test(s.trim())) return undefined;
  return Number(s);
}
