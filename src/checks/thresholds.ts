/**
 * Default thresholds from the runbooks, overridable per environment and, under
 * `thresholds.subjects`, per service, RDS instance, queue, probe or database.
 * Both ends are inclusive: a figure AT `warn` warns (the config schema says
 * "warn at `warn`"); where lower is worse, a figure AT `warn` warns too.
 */
import { LOWER_IS_WORSE, THRESHOLD_KEYS, type ThresholdKey } from '../config/thresholdKeys.js';
import type { Thresholds } from '../config/schema.js';

export interface Threshold {
  warn: number;
  crit: number;
}

export type ThresholdValues = Record<ThresholdKey, Threshold>;

export const DEFAULT_THRESHOLDS: ThresholdValues = {
  responseTimeMs: { warn: 2_000, crit: 5_000 },
  errorRatePercent: { warn: 1, crit: 5 },
  // for a tail narrowed by a filter pattern, where a share of all lines cannot be known
  errorsPerMinute: { warn: 1, crit: 10 },
  cpu: { warn: 70, crit: 90 },
  memory: { warn: 80, crit: 95 },
  dbConnectionsPercent: { warn: 70, crit: 90 },
  // any dead job deserves a look; a hundred means something is broken
  deadLetter: { warn: 1, crit: 100 },
  oldestJobAgeSeconds: { warn: 300, crit: 1_800 },
  snapshotAgeHours: { warn: 26, crit: 26 },
  // lower is worse: warn below 10 %, crit below 5 %
  storageFreePercent: { warn: 10, crit: 5 },
  blockedQuerySeconds: { warn: 30, crit: 30 },
  // any shortfall warns (a rollout); two minutes of it is an outage
  belowDesiredSeconds: { warn: 0, crit: 120 },
  // a drill restores, verifies and deletes within hours: a drill copy older than that is a forgotten copy of production data
  drillInstanceAgeHours: { warn: 3, crit: 3 },
  // seconds: the oldest running statement; a report may run a minute, five is a stuck query
  longQuery: { warn: 60, crit: 300 },
  // seconds an open transaction sits idle, holding its locks and holding back vacuum
  idleInTransaction: { warn: 60, crit: 600 },
  // seconds a replica trails its primary
  replicationLag: { warn: 10, crit: 60 },
  // percent of maxmemory in use
  redisMemory: { warn: 80, crit: 95 },
  // keys evicted since the previous read: any eviction means the cache (or a queue!) lost data
  evictions: { warn: 1, crit: 1_000 },
  // lower is worse: days until RDS applies a pending maintenance action on its own
  maintenanceDays: { warn: 7, crit: 1 },
};

/** The thresholds of one environment: its values, and the ones set for a named subject. */
export interface ThresholdTable {
  values: ThresholdValues;
  subjects: Record<string, Partial<ThresholdValues>>;
}

function picked(source: Partial<Record<string, unknown>> | undefined): Partial<ThresholdValues> {
  const out: Partial<ThresholdValues> = {};
  for (const k of THRESHOLD_KEYS) {
    const v = source?.[k] as Threshold | undefined;
    if (v) out[k] = { warn: v.warn, crit: v.crit };
  }
  return out;
}

export function resolveThresholds(config: Thresholds | undefined): ThresholdTable {
  const subjects: ThresholdTable['subjects'] = {};
  for (const [name, values] of Object.entries(config?.subjects ?? {})) subjects[name] = picked(values);
  return { values: { ...DEFAULT_THRESHOLDS, ...picked(config) }, subjects };
}

/**
 * The threshold for `key` on a subject known by several names, most specific
 * first (e.g. "jobs/emails", then "emails"): the first name with its own
 * value wins, else the environment's.
 */
export function thresholdFor(table: ThresholdTable, key: ThresholdKey, names: readonly string[] = []): Threshold {
  for (const n of names) {
    const own = table.subjects[n]?.[key];
    if (own) return own;
  }
  return table.values[key];
}

/** ok / warn / crit for a figure where higher is worse. */
export function grade(value: number, t: Threshold): 'ok' | 'warn' | 'crit' {
  if (value >= t.crit) return 'crit';
  if (value >= t.warn) return 'warn';
  return 'ok';
}

/** ok / warn / crit for a named threshold, honouring the ones where lower is worse. */
export function gradeFor(key: ThresholdKey, value: number, t: Threshold): 'ok' | 'warn' | 'crit' {
  if (!LOWER_IS_WORSE.has(key)) return grade(value, t);
  if (value <= t.crit) return 'crit';
  if (value <= t.warn) return 'warn';
  return 'ok';
}
