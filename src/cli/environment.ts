/**
 * Turns the global options into the environment a command works on: the
 * sandbox for `--demo`, otherwise the config file's environment. The one
 * place that chooses between them: everything else asks the backend.
 */
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import type { EnvironmentConfig } from '../config/schema.js';
import type { EnvironmentInfo } from '../model/environment.js';
import type { Sources } from '../sources/ports.js';
import type { PanelId } from '../model/panels.js';
import { createSandbox, isScenario, SCENARIOS } from '../sources/sandbox/index.js';
import { sandboxBackend } from '../sources/sandbox/backend.js';
import { pause, StageError, type Backend } from '../sources/backend.js';
import { configuredSources } from '../sources/unavailable.js';
import { createAwsContext, type AwsContext } from '../sources/aws/clients.js';
import { AwsEcsSource } from '../sources/aws/ecs.js';
import { awsEcsControl } from '../sources/aws/ecsControl.js';
import { AwsRdsSource } from '../sources/aws/rds.js';
import { awsRdsControl } from '../sources/aws/rdsControl.js';
import { systemClock } from '../engine/clock.js';
import { getIdentity } from '../sources/aws/identity.js';
import { errorMessage } from '../text/sanitize.js';
import { createPostgresAdmin, createPostgresSource } from '../sources/postgres/index.js';
import { createRedisQueueSource } from '../sources/redis/index.js';
import { createLogSource } from '../sources/aws/logs.js';
import { createHealthSource } from '../sources/http/index.js';
import { createMetricsSource } from '../sources/metrics/index.js';
import { ConfigError } from '../config/errors.js';
import { EXIT, UserError } from './exit.js';

export interface GlobalOptions {
  config?: string;
  env?: string;
  demo?: boolean;
  scenario?: string;
  readOnly?: boolean;
  write?: boolean;
  color?: boolean;
  region?: string;
  profile?: string;
  /** how far back the log tail starts, e.g. "12h" */
  since?: string;
  /** actions take a lock file on this machine instead of the environment's Redis (journaled) */
  localLock?: boolean;
}

interface OpenOptions {
  /** a one-shot read (check, actions): poll the logs instead of opening Live Tail sessions */
  oneShot?: boolean;
}

/** The environment, its panels' sources, and the backend its actions, lock and drills use. */
export interface OpenedEnvironment extends Backend {
  info: EnvironmentInfo;
  config: EnvironmentConfig;
  sources: Sources;
  intervals: Partial<Record<PanelId, number>>;
  /** set when the environment uses AWS */
  aws?: AwsContext;
  /** --local-lock: the operator chose a lock file over the environment's Redis */
  localLock?: boolean;
  /** the team store's URL (a secret: never printed), the environment's own or the config's */
  teamStore?: string;
}

function scenarioOf(opts: GlobalOptions): string {
  const s = opts.scenario ?? 'calm';
  if (!isScenario(s)) throw new UserError(`unknown scenario "${s}"; choose one of: ${SCENARIOS.join(', ')}`, EXIT.usage);
  return s;
}

/** Read-only comes from --read-only, the environment's readOnly, or a protected environment without --write. */
function isReadOnly(opts: GlobalOptions, env: { protected: boolean; readOnly: boolean }): boolean {
  return Boolean(opts.readOnly) || env.readOnly || (env.protected && !opts.write);
}

/**
 * What lifts read-only, naming only what applies: --write is the answer in a
 * protected environment alone; elsewhere it would change nothing.
 */
function readOnlyCure(opts: GlobalOptions, env: { protected: boolean; readOnly: boolean }, name: string): { readOnlyCure?: string } {
  const cures: string[] = [];
  if (env.readOnly) cures.push(`set readOnly: false for ${name} in the config`);
  if (opts.readOnly) cures.push('restart without --read-only');
  if (env.protected && !opts.write) cures.push(`restart with --write (${name} is protected)`);
  return cures.length ? { readOnlyCure: cures.join(' and ') } : {};
}

export async function openEnvironment(opts: GlobalOptions, processEnv: NodeJS.ProcessEnv = process.env, open: OpenOptions = {}): Promise<OpenedEnvironment> {
  if (opts.demo) {
    const scenario = scenarioOf(opts);
    if (opts.env !== undefined && opts.env !== 'demo') throw new UserError(`--demo runs the sandbox environment "demo", not "${opts.env}"; drop --env or --demo`, EXIT.usage);
    const sandbox = createSandbox({ scenario: scenario as never });
    const demo = await demoSettings(opts, processEnv);
    const guarded = demo?.protected ? { ...sandbox.info, protected: true } : sandbox.info;
    const info = { ...guarded, readOnly: isReadOnly(opts, guarded), ...readOnlyCure(opts, guarded, guarded.name) };
    const notify = demo?.notify;
    const approvals = demo?.approvals ? { approvals: demo.approvals } : {};
    // the sandbox has no config to name a team store in: OPSDECK_TEAM_DB lets the demo try team mode
    const teamStore = processEnv.OPSDECK_TEAM_DB;
    return { info, config: { ...sandbox.environment, ...(notify ? { notify } : {}), ...approvals }, sources: sandbox.sources, intervals: {}, ...sandboxBackend(sandbox), localLock: Boolean(opts.localLock), ...(teamStore ? { teamStore } : {}) };
  }
  if (opts.scenario !== undefined) throw new UserError('--scenario only applies to the sandbox; add --demo', EXIT.usage);
  // the config parser (yaml + zod) is loaded only when a config is read
  const { loadConfig, selectEnvironment } = await import('../config/load.js');
  let loaded;
  try {
    loaded = loadConfig({ explicit: opts.config, env: processEnv, cwd: process.cwd(), home: homedir() });
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(err.problems.join('\n'), EXIT.config);
    throw err;
  }
  let selected;
  try {
    selected = selectEnvironment(loaded.config, opts.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(err.problems.join('\n'), EXIT.config);
    throw err;
  }
  const env = selected.env;
  const usesAws = env.ecs.length > 0 || env.rds.length > 0 || env.logs.length > 0;
  const aws = usesAws ? createAwsContext({ flags: { region: opts.region, profile: opts.profile }, config: env.aws, env: processEnv }) : undefined;
  const info: EnvironmentInfo = {
    name: selected.name,
    protected: env.protected,
    readOnly: isReadOnly(opts, env),
    ...readOnlyCure(opts, env, selected.name),
    region: aws?.resolvedRegion() ?? env.aws?.region ?? '—',
    account: '—',
    identity: processEnv.USER ?? '—',
  };
  const intervals: Partial<Record<PanelId, number>> = {};
  for (const [k, v] of Object.entries(env.intervals ?? {})) if (v !== undefined) intervals[k as PanelId] = v * 1000;
  const real: Partial<Sources> = {};
  const closers: (() => Promise<void> | void)[] = [];
  if (aws && env.ecs.length) real.ecs = new AwsEcsSource(aws, env.ecs);
  if (aws && env.rds.length) real.rds = new AwsRdsSource(aws, env.rds);
  if (aws && env.logs.length) {
    const logs = createLogSource(aws, env.logs, open.oneShot ? { mode: 'poll' } : {});
    real.logs = logs;
    closers.push(() => logs.close());
  }
  if (env.redis.length) {
    const queues = createRedisQueueSource(env.redis);
    real.queues = queues;
    closers.push(() => queues.close());
  }
  if (env.postgres.length) {
    const pg = createPostgresSource(env.postgres);
    real.postgres = pg;
    closers.push(() => pg.close());
  }
  if (env.http.length) {
    // tls.ca paths are relative to the config file, wherever opsdeck runs from
    const http = createHealthSource(env.http, { baseDir: dirname(loaded.path) });
    real.health = http;
    closers.push(() => http.close());
  }
  if (env.metrics.length) {
    const metrics = createMetricsSource(env.metrics, { oneShot: Boolean(open.oneShot) });
    real.metrics = metrics;
    closers.push(() => metrics.close());
  }
  const sources = configuredSources(env, real);
  sources.close = async () => {
    await Promise.allSettled(closers.map((c) => c()));
    aws?.close();
  };
  const teamStore = env.team?.store ?? loaded.config.team?.store;
  return { info, config: env, sources, intervals, ...(aws ? { aws } : {}), ...realBackend(env, info.name, aws), localLock: Boolean(opts.localLock), ...(teamStore ? { teamStore } : {}) };
}

/**
 * The sandbox needs no config, but its notifications need somewhere to go:
 * the `notify:` of the `demo` environment of a config named with --config
 * (nothing else of that file is used). Without --config the demo notifies
 * nobody.
 */
export async function demoNotifyTargets(opts: GlobalOptions, processEnv: NodeJS.ProcessEnv): Promise<EnvironmentConfig['notify']> {
  return (await demoSettings(opts, processEnv))?.notify;
}

/**
 * What the demo takes from the `demo` environment of --config: `notify:`,
 * and to try the two-person rule `approvals:` and `protected:` (its team
 * store is OPSDECK_TEAM_DB's, as ever in the demo).
 */
export async function demoSettings(opts: GlobalOptions, processEnv: NodeJS.ProcessEnv): Promise<Pick<EnvironmentConfig, 'notify' | 'approvals' | 'protected'> | undefined> {
  if (opts.config === undefined) return undefined;
  const { loadConfig } = await import('../config/load.js');
  try {
    const { config } = loadConfig({ explicit: opts.config, env: processEnv, cwd: process.cwd(), home: homedir() });
    const demo = Object.hasOwn(config.environments, 'demo') ? config.environments.demo : undefined;
    return demo ? { notify: demo.notify, approvals: demo.approvals, protected: demo.protected } : undefined;
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(err.problems.join('\n'), EXIT.config);
    throw err;
  }
}

/** The config's systems: AWS for ECS and RDS, its Redis for the queues and the lock, its databases' admin URLs for cancel / terminate, its instances' own endpoints for a drill. */
function realBackend(config: EnvironmentConfig, name: string, aws: AwsContext | undefined): Backend {
  const rdsControl = aws ? awsRdsControl(aws) : undefined;
  const lock = config.redis[0];
  return {
    ...(aws ? { ecsControl: awsEcsControl(aws), rdsControl } : {}),
    ...(lock ? { lockRedis: { name: lock.name, url: lock.url } } : {}),
    async queueControl() {
      if (config.redis.length === 0) return undefined;
      return (await import('../sources/redis/control.js')).createRedisQueueControl(config.redis);
    },
    postgresAdmin: () => (config.postgres.length ? createPostgresAdmin(config.postgres) : undefined),
    async drillStage() {
      if (!rdsControl) throw new StageError(`${name} configures no AWS to run a drill against`, 'config');
      return { rds: rdsControl, now: () => systemClock.now(), sleep: pause, endpoints: (base) => base, close: async () => {} };
    },
    remembersChecklist: true,
  };
}

/**
 * Fills in the account and the caller's ARN (STS GetCallerIdentity). A failure
 * is not fatal here: the panels will say what is wrong with the credentials.
 */
export async function resolveIdentity(opened: OpenedEnvironment, timeoutMs = 4_000): Promise<string | undefined> {
  if (!opened.aws) return undefined;
  try {
    const id = await getIdentity(opened.aws, AbortSignal.timeout(timeoutMs));
    opened.info = { ...opened.info, account: id.account, identity: id.arn };
    return undefined;
  } catch (err) {
    return errorMessage(err);
  }
}
