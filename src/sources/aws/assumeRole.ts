/**
 * An environment's `aws.assumeRole`: the role's temporary credentials, got
 * with STS AssumeRole from the environment's own credentials (its profile, or
 * the SDK's default chain). `@aws-sdk/credential-providers` (whose
 * fromTemporaryCredentials does this) is not a dependency, so this is the
 * same thing on `@aws-sdk/client-sts`: one provider shared by every client of
 * the environment, refreshed before the credentials expire.
 */
import { userInfo } from 'node:os';

export interface AssumeRoleSettings {
  arn: string;
  externalId?: string | undefined;
  sessionName?: string | undefined;
}

interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** AWS's RoleSessionName: 2-64 characters of [\w+=,.@-]. */
const SESSION_CHARS = /[^\w+=,.@-]/g;
const SESSION_MAX = 64;

/**
 * `opsdeck-<os user>`: CloudTrail then says which operator's console made
 * each call under the shared role.
 */
export function defaultSessionName(user: string | undefined = osUser()): string {
  const clean = (user ?? '').replace(SESSION_CHARS, '-');
  return `opsdeck-${clean || 'user'}`.slice(0, SESSION_MAX);
}

function osUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    // a uid with no passwd entry (some containers)
    return process.env.USER;
  }
}

// The SDK's own memo refreshes within 5 minutes of the expiry; this one is
// shared, so six clients of one environment make one AssumeRole call, not six.
const REFRESH_BEFORE_MS = 5 * 60_000;
const DURATION_S = 3600;

/**
 * A credentials provider for the client config. `stsConfig` is the
 * environment's client config without the role (region, profile, endpoint,
 * source credentials): the source identity assumes the role.
 */
export function assumeRoleProvider(role: AssumeRoleSettings, stsConfig: Record<string, unknown>, now: () => number = Date.now): (() => Promise<TemporaryCredentials>) & { close(): void } {
  const sessionName = role.sessionName ?? defaultSessionName();
  let current: TemporaryCredentials | undefined;
  let pending: Promise<TemporaryCredentials> | undefined;
  let client: { send(c: unknown): Promise<unknown>; destroy(): void } | undefined;

  async function assume(): Promise<TemporaryCredentials> {
    const sts = await import('@aws-sdk/client-sts');
    // as in clients.ts: the SDK's "node >= 22 soon" notice would tear through the TUI
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    client ??= new sts.STSClient({ ...stsConfig });
    const out = (await client.send(
      new sts.AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: sessionName, DurationSeconds: DURATION_S, ...(role.externalId ? { ExternalId: role.externalId } : {}) }),
    )) as { Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } };
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error(`STS AssumeRole for ${role.arn} returned no credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration ?? new Date(now() + DURATION_S * 1000) };
  }

  const provider = (): Promise<TemporaryCredentials> => {
    if (current && current.expiration.getTime() - REFRESH_BEFORE_MS > now()) return Promise.resolve(current);
    pending ??= assume().then(
      (c) => {
        current = c;
        pending = undefined;
        return c;
      },
      (err: unknown) => {
        // the next call tries again: a denied role may be granted meanwhile
        pending = undefined;
        throw err;
      },
    );
    return pending;
  };
  return Object.assign(provider, { close: () => client?.destroy() });
}
