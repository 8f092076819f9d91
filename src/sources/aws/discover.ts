/**
 * Read-only discovery of what an account holds in one region, for `opsdeck
 * init`: ECS clusters and their services, RDS instances, and log groups (the
 * ones the services' task definitions write to first, then others). Only
 * List/Describe calls; a part the credentials may not read becomes a warning
 * and the rest is still offered.
 */
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { errorMessage, oneLine } from '../../text/sanitize.js';
import { send, type AwsContext } from './clients.js';
import { getIdentity } from './identity.js';
import { chunk, lastSegment, mapLimit, throwIfAborted } from './util.js';

export interface DiscoveredService {
  name: string;
  /** "family:revision" */
  taskDefinition: string;
}

export interface DiscoveredCluster {
  name: string;
  services: DiscoveredService[];
}

export interface DiscoveredDatabase {
  id: string;
  engine: string;
  engineVersion: string;
  instanceClass: string;
  status: string;
  /** why opsdeck should not watch it as it stands (Aurora, DocumentDB…), else undefined */
  unsupported?: string;
}

export interface DiscoveredLogGroup {
  name: string;
  /** "cluster/service" of the services whose task definitions write here; empty for other groups */
  usedBy: string[];
  /** false: a task definition names it but the region has no such group */
  exists: boolean;
  /** a task definition's awslogs-region, when it is not the region discovered */
  otherRegion?: string;
}

export interface Discovery {
  account: string;
  arn: string;
  region: string | undefined;
  clusters: DiscoveredCluster[];
  databases: DiscoveredDatabase[];
  /** task definitions' groups first (in service order), then the region's other groups by name */
  logGroups: DiscoveredLogGroup[];
  /** true when the region has more groups than were listed */
  moreLogGroups: boolean;
  warnings: string[];
}

interface DiscoverOptions {
  signal?: AbortSignal;
  /** how many groups besides the task definitions' ones are listed */
  otherLogGroups?: number;
}

const CONCURRENCY = 3;
const DESCRIBE_SERVICES_BATCH = 10;
const MAX_PAGES = 50;
const OTHER_LOG_GROUPS = 50;
const UNSUPPORTED_ENGINES: [RegExp, string][] = [
  [/^aurora/, 'Aurora: its backups are cluster snapshots, which the RDS checks do not read yet'],
  [/^docdb/, 'DocumentDB, not a relational database'],
  [/^neptune/, 'Neptune, not a relational database'],
];

/** Who we are first: a credentials or region problem ends discovery with that one line. */
export async function discover(ctx: AwsContext, opts: DiscoverOptions = {}): Promise<Discovery> {
  const signal = opts.signal;
  const id = await getIdentity(ctx, signal);
  const warnings: string[] = [];
  const part = async <T>(what: string, read: () => Promise<T>, empty: T): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      if (signal?.aborted) throw err;
      warnings.push(`${what} skipped: ${errorMessage(err)}`);
      return empty;
    }
  };
  const [ecs, databases, listed] = await Promise.all([
    part('ECS clusters', () => discoverEcs(ctx, signal), { clusters: [], groups: new Map<string, TaskGroup>() }),
    part('RDS instances', () => discoverDatabases(ctx, signal), []),
    part('log groups', () => listLogGroups(ctx, (opts.otherLogGroups ?? OTHER_LOG_GROUPS) + 1, signal), []),
  ]);
  const region = ctx.resolvedRegion() ?? ctx.region;
  const limit = opts.otherLogGroups ?? OTHER_LOG_GROUPS;
  const logGroups = await part('checking the task definitions\' log groups', () => mergeLogGroups(ctx, ecs.groups, listed.slice(0, limit), region, signal), []);
  return { account: id.account, arn: id.arn, region, clusters: ecs.clusters, databases, logGroups, moreLogGroups: listed.length > limit, warnings };
}

interface TaskGroup {
  usedBy: string[];
  region?: string;
}

async function discoverEcs(ctx: AwsContext, signal?: AbortSignal): Promise<{ clusters: DiscoveredCluster[]; groups: Map<string, TaskGroup> }> {
  const clusterArns = await paginate((token) => send(ctx, 'ecs', (ecs) => new ecs.ListClustersCommand({ maxResults: 100, ...(token ? { nextToken: token } : {}) }), signal), (o) => o.clusterArns, signal);
  const clusters = await mapLimit(clusterArns, CONCURRENCY, async (arn): Promise<DiscoveredCluster> => {
    const serviceArns = await paginate(
      (token) => send(ctx, 'ecs', (ecs) => new ecs.ListServicesCommand({ cluster: arn, maxResults: 100, ...(token ? { nextToken: token } : {}) }), signal),
      (o) => o.serviceArns,
      signal,
    );
    const described = await mapLimit(chunk(serviceArns, DESCRIBE_SERVICES_BATCH), CONCURRENCY, (services) =>
      send(ctx, 'ecs', (ecs) => new ecs.DescribeServicesCommand({ cluster: arn, services }), signal),
    );
    const services = described
      .flatMap((o) => o.services ?? [])
      .map((s) => ({ name: s.serviceName ?? lastSegment(s.serviceArn ?? ''), taskDefinition: lastSegment(s.taskDefinition ?? '') }))
      .filter((s) => s.name)
      .sort((a, b) => a.name.localeCompare(b.name));
    return { name: lastSegment(arn), services };
  });
  clusters.sort((a, b) => a.name.localeCompare(b.name));

  // one DescribeTaskDefinition per distinct revision, however many services share it
  const byDefinition = new Map<string, string[]>();
  for (const c of clusters) for (const s of c.services) if (s.taskDefinition) byDefinition.set(s.taskDefinition, [...(byDefinition.get(s.taskDefinition) ?? []), `${c.name}/${s.name}`]);
  const definitions = [...byDefinition.keys()];
  const described = await mapLimit(definitions, CONCURRENCY, (taskDefinition) =>
    send(ctx, 'ecs', (ecs) => new ecs.DescribeTaskDefinitionCommand({ taskDefinition }), signal).then((o) => o.taskDefinition?.containerDefinitions ?? []),
  );
  const groups = new Map<string, TaskGroup>();
  // in cluster and service order, so the config lists groups the way the services are listed
  for (const c of clusters) {
    for (const s of c.services) {
      const containers = described[definitions.indexOf(s.taskDefinition)] ?? [];
      for (const g of awslogsGroups(containers)) {
        const entry = groups.get(g.group) ?? { usedBy: [], ...(g.region ? { region: g.region } : {}) };
        const who = `${c.name}/${s.name}`;
        if (!entry.usedBy.includes(who)) entry.usedBy.push(who);
        groups.set(g.group, entry);
      }
    }
  }
  return { clusters, groups };
}

/** The `awslogs-group` (and `awslogs-region`) of each container using the awslogs driver. */
function awslogsGroups(containers: readonly ContainerDefinition[]): { group: string; region?: string }[] {
  return containers.flatMap((c) => {
    const lc = c.logConfiguration;
    const group = lc?.logDriver === 'awslogs' ? lc.options?.['awslogs-group'] : undefined;
    if (!group) return [];
    const region = lc?.options?.['awslogs-region'];
    return [region ? { group, region } : { group }];
  });
}

async function discoverDatabases(ctx: AwsContext, signal?: AbortSignal): Promise<DiscoveredDatabase[]> {
  const instances = await paginate(
    (marker) => send(ctx, 'rds', (rds) => new rds.DescribeDBInstancesCommand({ MaxRecords: 100, ...(marker ? { Marker: marker } : {}) }), signal),
    (o) => o.DBInstances,
    signal,
    (o) => o.Marker,
  );
  return instances
    .map((i): DiscoveredDatabase => {
      const engine = i.Engine ?? '';
      const unsupported = UNSUPPORTED_ENGINES.find(([re]) => re.test(engine))?.[1];
      return {
        id: i.DBInstanceIdentifier ?? '',
        engine,
        engineVersion: i.EngineVersion ?? '',
        instanceClass: i.DBInstanceClass ?? '',
        status: i.DBInstanceStatus ?? '',
        ...(unsupported ? { unsupported } : {}),
      };
    })
    .filter((d) => d.id)
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Up to `limit` group names of the region, by name (the API's order). */
async function listLogGroups(ctx: AwsContext, limit: number, signal?: AbortSignal): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES && names.length < limit; page++) {
    throwIfAborted(signal);
    const nextToken = token;
    const out = await send(ctx, 'logs', (l) => new l.DescribeLogGroupsCommand({ limit: Math.min(50, limit - names.length), ...(nextToken ? { nextToken } : {}) }), signal);
    names.push(...(out.logGroups ?? []).map((g) => g.logGroupName ?? '').filter(Boolean));
    token = out.nextToken;
    if (!token) break;
  }
  return names.slice(0, limit);
}

/** Task definitions' groups first, each checked to exist; then the listed ones not already named. */
async function mergeLogGroups(ctx: AwsContext, fromTasks: Map<string, TaskGroup>, listed: string[], region: string | undefined, signal?: AbortSignal): Promise<DiscoveredLogGroup[]> {
  const listedSet = new Set(listed);
  const names = [...fromTasks.keys()];
  const exists = await mapLimit(names, CONCURRENCY, async (name) => {
    if (listedSet.has(name)) return true;
    const elsewhere = fromTasks.get(name)?.region;
    if (elsewhere && region && elsewhere !== region) return false;
    const out = await send(ctx, 'logs', (l) => new l.DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 50 }), signal);
    return (out.logGroups ?? []).some((g) => g.logGroupName === name);
  });
  const fromTaskGroups = names.map((name, i): DiscoveredLogGroup => {
    const t = fromTasks.get(name)!;
    const otherRegion = t.region && region && t.region !== region ? t.region : undefined;
    return { name, usedBy: t.usedBy, exists: exists[i] ?? false, ...(otherRegion ? { otherRegion } : {}) };
  });
  const others = [...listedSet].filter((n) => !fromTasks.has(n)).map((name): DiscoveredLogGroup => ({ name, usedBy: [], exists: true }));
  return [...fromTaskGroups, ...others];
}

/** Follows a paginated List/Describe call to the end (bounded: a token loop must not spin forever). */
async function paginate<O, T>(call: (token: string | undefined) => Promise<O>, items: (o: O) => T[] | undefined, signal?: AbortSignal, next: (o: O) => string | undefined = (o) => (o as { nextToken?: string }).nextToken): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    throwIfAborted(signal);
    const o = await call(token);
    out.push(...(items(o) ?? []));
    token = next(o);
    if (!token) break;
  }
  return out;
}

/** "12 services", "1 service", "no services yet" */
export function servicesLabel(c: DiscoveredCluster): string {
  if (c.services.length === 0) return 'no services yet';
  return `${c.services.length} service${c.services.length === 1 ? '' : 's'}`;
}

/** "postgres 15.4, db.t3.micro, available" */
export function databaseLabel(d: DiscoveredDatabase): string {
  return oneLine([`${d.engine} ${d.engineVersion}`.trim(), d.instanceClass, d.status].filter(Boolean).join(', '), 120);
}
