// Threshold names live apart from the zod schema so the checks can use them
// without loading zod (most of start-up is parsing code).

/** Known threshold names; each is { warn, crit }. */
export const THRESHOLD_KEYS = [
  'responseTimeMs',
  'errorRatePercent',
  'errorsPerMinute',
  'cpu',
  'memory',
  'dbConnectionsPercent',
  'deadLetter',
  'oldestJobAgeSeconds',
  'snapshotAgeHours',
  'storageFreePercent',
  'blockedQuerySeconds',
  'belowDesiredSeconds',
  'drillInstanceAgeHours',
  'longQuery',
  'idleInTransaction',
  'replicationLag',
  'redisMemory',
  'evictions',
  'maintenanceDays',
] as const;
export type ThresholdKey = (typeof THRESHOLD_KEYS)[number];

/** Thresholds where a falling figure is the danger, so crit sits below warn. */
export const LOWER_IS_WORSE: ReadonlySet<ThresholdKey> = new Set<ThresholdKey>(['storageFreePercent', 'maintenanceDays']);

