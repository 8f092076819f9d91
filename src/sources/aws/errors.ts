/**
 * AWS failures as one line that says what to do. An on-call engineer reading
 * "ExpiredTokenException: The security token included in the request is
 * expired" at 3 a.m. should instead read the command that fixes it. The
 * mapping is a table (first matching rule wins) so it can be read and tested
 * row by row.
 */
import { oneLine } from '../../text/sanitize.js';
import type { AwsContext, AwsService } from './clients.js';
import { credentialsLabel, refreshHint } from './credentials.js';
import { lastSegment } from './util.js';

/** Which call failed, so the line can name the action and the config entry. */
export interface AwsCall {
  service: AwsService;
  /** operation name, e.g. DescribeServices */
  action: string;
  input?: Record<string, unknown>;
  /** the config entry that chose the resource, e.g. "ecs[0].cluster" */
  configPath?: string;
}

type AwsErrorKind =
  | 'expired'
  | 'no-credentials'
  | 'bad-credentials'
  | 'no-region'
  | 'access-denied'
  | 'throttled'
  | 'not-found'
  | 'network'
  | 'other';

/** A failed AWS call; `message` is the line for the screen, `cause` the SDK error. */
export class AwsError extends Error {
  override readonly name = 'AwsError';
  constructor(
    message: string,
    readonly kind: AwsErrorKind,
    readonly call: AwsCall | undefined,
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

/** Property under which clients.ts records the endpoint of a failed request. */
export const ENDPOINT = Symbol.for('opsdeck.aws.endpoint');

const SERVICE_LABEL: Record<AwsService, string> = {
  ecs: 'ECS',
  cloudwatch: 'CloudWatch',
  logs: 'CloudWatch Logs',
  rds: 'RDS',
  sts: 'STS',
  autoscaling: 'Application Auto Scaling',
};

/** IAM's prefix where it differs from the client's name. */
const IAM_PREFIX: Partial<Record<AwsService, string>> = { autoscaling: 'application-autoscaling' };

interface Facts {
  name: string;
  code: string;
  message: string;
  endpoint?: string;
  call?: AwsCall;
}

interface Rule {
  kind: AwsErrorKind;
  match(f: Facts): boolean;
  line(f: Facts, ctx: AwsContext): string;
}

const names = (...list: string[]) => (f: Facts) => list.includes(f.name) || list.includes(f.code);
const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'];

const RULES: readonly Rule[] = [
  {
    kind: 'expired',
    match: (f) =>
      // UnauthorizedException comes from SSO's GetRoleCredentials: none of our services models one
      names('ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'InvalidGrantException', 'UnauthorizedException')(f) ||
      // the SDK's SSO provider ends every "log in again" case with this advice
      /\bSSO\b.*\b(expired|invalid)\b|token is expired|security token included in the request is expired|run '?aws sso login/i.test(f.message),
    line: (_f, ctx) => `AWS credentials for ${credentialsLabel(ctx.credentials)} have expired: ${refreshHint(ctx.credentials)}`,
  },
  {
    kind: 'no-credentials',
    match: (f) => /could not resolve credentials using profile|profile .* could not be found|config profile .* not found/i.test(f.message),
    line: (_f, ctx) => {
      const p = ctx.credentials.kind === 'profile' ? ctx.credentials.profile : 'default';
      return `AWS profile ${p} is not in ~/.aws/config or ~/.aws/credentials: check --profile / aws.profile, or run \`aws configure sso --profile ${p}\``;
    },
  },
  {
    kind: 'no-credentials',
    match: (f) => f.name === 'CredentialsProviderError' || /could not load credentials from any providers/i.test(f.message),
    // the default chain hides "no such profile" behind this same message
    line: (_f, ctx) =>
      ctx.credentials.kind === 'profile'
        ? `no AWS credentials for profile ${ctx.credentials.profile}: check it is in \`aws configure list-profiles\`, or run \`aws configure sso --profile ${ctx.credentials.profile}\``
        : 'no AWS credentials found: set AWS_PROFILE (or aws.profile in the config) or run `aws configure`',
  },
  {
    kind: 'bad-credentials',
    match: names('InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidSignatureException', 'AuthFailure'),
    line: (_f, ctx) => `AWS rejected the credentials of ${credentialsLabel(ctx.credentials)} (unknown key or bad signature): check them with \`aws sts get-caller-identity\``,
  },
  {
    kind: 'no-region',
    match: (f) => /region is missing/i.test(f.message),
    line: () => 'no AWS region set: pass --region, set aws.region in the config, or export AWS_REGION',
  },
  {
    kind: 'access-denied',
    match: names('AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError'),
    line: (f) => {
      // AWS names the exact action and resource in the message when it can
      const m = /not authorized to perform:? ([\w-]+:\w+)(?: on resource:? (\S+))?/i.exec(f.message);
      const action = m?.[1] ?? iamAction(f.call);
      const resource = m?.[2] ?? resourceOf(f.call) ?? 'the requested resource';
      return `access denied for ${action} on ${resource}: the IAM policy needs ${action}`;
    },
  },
  {
    kind: 'throttled',
    match: names('ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown', 'RequestThrottled'),
    line: (f) => `AWS is throttling ${serviceLabel(f)} requests; opsdeck will back off`,
  },
  {
    kind: 'not-found',
    match: names('ClusterNotFoundException'),
    line: (f, ctx) => {
      const cluster = lastSegment(String(f.call?.input?.cluster ?? '?'));
      return `ECS cluster ${cluster} not found in ${regionLabel(ctx)}: fix ${f.call?.configPath ?? 'ecs[].cluster'} in the config, or the region`;
    },
  },
  {
    kind: 'not-found',
    match: names('ServiceNotFoundException', 'ServiceNotActiveException'),
    line: (f) => {
      const input = f.call?.input ?? {};
      const service = input.service ?? (Array.isArray(input.services) ? input.services.join(', ') : input.serviceName);
      return missingServiceLine(String(service ?? '?'), String(input.cluster ?? '?'), f.call?.configPath);
    },
  },
  {
    kind: 'network',
    match: (f) => NETWORK_CODES.includes(f.code) || f.name === 'TimeoutError' || /socket hang up|timed out/i.test(f.message),
    line: (f) => {
      const why = NETWORK_CODES.includes(f.code) ? f.code : 'timed out';
      return `cannot reach the ${serviceLabel(f)} endpoint ${f.endpoint ?? '(SDK default)'} (${why}): check the network/VPN, the region and AWS_ENDPOINT_URL`;
    },
  },
];

/** The line to show for any error from an AWS call. */
export function describeAwsError(err: unknown, ctx: AwsContext, call?: AwsCall): string {
  if (err instanceof AwsError) return err.message;
  const f = facts(err, call);
  const rule = RULES.find((r) => r.match(f));
  if (rule) return oneLine(rule.line(f, ctx));
  const what = f.call ? `${serviceLabel(f)} ${f.call.action} failed` : 'AWS request failed';
  const detail = f.message && f.message !== f.name ? `${f.name}: ${f.message}` : f.name;
  return oneLine(`${what}: ${detail}`, 300);
}

export function errorKind(err: unknown): AwsErrorKind {
  if (err instanceof AwsError) return err.kind;
  const f = facts(err, undefined);
  return RULES.find((r) => r.match(f))?.kind ?? 'other';
}

/** The line for a configured service that ECS reports MISSING. */
export function missingServiceLine(service: string, cluster: string, configPath?: string): string {
  return `ECS service ${lastSegment(service)} not found in cluster ${lastSegment(cluster)}: fix ${configPath ?? 'ecs[].services'} in the config`;
}

function facts(err: unknown, call: AwsCall | undefined): Facts {
  const e = (err && typeof err === 'object' ? err : { message: String(err) }) as Record<string | symbol, unknown>;
  // Node puts the errno on the error or, for fetch-style wrappers, on its cause
  const cause = (e.cause && typeof e.cause === 'object' ? e.cause : {}) as Record<string, unknown>;
  const endpoint = (e[ENDPOINT] as string | undefined) ?? (typeof e.hostname === 'string' ? e.hostname : undefined);
  return {
    name: String(e.name ?? e.Code ?? 'Error'),
    code: String(e.code ?? e.Code ?? cause.code ?? ''),
    message: String(e.message ?? ''),
    ...(endpoint ? { endpoint } : {}),
    ...(call ? { call } : {}),
  };
}

function serviceLabel(f: Facts): string {
  return f.call ? SERVICE_LABEL[f.call.service] : 'AWS';
}

function iamAction(call: AwsCall | undefined): string {
  return call ? `${IAM_PREFIX[call.service] ?? call.service}:${call.action}` : 'this action';
}

function resourceOf(call: AwsCall | undefined): string | undefined {
  const input = call?.input;
  if (!input) return undefined;
  const cluster = typeof input.cluster === 'string' ? lastSegment(input.cluster) : undefined;
  const services = Array.isArray(input.services) ? input.services.map(String).map(lastSegment) : undefined;
  const service = typeof input.service === 'string' ? input.service : typeof input.serviceName === 'string' ? input.serviceName : undefined;
  if (cluster && services) return services.length === 1 ? `service ${cluster}/${services[0]}` : `services ${services.join(', ')} in cluster ${cluster}`;
  if (cluster && service) return `service ${cluster}/${lastSegment(service)}`;
  if (cluster) return `cluster ${cluster}`;
  for (const key of ['taskDefinition', 'familyPrefix', 'DBInstanceIdentifier', 'logGroupName']) {
    if (typeof input[key] === 'string') return input[key] as string;
  }
  return undefined;
}

function regionLabel(ctx: AwsContext): string {
  const region = ctx.resolvedRegion() ?? ctx.region;
  return region ? `region ${region}` : 'the default region';
}
