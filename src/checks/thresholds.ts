/** Default thresholds from the runbooks, overridable per environment. */
import { LOWER_IS_WORSE, type ThresholdKey } from '../config/thresholdKeys.js';
import type { Thresholds } from '../config/schema.js';

export interface Threshold {
  warn: number;
  crit: number;
}

export const DEFAULT_THRESHOLDS: Record<ThresholdKey, Threshold> = {
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
  belowDesiredSeconds: { warn: 0, crit: 120 },
};

export function resolveThresholds(overrides: Thresholds | undefined): Record<ThresholdKey, Threshold> {
  const out = { ...DEFAULT_THRESHOLDS };
  for (const [k, v] of Object.entries(overrides ?? {})) if (v) out[k as ThresholdKey] = v;
  return out;
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
