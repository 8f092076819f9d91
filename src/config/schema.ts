/**
 * The config file's shape. Key names here are a contract shared with the
 * example config, the README, tests and scripts: add keys, never rename.
 */
import { z } from 'zod';

const threshold = z
  .object({ warn: z.number(), crit: z.number() })
  .strict()
  .refine((t) => t.warn <= t.crit, { message: 'warn must not be above crit' });

/** Known threshold names; each is { warn, crit }. */
export const THRESHOLD_KEYS = [
  'responseTimeMs',
  'errorRatePercent',
  'cpu',
  'memory',
  'dbConnectionsPercent',
  'deadLetter',
  'oldestJobAgeSeconds',
  'snapshotAgeHours',
  'storageFreePercent',
  'blockedQuerySeconds',
  'belowDesiredSeconds',
] as const;
export type ThresholdKey = (typeof THRESHOLD_KEYS)[number];

export const thresholdsSchema = z
  .object(Object.fromEntries(THRESHOLD_KEYS.map((k) => [k, threshold.optional()])) as {
    [K in ThresholdKey]: z.ZodOptional<typeof threshold>;
  })
  .strict();

export const ecsClusterSchema = z
  .object({
    cluster: z.string().min(1),
    /** omitted: every service of the cluster */
    services: z.array(z.string().min(1)).optional(),
    /** topology rule: more than one task only while this condition holds, e.g. "redis:jobs" */
    singleInstanceUnless: z
      .string()
      .regex(/^(redis|postgres|http):[A-Za-z0-9_.-]+$/, 'expected "redis:NAME", "postgres:NAME" or "http:NAME"')
      .optional(),
  })
  .strict();

export const drillSchema = z
  .object({
    database: z.string().min(1),
    user: z.string().min(1),
    password: z.string().optional(),
    tables: z.array(z.string().min(1)).default([]),
    rowCountTolerance: z.number().min(0).max(1).default(0),
    assertions: z.array(z.string().min(1)).default([]),
  })
  .strict();

export const rdsInstanceSchema = z
  .object({
    instance: z.string().min(1),
    drill: drillSchema.optional(),
  })
  .strict();

export const logGroupSchema = z
  .object({
    group: z.string().min(1),
    filterPattern: z.string().optional(),
    /** live: StartLiveTail with polling fallback; poll: FilterLogEvents only */
    mode: z.enum(['live', 'poll']).optional(),
  })
  .strict();

export const queueSchema = z
  .object({
    name: z.string().min(1),
    flavor: z.enum(['bullmq', 'rq', 'sidekiq', 'list', 'zset', 'stream']),
    /** key prefix for bullmq (default "bull") or the key itself for plain structures */
    prefix: z.string().optional(),
    key: z.string().optional(),
    deadKey: z.string().optional(),
  })
  .strict();

export const redisSchema = z
  .object({
    name: z.string().min(1),
    url: z.string().min(1),
    queues: z.array(queueSchema).default([]),
  })
  .strict();

export const postgresSchema = z
  .object({
    name: z.string().min(1),
    url: z.string().min(1),
  })
  .strict();

export const httpProbeSchema = z
  .object({
    name: z.string().min(1),
    url: z.string().url(),
    timeoutMs: z.number().int().positive().optional(),
    expect: z
      .object({
        status: z.number().int().optional(),
        json: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const environmentSchema = z
  .object({
    /** typed phrases carry the environment; read-only unless --write */
    protected: z.boolean().default(false),
    readOnly: z.boolean().default(false),
    aws: z
      .object({ region: z.string().min(1).optional(), profile: z.string().min(1).optional() })
      .strict()
      .optional(),
    ecs: z.array(ecsClusterSchema).default([]),
    rds: z.array(rdsInstanceSchema).default([]),
    logs: z.array(logGroupSchema).default([]),
    redis: z.array(redisSchema).default([]),
    postgres: z.array(postgresSchema).default([]),
    http: z.array(httpProbeSchema).default([]),
    thresholds: thresholdsSchema.optional(),
    /** refresh interval per panel in seconds */
    intervals: z
      .object({
        ecs: z.number().positive().optional(),
        rds: z.number().positive().optional(),
        logs: z.number().positive().optional(),
        queues: z.number().positive().optional(),
        postgres: z.number().positive().optional(),
        health: z.number().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const configSchema = z
  .object({
    /** the environment `opsdeck` opens without --env; default: the first one */
    defaultEnvironment: z.string().optional(),
    environments: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'environment names use letters, digits, _ and -'), environmentSchema).refine(
      (envs) => Object.keys(envs).length > 0,
      { message: 'at least one environment is required' },
    ),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type Thresholds = z.infer<typeof thresholdsSchema>;
export type EcsClusterConfig = z.infer<typeof ecsClusterSchema>;
