// The AWS error table, row by row, plus the cases worth producing for real:
// a refused connection, an expired SSO session and a profile that does not
// exist, each through a real SDK client.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsContext, send, type AwsContext } from '../../src/sources/aws/clients.js';
import { AwsError, describeAwsError, errorKind, type AwsCall } from '../../src/sources/aws/errors.js';
import { AwsEcsSource } from '../../src/sources/aws/ecs.js';
import { ManualClock } from '../../src/engine/clock.js';
import { freePort } from '../support/moto.js';

const err = (name: string, message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name, ...extra });
const profileCtx = createAwsContext({ config: { region: 'eu-west-1', profile: 'prod' }, env: {} });
const bareCtx = createAwsContext({ env: {} });
const envKeysCtx = createAwsContext({ env: { AWS_ACCESS_KEY_ID: 'AKIA…' } });
const describeCall: AwsCall = { service: 'ecs', action: 'DescribeServices', input: { cluster: 'prod', services: ['api'] }, configPath: 'ecs[0].cluster' };

const ROWS: [string, unknown, AwsContext, AwsCall | undefined, string][] = [
  ['expired STS token', err('ExpiredTokenException', 'The security token included in the request is expired'), profileCtx, describeCall,
    'AWS credentials for profile prod have expired: run `aws sso login --profile prod`'],
  ['ExpiredToken (query protocol)', err('ExpiredToken', 'The security token included in the request is expired'), bareCtx, describeCall,
    'AWS credentials for the default profile have expired: run `aws sso login` (or refresh the keys in ~/.aws/credentials)'],
  ['expired keys from the environment', err('ExpiredTokenException', 'expired'), envKeysCtx, describeCall,
    'AWS credentials for the AWS_ACCESS_KEY_ID/AWS_SESSION_TOKEN environment variables have expired: export fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN'],
  ['TokenRefreshRequired', err('TokenRefreshRequired', 'token must be refreshed'), profileCtx, describeCall,
    'AWS credentials for profile prod have expired: run `aws sso login --profile prod`'],
  ['SSO UnauthorizedException', err('UnauthorizedException', 'Session token not found or invalid'), profileCtx, describeCall,
    'AWS credentials for profile prod have expired: run `aws sso login --profile prod`'],
  ['SSO session expired (credential provider)', err('CredentialsProviderError', 'The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.'), profileCtx, describeCall,
    'AWS credentials for profile prod have expired: run `aws sso login --profile prod`'],
  ['no credentials anywhere', err('CredentialsProviderError', 'Could not load credentials from any providers'), bareCtx, describeCall,
    'no AWS credentials found: set AWS_PROFILE (or aws.profile in the config) or run `aws configure`'],
  ['no credentials for the named profile', err('CredentialsProviderError', 'Could not load credentials from any providers'), profileCtx, describeCall,
    'no AWS credentials for profile prod: check it is in `aws configure list-profiles`, or run `aws configure sso --profile prod`'],
  ['unknown access key', err('UnrecognizedClientException', 'The security token included in the request is invalid.'), profileCtx, describeCall,
    'AWS rejected the credentials of profile prod (unknown key or bad signature): check them with `aws sts get-caller-identity`'],
  ['no region', err('Error', 'Region is missing'), bareCtx, describeCall,
    'no AWS region set: pass --region, set aws.region in the config, or export AWS_REGION'],
  ['access denied, action from the command', err('AccessDeniedException', 'Access denied'), profileCtx, describeCall,
    'access denied for ecs:DescribeServices on service prod/api: the IAM policy needs ecs:DescribeServices'],
  ['access denied, action and resource from the message', err('AccessDeniedException', 'User: arn:aws:sts::1:assumed-role/r/u is not authorized to perform: ecs:UpdateService on resource: arn:aws:ecs:eu-west-1:1:service/prod/api because no identity-based policy allows the ecs:UpdateService action'), profileCtx, { service: 'ecs', action: 'UpdateService', input: { cluster: 'prod', service: 'api' } },
    'access denied for ecs:UpdateService on arn:aws:ecs:eu-west-1:1:service/prod/api: the IAM policy needs ecs:UpdateService'],
  ['EC2-style UnauthorizedOperation', err('UnauthorizedOperation', 'You are not authorized to perform this operation.'), profileCtx, { service: 'rds', action: 'DescribeDBInstances', input: { DBInstanceIdentifier: 'main' } },
    'access denied for rds:DescribeDBInstances on main: the IAM policy needs rds:DescribeDBInstances'],
  ['throttling, ECS', err('ThrottlingException', 'Rate exceeded'), profileCtx, describeCall, 'AWS is throttling ECS requests; opsdeck will back off'],
  ['throttling, CloudWatch query protocol', err('Throttling', 'Rate exceeded'), profileCtx, { service: 'cloudwatch', action: 'GetMetricData' },
    'AWS is throttling CloudWatch requests; opsdeck will back off'],
  ['cluster not found', err('ClusterNotFoundException', 'Cluster not found.'), profileCtx, describeCall,
    'ECS cluster prod not found in region eu-west-1: fix ecs[0].cluster in the config, or the region'],
  ['service not found', err('ServiceNotFoundException', 'Service not found.'), profileCtx, { service: 'ecs', action: 'UpdateService', input: { cluster: 'prod', service: 'worker' }, configPath: 'ecs[0].services' },
    'ECS service worker not found in cluster prod: fix ecs[0].services in the config'],
  ['DNS failure', err('Error', 'getaddrinfo ENOTFOUND ecs.eu-west-9.amazonaws.com', { code: 'ENOTFOUND', hostname: 'ecs.eu-west-9.amazonaws.com' }), profileCtx, describeCall,
    'cannot reach the ECS endpoint ecs.eu-west-9.amazonaws.com (ENOTFOUND): check the network/VPN, the region and AWS_ENDPOINT_URL'],
  ['request timeout', err('TimeoutError', 'Connection timed out after 20000 ms'), profileCtx, { service: 'logs', action: 'FilterLogEvents' },
    'cannot reach the CloudWatch Logs endpoint (SDK default) (timed out): check the network/VPN, the region and AWS_ENDPOINT_URL'],
  ['anything else keeps name and message on one line', err('InvalidParameterException', 'Invalid revision number.\nNumber: 0'), profileCtx, { service: 'ecs', action: 'DescribeTaskDefinition' },
    'ECS DescribeTaskDefinition failed: InvalidParameterException: Invalid revision number. ⏎ Number: 0'],
  ['a non-Error', 'boom', profileCtx, undefined, 'AWS request failed: Error: boom'],
];

describe('describeAwsError', () => {
  it.each(ROWS)('%s', (_label, error, ctx, call, line) => {
    expect(describeAwsError(error, ctx, call)).toBe(line);
  });

  it('passes an AwsError through unchanged and classifies errors', () => {
    const e = new AwsError('already one line', 'throttled', undefined, new Error('x'));
    expect(describeAwsError(e, profileCtx)).toBe('already one line');
    expect(errorKind(e)).toBe('throttled');
    expect(errorKind(err('ClusterNotFoundException', 'x'))).toBe('not-found');
    expect(errorKind(err('Whatever', 'x'))).toBe('other');
  });
});

describe('errors from a real SDK client', () => {
  const saved = { HOME: process.env.HOME, AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE };
  let dir: string | undefined;
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('names the endpoint when the connection is refused', async () => {
    const port = await freePort();
    const ctx = createAwsContext({ config: { region: 'us-east-1' }, env: {}, sdk: { endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 } });
    const source = new AwsEcsSource(ctx, [{ cluster: 'prod', services: ['api'] }], new ManualClock(0));
    await expect(source.describe(new AbortController().signal)).rejects.toThrow(
      `cannot reach the ECS endpoint http://127.0.0.1:${port} (ECONNREFUSED): check the network/VPN, the region and AWS_ENDPOINT_URL`,
    );
    ctx.close();
  });

  /** A fake home with an SSO profile whose cached token expired an hour ago. */
  function ssoHome(profile: string): string {
    dir = mkdtempSync(join(tmpdir(), 'opsdeck-sso-'));
    mkdirSync(join(dir, '.aws', 'sso', 'cache'), { recursive: true });
    const config = join(dir, '.aws', 'config');
    writeFileSync(
      config,
      `[profile ${profile}]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = OnCall\nregion = us-east-1\n\n` +
        `[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n`,
    );
    const file = createHash('sha1').update('corp').digest('hex');
    writeFileSync(
      join(dir, '.aws', 'sso', 'cache', `${file}.json`),
      JSON.stringify({ accessToken: 'expired', expiresAt: new Date(Date.now() - 3_600_000).toISOString(), region: 'us-east-1', startUrl: 'https://corp.awsapps.com/start' }),
    );
    process.env.HOME = dir;
    process.env.AWS_CONFIG_FILE = config;
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, '.aws', 'credentials');
    return dir;
  }

  it('tells the operator to run aws sso login when the SSO session expired', async () => {
    ssoHome('oncall-expired');
    const ctx = createAwsContext({ flags: { profile: 'oncall-expired' }, env: {}, sdk: { maxAttempts: 1 } });
    await expect(send(ctx, 'ecs', (ecs) => new ecs.ListClustersCommand({}))).rejects.toThrow(
      'AWS credentials for profile oncall-expired have expired: run `aws sso login --profile oncall-expired`',
    );
    ctx.close();
  });

  it('says which profile has no credentials when it does not exist', async () => {
    ssoHome('someone-else');
    const ctx = createAwsContext({ config: { profile: 'typo', region: 'us-east-1' }, env: {}, sdk: { maxAttempts: 1 } });
    await expect(send(ctx, 'ecs', (ecs) => new ecs.ListClustersCommand({}))).rejects.toThrow(
      'no AWS credentials for profile typo: check it is in `aws configure list-profiles`, or run `aws configure sso --profile typo`',
    );
    ctx.close();
  });
});
