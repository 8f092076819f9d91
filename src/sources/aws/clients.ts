/**
 * Lazily created AWS SDK clients. Each `@aws-sdk/client-*` package is loaded
 * with a dynamic import on first use: the bundle keeps them as lazily
 * evaluated modules, so `opsdeck check` against Redis alone never pays for
 * parsing the ECS or RDS SDK. The endpoint is the environment's `aws.endpoint`
 * when it has one (two environments, two emulators in one `check --env all`),
 * else left to the SDK's own settings (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ECS,
 * ~/.aws/config `endpoint_url`).
 */
import { resolveAwsSettings, type AwsSettings, type CredentialSource } from './credentials.js';
import { assumeRoleProvider } from './assumeRole.js';
import { AwsError, describeAwsError, errorKind, ENDPOINT, type AwsCall } from './errors.js';

// Commands are built from these same lazily loaded modules (see `send`), so
// no file under sources/aws imports an SDK package statically.
const LOADERS = {
  ecs: () => import('@aws-sdk/client-ecs'),
  cloudwatch: () => import('@aws-sdk/client-cloudwatch'),
  logs: () => import('@aws-sdk/client-cloudwatch-logs'),
  rds: () => import('@aws-sdk/client-rds'),
  sts: () => import('@aws-sdk/client-sts'),
  autoscaling: () => import('@aws-sdk/client-application-auto-scaling'),
};
export type AwsService = keyof typeof LOADERS;
/** The SDK module of each service. */
export type Sdks = { [K in AwsService]: Awaited<ReturnType<(typeof LOADERS)[K]>> };

type Config = Record<string, unknown>;
const CONSTRUCT = {
  ecs: (m: Sdks['ecs'], c: Config) => new m.ECSClient(c),
  cloudwatch: (m: Sdks['cloudwatch'], c: Config) => new m.CloudWatchClient(c),
  logs: (m: Sdks['logs'], c: Config) => new m.CloudWatchLogsClient(c),
  rds: (m: Sdks['rds'], c: Config) => new m.RDSClient(c),
  sts: (m: Sdks['sts'], c: Config) => new m.STSClient(c),
  autoscaling: (m: Sdks['autoscaling'], c: Config) => new m.ApplicationAutoScalingClient(c),
};
type Clients = { [K in AwsService]: ReturnType<(typeof CONSTRUCT)[K]> };

/** What every AWS source receives. */
export interface AwsContext {
  /** the explicit region (flag or config); undefined: the SDK's default */
  readonly region: string | undefined;
  /** the explicit profile (flag or config); undefined: the SDK's default */
  readonly profile: string | undefined;
  readonly credentials: CredentialSource;
  /** the region the SDK settled on, once a client exists (for error lines) */
  resolvedRegion(): string | undefined;
  ecs(): Promise<Clients['ecs']>;
  cloudwatch(): Promise<Clients['cloudwatch']>;
  logs(): Promise<Clients['logs']>;
  rds(): Promise<Clients['rds']>;
  sts(): Promise<Clients['sts']>;
  autoscaling(): Promise<Clients['autoscaling']>;
  /** the service's SDK module, to build commands without a static import */
  sdk<K extends AwsService>(service: K): Promise<Sdks[K]>;
  /** closes the sockets of every client created so far */
  close(): void;
}

/**
 * Client settings that are not part of the config: tests point clients at an
 * emulator with dummy keys here. Operators use the SDK's own variables.
 */
export interface SdkOverrides {
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

interface AwsContextOptions {
  /** --region / --profile */
  flags?: AwsSettings;
  /** the environment's `aws:` block */
  config?: AwsSettings;
  env?: Record<string, string | undefined>;
  sdk?: SdkOverrides;
}

// Adaptive mode adds client-side rate limiting on top of backoff, which is
// what a console polling many services from one account wants.
const MAX_ATTEMPTS = 4;
const CONNECT_TIMEOUT_MS = 5_000;
// A hung request would hold a watcher's in-flight slot forever.
const REQUEST_TIMEOUT_MS = 20_000;

export function createAwsContext(opts: AwsContextOptions = {}): AwsContext {
  const settings = resolveAwsSettings(opts.flags, opts.config, opts.env ?? process.env);
  const overrides = opts.sdk ?? {};
  const config: Record<string, unknown> = {
    retryMode: 'adaptive',
    maxAttempts: overrides.maxAttempts ?? MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: overrides.requestTimeoutMs ?? REQUEST_TIMEOUT_MS },
  };
  if (settings.region) config.region = settings.region;
  if (settings.profile) config.profile = settings.profile;
  const endpoint = overrides.endpoint ?? settings.endpoint;
  // STS too (the role below is assumed with this config): one environment, one endpoint
  if (endpoint) config.endpoint = endpoint;
  if (overrides.credentials) config.credentials = overrides.credentials;
  // the role's credentials come from the environment's own (above); every client then acts as the role
  const role = settings.assumeRole ? assumeRoleProvider(settings.assumeRole, { ...config }) : undefined;
  if (role) config.credentials = role;

  const pending = new Map<AwsService, Promise<Clients[AwsService]>>();
  const created: { destroy(): void }[] = [];
  let region: string | undefined = settings.region;

  // Node caches modules; this only keeps the types straight.
  const sdk = <K extends AwsService>(service: K): Promise<Sdks[K]> => (LOADERS[service] as () => Promise<Sdks[K]>)();

  function get<K extends AwsService>(service: K): Promise<Clients[K]> {
    let p = pending.get(service) as Promise<Clients[K]> | undefined;
    if (!p) {
      p = sdk(service).then(async (m) => {
        // The SDK's "node >= 22 soon" notice goes to stderr on the first client
        // and would tear through the TUI; engines still says node >= 20.
        process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
        const client = (CONSTRUCT[service] as (m: Sdks[K], c: Config) => Clients[K])(m, { ...config });
        created.push(client);
        recordEndpoint(client);
        region ??= await client.config.region().catch(() => undefined);
        return client;
      });
      // a failed import is retried on the next call rather than cached
      p.catch(() => pending.delete(service));
      pending.set(service, p);
    }
    return p;
  }

  return {
    region: settings.region,
    profile: settings.profile,
    credentials: settings.credentials,
    resolvedRegion: () => region,
    ecs: () => get('ecs'),
    cloudwatch: () => get('cloudwatch'),
    logs: () => get('logs'),
    rds: () => get('rds'),
    sts: () => get('sts'),
    autoscaling: () => get('autoscaling'),
    sdk,
    close: () => {
      for (const c of created.splice(0)) c.destroy();
      role?.close();
      pending.clear();
    },
  };
}

interface MiddlewareStackLike {
  add(mw: (next: (args: { request?: unknown }) => Promise<unknown>) => (args: { request?: unknown }) => Promise<unknown>, opts: { step: 'build'; name: string }): void;
}

/**
 * Remembers, on a failed call's error, the endpoint the request went to, so a
 * network error line can name it. The build step runs outside the retry loop,
 * so this sees the final error once.
 */
function recordEndpoint(client: { middlewareStack: unknown }): void {
  (client.middlewareStack as MiddlewareStackLike).add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        const req = args.request as { protocol?: string; hostname?: string; port?: number } | undefined;
        if (err && typeof err === 'object' && req?.hostname) {
          const port = req.port ? `:${req.port}` : '';
          Object.defineProperty(err, ENDPOINT, { value: `${req.protocol ?? 'https:'}//${req.hostname}${port}`, configurable: true });
        }
        throw err;
      }
    },
    { step: 'build', name: 'opsdeckRecordEndpoint' },
  );
}

/** Any SDK command: what `send` needs to name the action in an error line. */
interface AwsCommand {
  readonly input: object;
  // Handler output is how smithy commands carry their output type.
  resolveMiddleware(...args: never[]): (...args: never[]) => Promise<{ output: object }>;
}
type OutputOf<C> = C extends { resolveMiddleware(...args: never[]): (...args: never[]) => Promise<{ output: infer O }> } ? O : never;

interface SendsAnything {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * Sends a command on the service's client, honouring the abort signal. Any
 * failure other than an abort comes back as an AwsError whose message is the
 * one line the operator reads (see errors.ts); `hint` names the config entry
 * that chose the resource, for "not found" lines.
 */
export async function send<K extends AwsService, C extends AwsCommand>(
  ctx: AwsContext,
  service: K,
  build: (sdk: Sdks[K]) => C,
  signal?: AbortSignal,
  hint?: Pick<AwsCall, 'configPath'>,
): Promise<OutputOf<C>> {
  let call: AwsCall = { service, action: 'request', ...hint };
  try {
    const command = build(await ctx.sdk(service));
    call = { ...call, action: actionOf(command), input: command.input as Record<string, unknown> };
    const client = (await ctx[service]()) as unknown as SendsAnything;
    if (!signal) return (await client.send(command, {})) as OutputOf<C>;
    const own = callSignal(signal);
    try {
      return (await client.send(command, { abortSignal: own.signal })) as OutputOf<C>;
    } finally {
      own.release();
    }
  } catch (err) {
    if (signal?.aborted || isAbort(err)) throw err;
    throw new AwsError(describeAwsError(err, ctx, call), errorKind(err), call, err);
  }
}

/**
 * A signal for one SDK call that aborts with the caller's. The SDK adds
 * several abort listeners per call (the retry strategy's token wait, the HTTP
 * handler) and some stay until the call settles: a read of 250 services that
 * handed the panel's one signal to every call put dozens on it at once
 * (MaxListenersExceededWarning on stderr). This way the caller's signal holds
 * one listener per call in flight, removed when the call is done.
 */
function callSignal(parent: AbortSignal): { signal: AbortSignal; release(): void } {
  const ctl = new AbortController();
  if (parent.aborted) {
    ctl.abort(parent.reason);
    return { signal: ctl.signal, release: () => {} };
  }
  const forward = () => ctl.abort(parent.reason);
  parent.addEventListener('abort', forward, { once: true });
  return { signal: ctl.signal, release: () => parent.removeEventListener('abort', forward) };
}

/** "DescribeServicesCommand" → "DescribeServices" */
function actionOf(command: object): string {
  return command.constructor.name.replace(/Command$/, '') || 'request';
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
