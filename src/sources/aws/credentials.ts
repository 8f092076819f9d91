/**
 * Where region, profile and credentials come from. Precedence: the CLI flags,
 * then the environment's `aws:` block in the config, then whatever the AWS SDK
 * finds on its own (AWS_PROFILE, AWS_REGION, ~/.aws/config, SSO, instance and
 * container roles). We never build credential providers by hand: handing
 * `profile` to the client keeps SSO, assume-role chains and credential_process
 * working exactly as they do for the aws CLI.
 */
import type { AssumeRoleSettings } from './assumeRole.js';

export interface AwsSettings {
  region?: string | undefined;
  profile?: string | undefined;
  /** the config's `aws.endpoint` (there is no flag for it) */
  endpoint?: string | undefined;
  /** the config's `aws.assumeRole` (there is no flag for it) */
  assumeRole?: AssumeRoleSettings | undefined;
}

/** Where the credentials will come from, so error lines can say what to run. */
export type CredentialSource =
  | { kind: 'profile'; profile: string; from: 'flag' | 'config' | 'AWS_PROFILE' }
  | { kind: 'environment' }
  | { kind: 'default' };

interface ResolvedAwsSettings {
  /** explicit region, or undefined to let the SDK decide */
  region: string | undefined;
  /** explicit profile for the client config; AWS_PROFILE is left to the SDK */
  profile: string | undefined;
  credentials: CredentialSource;
  /** explicit endpoint, or undefined to let the SDK decide (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, endpoint_url) */
  endpoint: string | undefined;
  assumeRole: AssumeRoleSettings | undefined;
}

type Env = Record<string, string | undefined>;

export function resolveAwsSettings(flags: AwsSettings | undefined, config: AwsSettings | undefined, env: Env = process.env): ResolvedAwsSettings {
  const region = nonEmpty(flags?.region) ?? nonEmpty(config?.region);
  const flagProfile = nonEmpty(flags?.profile);
  const configProfile = nonEmpty(config?.profile);
  const profile = flagProfile ?? configProfile;
  let credentials: CredentialSource;
  if (flagProfile) credentials = { kind: 'profile', profile: flagProfile, from: 'flag' };
  else if (configProfile) credentials = { kind: 'profile', profile: configProfile, from: 'config' };
  else if (nonEmpty(env.AWS_PROFILE)) credentials = { kind: 'profile', profile: env.AWS_PROFILE as string, from: 'AWS_PROFILE' };
  else if (nonEmpty(env.AWS_ACCESS_KEY_ID)) credentials = { kind: 'environment' };
  else credentials = { kind: 'default' };
  return { region, profile, credentials, endpoint: nonEmpty(config?.endpoint), assumeRole: config?.assumeRole };
}

/** "profile prod", "the environment's AWS_ACCESS_KEY_ID", "the default profile". */
export function credentialsLabel(source: CredentialSource): string {
  switch (source.kind) {
    case 'profile':
      return `profile ${source.profile}`;
    case 'environment':
      return 'the AWS_ACCESS_KEY_ID/AWS_SESSION_TOKEN environment variables';
    case 'default':
      return 'the default profile';
  }
}

/** What the operator runs to get fresh credentials. */
export function refreshHint(source: CredentialSource): string {
  switch (source.kind) {
    case 'profile':
      return `run \`aws sso login --profile ${source.profile}\``;
    case 'environment':
      return 'export fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN';
    case 'default':
      return 'run `aws sso login` (or refresh the keys in ~/.aws/credentials)';
  }
}

function nonEmpty(s: string | undefined): string | undefined {
  return s !== undefined && s.trim() !== '' ? s.trim() : undefined;
}
