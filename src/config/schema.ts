/**
 * The config file's shape. Key names here are a contract shared with the
 * example config, the README, tests and scripts: add keys, never rename.
 */
import { z } from 'zod';

import { LOWER_IS_WORSE, THRESHOLD_KEYS, type ThresholdKey } from './thresholdKeys.js';
import { metricsSchema } from './metricsSchema.js';
import { notifyTargetSchema } from './notifySchema.js';
import { compileFilter } from '../engine/logs/filter.js';

export { LOWER_IS_WORSE, THRESHOLD_KEYS, type ThresholdKey };
export { NOTIFY_EVENTS, notifyTargetSchema } from './notifySchema.js';

/** Shares of a whole: a threshold above 100 could never be reached. */
const PERCENT_OF_WHOLE: ReadonlySet<ThresholdKey> = new Set<ThresholdKey>(['errorRatePercent', 'dbConnectionsPercent', 'storageFreePercent', 'redisMemory']);

/**
 * Names that are keys of every JavaScript object: as an environment, Redis or
 * probe name they would be looked up on Object.prototype, or silently dropped.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A name the config refers to by itself ("redis:jobs", subjects): not one of RESERVED_NAMES. */
const entryName = () =>
  z
    .string()
    .min(1, { abort: true })
    .refine((n) => !RESERVED_NAMES.has(n), { message: 'is a reserved name (__proto__, constructor, prototype); choose another' });

// The formats AWS accepts, so a typo fails here and not as an opaque API error
// mid-refresh, and no text from the file reaches a request unchecked.
/** us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1 */
const AWS_REGION = /^[a-z]{2}(-[a-z]+){1,3}-\d{1,2}$/;
/** ECS cluster and service names: letters, digits, hyphens, underscores, up to 255 */
const ECS_NAME = '[A-Za-z0-9_-]{1,255}';
const ECS_CLUSTER = new RegExp(`^(${ECS_NAME}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\\d+:cluster/${ECS_NAME})$`);
const ECS_SERVICE = new RegExp(`^(${ECS_NAME}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\\d+:service/(${ECS_NAME}/)?${ECS_NAME})$`);
/** RDS DB instance identifier: 1-63, a letter first, letters digits hyphens, no "--", no trailing hyphen */
const RDS_INSTANCE = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$/;
/** CloudWatch Logs log group names, as the API's own pattern */
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;

const threshold = (key: ThresholdKey) => {
  const lower = LOWER_IS_WORSE.has(key);
  // every figure graded here is a count, an age or a share: none is negative
  const bound = PERCENT_OF_WHOLE.has(key) ? z.number().min(0).max(100) : z.number().min(0);
  return z
    .object({ warn: bound, crit: bound })
    .strict()
    .refine((t) => (lower ? t.warn >= t.crit : t.warn <= t.crit), {
      message: lower ? 'warn must not be below crit (lower is worse here)' : 'warn must not be above crit',
    })
    // a figure AT crit is critical, so crit 0 would make every figure of a healthy system critical
    .refine((t) => lower || t.warn !== 0 || t.crit !== 0, { message: 'warn and crit are both 0, which makes every figure critical; set crit above 0' })
    .describe(lower ? 'warn when the figure falls to `warn`, crit at `crit`' : 'warn at `warn`, crit at `crit`');
};
type ThresholdSchema = ReturnType<typeof threshold>;

const thresholdShape = Object.fromEntries(THRESHOLD_KEYS.map((k) => [k, threshold(k).optional()])) as {
  [K in ThresholdKey]: z.ZodOptional<ThresholdSchema>;
};

export const thresholdsSchema = z
  .object({
    ...thresholdShape,
    subjects: z
      .record(z.string().min(1), z.object(thresholdShape).strict())
      .optional()
      .describe(
        'thresholds for one subject, by its name: an ECS service ("api"), an RDS instance ("prod-db"), a queue ("emails", or "REDIS/QUEUE" to tell two apart), an HTTP probe or a PostgreSQL database of the config, e.g. subjects: { api: { cpu: { warn: 85, crit: 95 } } }; a subject\'s own value beats the environment\'s',
      ),
  })
  .strict()
  .describe('overrides of the default thresholds for this environment, and under `subjects` for one service, instance, queue, probe or database');

export const ecsClusterSchema = z
  .object({
    cluster: z.string().min(1, { abort: true }).regex(ECS_CLUSTER, 'expected an ECS cluster name (letters, digits, - and _, up to 255) or a cluster ARN').describe('ECS cluster name or ARN'),
    services: z.array(z.string().min(1, { abort: true }).regex(ECS_SERVICE, 'expected an ECS service name (letters, digits, - and _, up to 255) or a service ARN')).optional().describe('services to watch; omitted: every service of the cluster'),
    singleInstanceUnless: z
      .string()
      .regex(/^(redis|postgres|http):[A-Za-z0-9_.-]+$/, 'expected "redis:NAME", "postgres:NAME" or "http:NAME"')
      .optional()
      .describe('topology rule: more than one task only while this entry of the environment is healthy, e.g. "redis:jobs" (a Redis named jobs under redis:)'),
    writers: z
      .array(z.string().min(1, { abort: true }).regex(ECS_SERVICE, 'expected an ECS service name (letters, digits, - and _, up to 255) or a service ARN'))
      .optional()
      .describe('the services that write (to the databases, queues…): what "stop all writes" scales to 0; omitted: every service of the cluster'),
    lastGood: z
      .object({
        steadyMinutes: z.number().positive().max(10_080).default(10).describe('minutes a revision must have run with every task running and no crash loop to count as last known good'),
      })
      .strict()
      .optional()
      .describe('what makes a revision "last known good" for `rollback --to last-good`'),
    maxTasks: z
      .record(z.string().min(1), z.number().int('expected a whole number of tasks').positive('expected 1 or more tasks'))
      .optional()
      .describe('the most tasks a scale may ask for, per service name, e.g. { api: 12, worker: 4 }: a scale above it is refused (a scale-up past twice the current count already asks for the typed phrase)'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!c.writers || !c.services) return;
    const listed = new Set(c.services.map((s) => s.slice(s.lastIndexOf('/') + 1)));
    c.writers.forEach((w, i) => {
      if (!listed.has(w.slice(w.lastIndexOf('/') + 1))) ctx.addIssue({ code: 'custom', path: ['writers', i], message: `"${w}" is not one of this cluster's services (${c.services!.join(', ')}); add it to services or remove it from writers` });
    });
  });

const drillSchema = z
  .object({
    database: z.string().min(1).describe('database to connect to on the restored instance'),
    user: z.string().min(1),
    password: z.string().optional(),
    tables: z.array(z.string().min(1)).default([]).describe('tables whose row counts are compared with the source'),
    rowCountTolerance: z.number().min(0).max(1).default(0).describe('accepted relative row-count difference, 0.02 = 2 %'),
    assertions: z.array(z.string().min(1)).default([]).describe('SQL returning one boolean that must be true on the restored copy'),
    maxAgeDays: z.number().positive().optional().describe('a warning when the last successful drill is older than this many days (critical at twice as old); default 35'),
    rtoObjective: z
      .string()
      .regex(/^\d+(\.\d+)?(s|m|h)$/, 'expected a duration like 30m, 1.5h or 900s')
      .optional()
      .describe('a warning when the last successful drill took longer than this from the restore request to verification, e.g. 30m'),
  })
  .strict();

const rdsInstanceSchema = z
  .object({
    instance: z
      .string()
      .min(1, { abort: true })
      .regex(RDS_INSTANCE, 'expected an RDS instance id: 1 to 63 letters, digits and hyphens, a letter first, no "--" and no hyphen at the end'),
    drill: drillSchema.optional().describe('backup drill: restore the newest snapshot to a new instance and verify it'),
  })
  .strict();

/** A pattern in the log view's filter syntax: plain text (case-insensitive) or /regex/i. */
const logPattern = z
  .string()
  .min(1, { abort: true })
  .superRefine((p, ctx) => {
    const c = compileFilter(p);
    if (!c.ok) ctx.addIssue({ code: 'custom', message: c.error });
  });

/** "90s", "15m", "12h", "2d", at most 24 h (the rules keep a day of matches) */
const ruleWindow = z
  .string()
  .regex(/^\d+(s|m|h|d)$/, 'expected a duration such as 15m, 2h or 1d')
  .transform((t) => Number(t.slice(0, -1)) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[t.slice(-1) as 's' | 'm' | 'h' | 'd'])
  .refine((ms) => ms > 0 && ms <= 86_400_000, { message: 'the window must be more than 0 and at most 1d' });

const ruleName = z.string().min(1).max(80).optional().describe('how the finding names the rule; default: the kind and the pattern');
const ruleSeverity = z.enum(['warn', 'crit']).optional();

const logRuleSchema = z.union([
  z
    .object({
      expect: logPattern.describe('a line that must appear: plain text or /regex/i'),
      per: z.enum(['task', 'window']).default('task').describe('task: on every log stream (an ECS task) since it started; window: at least once in `window`'),
      window: ruleWindow.optional().describe('for per: window; default 15m'),
      name: ruleName,
      severity: ruleSeverity.describe('default warn'),
    })
    .strict(),
  z
    .object({
      forbid: logPattern.describe('a line that must never appear: plain text or /regex/i'),
      window: ruleWindow.optional().describe('how far back a match counts; default 15m'),
      name: ruleName,
      severity: ruleSeverity.describe('default crit'),
    })
    .strict(),
  z
    .object({
      pattern: logPattern.describe('the line whose rate is judged: plain text or /regex/i'),
      ratePerHour: z
        .object({ warn: z.number().min(0), crit: z.number().min(0) })
        .strict()
        .refine((t) => t.warn <= t.crit, { message: 'warn must not be above crit' })
        .refine((t) => t.crit > 0, { message: 'crit must be above 0' })
        .describe('matches per hour: warn at `warn`, crit at `crit`'),
      name: ruleName,
    })
    .strict(),
]);
export type LogRuleConfig = z.infer<typeof logRuleSchema>;

const logGroupSchema = z
  .object({
    group: z.string().min(1, { abort: true }).regex(LOG_GROUP, 'expected a CloudWatch log group name: up to 512 of letters, digits and . - _ / #'),
    rules: z
      .array(logRuleSchema)
      .optional()
      .describe('lines to expect (per task or per window), to forbid, or whose rate per hour is judged; each is a finding of the checks, e.g. { expect: "Token replay protection", per: task }'),
    filters: z
      .record(z.string().regex(/^[A-Za-z0-9_-]{1,30}$/, 'filter names use letters, digits, _ and -'), logPattern)
      .optional()
      .describe('saved filters of the log view, by name, e.g. { errors: "/error|exception/i", slow: "/\\d{4,}ms/" }; `f` in the log view applies the next one'),
    filterPattern: z.string().optional().describe('CloudWatch filter pattern that narrows the tail, e.g. "?ERROR ?Exception"; the error check then counts matching lines per minute'),
    mode: z.enum(['live', 'poll']).optional().describe('live: StartLiveTail with polling fallback; poll: FilterLogEvents only'),
  })
  .strict();

export const queueSchema = z
  .object({
    name: entryName(),
    flavor: z.enum(['bullmq', 'rq', 'sidekiq', 'list', 'zset', 'stream']).describe('the queue library, which decides the Redis keys read'),
    prefix: z.string().optional().describe('key prefix for bullmq (default "bull")'),
    key: z.string().optional().describe('the Redis key itself, for list, zset and stream queues'),
    deadKey: z.string().optional().describe('the dead-letter key, for list, zset and stream queues'),
  })
  .strict();

const redisSchema = z
  .object({
    name: entryName(),
    url: z.string().min(1).describe('redis:// or rediss:// URL; use ${REDIS_URL} to keep secrets out of the file'),
    queues: z.array(queueSchema).default([]),
  })
  .strict();

const postgresSchema = z
  .object({
    name: entryName(),
    url: z.string().min(1),
    admin: z
      .string()
      .min(1)
      .optional()
      .describe('a second URL, used only to cancel a query or terminate a session (pg_cancel_backend / pg_terminate_backend); its role needs pg_signal_backend, or superuser to signal a superuser\'s session. Omitted: those actions are refused; url stays read-only either way. Use ${DATABASE_ADMIN_URL}'),
  })
  .strict();

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

// a number with thresholds, where equality would be useless: a queue depth is never exactly 0 for long
const jsonThreshold = z
  .object({
    warn: z.number(),
    crit: z.number(),
    below: z.boolean().optional().describe('lower is worse (e.g. free workers); default: higher is worse'),
  })
  .strict()
  .refine((t) => (t.below ? t.crit <= t.warn : t.crit >= t.warn), { message: 'crit must be past warn: above it, or below it with below: true' });

const httpProbeSchema = z
  .object({
    name: entryName(),
    // http(s) only: a probe against redis:// or postgres:// would fail obscurely at run time
    url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
    method: z.enum(HTTP_METHODS).optional().describe('default GET'),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP header name'), z.string())
      .optional()
      .describe('request headers, e.g. an Authorization header with a bearer token from ${OPS_TOKEN}; their values are secrets: never drawn, journaled or reported'),
    body: z
      .union([z.string(), z.record(z.string(), z.unknown())])
      .optional()
      .describe('request body for POST/PUT/PATCH: a string as is, or an object sent as JSON; never drawn, journaled or reported'),
    followRedirects: z.boolean().optional().describe('follow 3xx answers (up to 5); default false: a redirect is reported as such'),
    timeoutMs: z.number().int().positive().optional(),
    expect: z
      .object({
        status: z.number().int().optional(),
        json: z
          .record(z.string(), z.union([z.string(), z.number(), z.boolean(), jsonThreshold]))
          .optional()
          .describe('JSON fields by name or dotted path (queues.emails.depth): a string, number or boolean must be equal; { warn, crit } grades a number'),
      })
      .strict()
      .optional()
      .describe('what a healthy response looks like: status code and JSON fields'),
    tls: z
      .object({
        ca: z.string().min(1).optional().describe('PEM file of the CA that issued the certificate, relative to this config file'),
        warnDays: z.number().int().nonnegative().optional().describe('default 14'),
        critDays: z.number().int().nonnegative().optional().describe('default 3'),
        insecure: z.boolean().optional().describe('accept a certificate nobody vouches for (expiry is still graded); default false'),
      })
      .strict()
      .refine((t) => t.warnDays === undefined || t.critDays === undefined || t.critDays <= t.warnDays, { message: 'critDays must be at most warnDays' })
      .optional()
      .describe('certificate checks of an https probe: warn 14 days before expiry, crit 3 days before'),
  })
  .strict()
  .refine((p) => p.body === undefined || !['GET', 'HEAD', undefined].includes(p.method), { message: 'a GET or HEAD request carries no body: set method: POST (or PUT, PATCH)', path: ['body'] })
  .refine((p) => p.tls === undefined || p.url.startsWith('https:'), { message: 'tls applies to https:// URLs only', path: ['tls'] });

/** The team store: a PostgreSQL URL whose password is a secret (${OPSDECK_TEAM_DB} keeps it out of the file). */
const teamSchema = z
  .object({
    store: z
      .string()
      .min(1)
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
      .describe('PostgreSQL URL of the shared journal and locks; use ${OPSDECK_TEAM_DB} to keep the password out of the file'),
  })
  .strict()
  .describe('team mode: the shared journal and locks in PostgreSQL (see README "Team mode")');

// one approval from another operator is what the two-person rule implements; more would need a quorum
const approvalCount = z
  .number()
  .int()
  .min(0)
  .refine((n) => n <= 1, { message: 'opsdeck implements one approval from another operator: use 0 or 1' });

/** The two-person rule: how many other operators approve a plan of each tier before it runs. */
const approvalsSchema = z
  .object({
    destructive: approvalCount.optional().describe('approvals a destructive action needs from another operator (0 or 1)'),
    reversible: approvalCount.optional().describe('approvals a reversible action needs from another operator (0 or 1; default 0)'),
  })
  .strict()
  .describe('the two-person rule (see README "Team mode: approvals"); needs a team store');

export const environmentSchema = z
  .object({
    protected: z.boolean().default(false).describe('typed confirmations carry the environment name; read-only unless --write'),
    readOnly: z.boolean().default(false).describe('never offer actions in this environment'),
    aws: z
      .object({
        region: z.string().min(1, { abort: true }).regex(AWS_REGION, 'expected an AWS region such as us-east-1, eu-central-2 or us-gov-west-1').optional(),
        profile: z.string().min(1).optional(),
        endpoint: z
          .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL such as http://127.0.0.1:5000' })
          .optional()
          .describe("the endpoint every AWS client of this environment calls (an emulator such as moto or LocalStack, a VPC endpoint); omitted: the SDK's own (AWS_ENDPOINT_URL, ...)"),
        assumeRole: z
          .object({
            arn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/, 'expected a role ARN such as arn:aws:iam::123456789012:role/opsdeck'),
            externalId: z.string().min(2).max(1224).optional().describe("the role's trust policy condition sts:ExternalId; use ${ENV} to keep it out of the file"),
            sessionName: z.string().regex(/^[\w+=,.@-]{2,64}$/, 'expected 2-64 characters of letters, digits and +=,.@_-').optional().describe('default: opsdeck-<os user>'),
          })
          .strict()
          .optional()
          .describe('a role to assume (STS AssumeRole) with the credentials of the profile or the SDK defaults; the header shows the assumed role'),
      })
      .strict()
      .optional()
      .describe('region, profile, endpoint and a role to assume; omitted: the AWS SDK defaults (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, ...)'),
    ecs: z.array(ecsClusterSchema).default([]),
    rds: z.array(rdsInstanceSchema).default([]),
    logs: z.array(logGroupSchema).default([]),
    redis: z.array(redisSchema).default([]),
    postgres: z.array(postgresSchema).default([]),
    http: z.array(httpProbeSchema).default([]),
    metrics: z.array(metricsSchema).default([]).describe('Prometheus text exposition endpoints and the rules judged on their series'),
    team: teamSchema.optional().describe('this environment\'s team store; wins over the top-level team'),
    thresholds: thresholdsSchema.optional(),
    intervals: z
      .object({
        ecs: z.number().positive().optional(),
        rds: z.number().positive().optional(),
        logs: z.number().positive().optional(),
        queues: z.number().positive().optional(),
        postgres: z.number().positive().optional(),
        health: z.number().positive().optional(),
        metrics: z.number().positive().optional(),
      })
      .strict()
      .optional()
      .describe('refresh interval per panel, in seconds'),
    approvals: approvalsSchema.optional(),
    notify: z
      .array(notifyTargetSchema)
      .optional()
      .describe('where to send notifications of this environment: actions, incidents, `check --notify`; URLs, keys and header values are secrets, written as ${ENV}'),
  })
  .strict();

export const configSchema = z
  .object({
    defaultEnvironment: z.string().optional().describe('the environment opened without --env; default: the first one'),
    team: teamSchema.optional().describe('the team store of every environment that names none of its own'),
    environments: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'environment names use letters, digits, _ and -'), environmentSchema).refine(
      (envs) => Object.keys(envs).length > 0,
      { message: 'at least one environment is required' },
    ),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const [name, env] of Object.entries(config.environments)) {
      const wanted = (env.approvals?.destructive ?? 0) > 0 || (env.approvals?.reversible ?? 0) > 0;
      if (wanted && !env.team?.store && !config.team?.store)
        ctx.addIssue({ code: 'custom', path: ['environments', name, 'approvals'], message: 'approvals are recorded in the team store: add team: { store: ${OPSDECK_TEAM_DB} } (top level or in this environment)' });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type Thresholds = z.infer<typeof thresholdsSchema>;
export type EcsClusterConfig = z.infer<typeof ecsClusterSchema>;
export type NotifyTargetConfig = z.infer<typeof notifyTargetSchema>;
export type ApprovalsConfig = NonNullable<EnvironmentConfig['approvals']>;
