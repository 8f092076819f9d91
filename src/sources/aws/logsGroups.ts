/**
 * Configured log groups: names or ARNs. FilterLogEvents takes either;
 * StartLiveTail wants ARNs, found with DescribeLogGroups or, where that is
 * denied, built from the caller's account (STS) and the client's region.
 */
import type { LogRuleConfig } from '../../config/schema.js';
import { send, type AwsContext } from './clients.js';
import { AwsError, errorKind } from './errors.js';
import { throwIfAborted } from './util.js';

/** An entry of the config's `logs:` list (logGroupSchema). */
export interface LogGroupConfig {
  group: string;
  filterPattern?: string | undefined;
  mode?: 'live' | 'poll' | undefined;
  rules?: readonly LogRuleConfig[] | undefined;
  /** saved filters of the log view, by name */
  filters?: Readonly<Record<string, string>> | undefined;
}

export interface LogGroupRef {
  /** the name lines are labelled with */
  name: string;
  /** as written in the config: a name or an ARN */
  configured: string;
  /** position in the config's logs list, for error lines */
  index: number;
  pattern: string | undefined;
  mode: 'live' | 'poll';
}

const ARN = /^arn:([^:]+):logs:([^:]*):(\d*):log-group:(.+?)(?::\*)?$/;

export function groupRefs(groups: readonly LogGroupConfig[]): LogGroupRef[] {
  return groups.map((g, index) => {
    const arn = ARN.exec(g.group);
    const pattern = g.filterPattern?.trim() ? g.filterPattern : undefined;
    return { name: arn ? arn[4]! : g.group, configured: g.group.replace(/:\*$/, ''), index, pattern, mode: g.mode ?? 'live' };
  });
}

/** FilterLogEvents input naming the group. */
export function groupParam(g: LogGroupRef): { logGroupName: string } | { logGroupIdentifier: string } {
  return g.configured.startsWith('arn:') ? { logGroupIdentifier: g.configured } : { logGroupName: g.name };
}

export function notFound(ctx: AwsContext, g: LogGroupRef, cause: unknown): AwsError {
  const region = ctx.resolvedRegion() ?? ctx.region;
  return new AwsError(
    `CloudWatch Logs group ${g.name} not found in ${region ? `region ${region}` : 'the default region'}: fix logs[${g.index}].group in the config, or the region`,
    'not-found',
    { service: 'logs', action: 'DescribeLogGroups', input: { logGroupName: g.name }, configPath: `logs[${g.index}].group` },
    cause,
  );
}

export function isNotFound(err: unknown): boolean {
  const cause = err instanceof AwsError ? err.cause : err;
  return (cause as { name?: string } | undefined)?.name === 'ResourceNotFoundException';
}

// A prefix such as "/ecs/api" also lists "/ecs/api-staging"; a handful of pages finds the exact name.
const MAX_DESCRIBE_PAGES = 20;

/** ARNs (without the trailing ":*") for StartLiveTail, in the order given. */
export async function resolveArns(ctx: AwsContext, groups: readonly LogGroupRef[], signal: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  for (const g of groups) {
    if (g.configured.startsWith('arn:')) {
      out.push(g.configured);
      continue;
    }
    try {
      out.push(await describeArn(ctx, g, signal));
    } catch (err) {
      if (signal.aborted || errorKind(err) !== 'access-denied') throw err;
      out.push(await arnFromIdentity(ctx, g, signal));
    }
  }
  return out;
}

async function describeArn(ctx: AwsContext, g: LogGroupRef, signal: AbortSignal): Promise<string> {
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_DESCRIBE_PAGES; page++) {
    throwIfAborted(signal);
    const token = nextToken;
    const res = await send(ctx, 'logs', (l) => new l.DescribeLogGroupsCommand({ logGroupNamePrefix: g.name, ...(token ? { nextToken: token } : {}) }), signal, {
      configPath: `logs[${g.index}].group`,
    });
    const found = res.logGroups?.find((lg) => lg.logGroupName === g.name);
    const arn = found?.logGroupArn ?? found?.arn?.replace(/:\*$/, '');
    if (arn) return arn;
    nextToken = res.nextToken;
    if (!nextToken) break;
  }
  throw notFound(ctx, g, undefined);
}

async function arnFromIdentity(ctx: AwsContext, g: LogGroupRef, signal: AbortSignal): Promise<string> {
  const id = await send(ctx, 'sts', (sts) => new sts.GetCallerIdentityCommand({}), signal);
  const partition = /^arn:([^:]+):/.exec(id.Arn ?? '')?.[1] ?? 'aws';
  const region = ctx.resolvedRegion() ?? ctx.region ?? (await (await ctx.logs()).config.region());
  return `arn:${partition}:logs:${region}:${id.Account ?? ''}:log-group:${g.name}`;
}

/**
 * The configured group a Live Tail line belongs to. The API documents its
 * logGroupIdentifier as "the name or ARN"; it is matched both ways.
 */
export function groupMatcher(groups: readonly LogGroupRef[], arns: readonly string[]): (identifier: string | undefined) => string {
  const byId = new Map<string, string>();
  groups.forEach((g, i) => {
    byId.set(g.name, g.name);
    byId.set(g.configured, g.name);
    if (arns[i]) byId.set(arns[i], g.name);
  });
  return (identifier) => {
    if (!identifier) return groups.length === 1 ? groups[0]!.name : '?';
    const id = identifier.replace(/:\*$/, '');
    const exact = byId.get(id);
    if (exact) return exact;
    // "123456789012:/ecs/api" and other account-qualified forms
    const suffix = groups.find((g) => id.endsWith(`:${g.name}`));
    if (suffix) return suffix.name;
    return ARN.exec(id)?.[4] ?? id;
  };
}
