/**
 * Backup drills: a backup is only as good as the last restore that proved it.
 * Judged for every RDS entry with a `drill:` section (the ones a drill can
 * run on), from the drill history the caller read (local, or the team store's):
 * the last successful drill older than `drill.maxAgeDays` (default 35) is a
 * warning, twice that critical, none at all a warning; its RTO above
 * `drill.rtoObjective` a warning. The thresholds live in the drill's own
 * section, beside the tables it verifies, since they belong to one instance's
 * recovery promise rather than to a metric.
 */
import type { EnvironmentConfig } from '../../config/schema.js';
import type { DrillSummary } from '../../drills/history.js';
import { instanceRef } from '../../model/subjects.js';
import { findingsOf, type CheckContext, type CheckDefinition } from '../types.js';

export const DEFAULT_DRILL_MAX_AGE_DAYS = 35;
const DAY_MS = 86_400_000;
const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3_600 };

export interface DrillPolicy {
  maxAgeDays: number;
  /** absent: no objective, no RTO finding */
  rtoObjectiveSeconds?: number;
}

/** "30m" → 1800; the schema has checked the form. */
export function objectiveSeconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration like 30m`);
  return Number(m[1]) * UNIT_S[m[2]!]!;
}

/** The instances a drill is configured for, with their limits. */
export function drillPolicy(config: Partial<Pick<EnvironmentConfig, 'rds'>>): Record<string, DrillPolicy> {
  const out: Record<string, DrillPolicy> = {};
  for (const r of config.rds ?? []) {
    if (!r.drill) continue;
    out[r.instance] = {
      maxAgeDays: r.drill.maxAgeDays ?? DEFAULT_DRILL_MAX_AGE_DAYS,
      ...(r.drill.rtoObjective !== undefined ? { rtoObjectiveSeconds: objectiveSeconds(r.drill.rtoObjective) } : {}),
    };
  }
  return out;
}

export function rtoText(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const min = seconds / 60;
  return `${Number.isInteger(min) ? min : min.toFixed(1)} min`;
}

const day = (iso: string) => iso.slice(0, 10);
const daysAgo = (ctx: CheckContext, iso: string) => Math.floor((ctx.now - Date.parse(iso)) / DAY_MS);

function historyOf(ctx: CheckContext, instance: string): { last?: DrillSummary; lastOk?: DrillSummary } {
  const mine = (ctx.drills ?? []).filter((d) => d.instance === instance).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  return { last: mine.at(-1), lastOk: mine.filter((d) => d.outcome === 'ok').at(-1) };
}

const age: CheckDefinition = {
  id: 'rds.drill-age',
  area: 'rds',
  title: 'Backups were proven by a recent restore drill',
  reads: ['rds'],
  thresholds: [],
  actions: [],
  evaluate(ctx) {
    // not read (a caller without the history): no verdict rather than a false "never drilled"
    if (ctx.drills === undefined) return [];
    const f = findingsOf(this);
    return Object.entries(ctx.drillPolicy).map(([instance, policy]) => {
      const ref = instanceRef({ id: instance });
      const run = `run: opsdeck drill backup ${instance}`;
      const { last, lastOk } = historyOf(ctx, instance);
      if (!last) return f('warn', ref, `no drill on record: nothing proves this instance's backups restore; ${run}`, 'never drilled');
      const failedSince = last !== lastOk ? `; the last drill (${day(last.startedAt)}) ${last.summary.result}: ${last.summary.message}` : '';
      if (!lastOk) return f('warn', ref, `no successful drill on record${failedSince}; ${run}`, `${daysAgo(ctx, last.startedAt)} days since the last drill`);
      const days = daysAgo(ctx, lastOk.startedAt);
      const figure = `last ok ${days} days ago, ${day(lastOk.startedAt)}`;
      const severity = days > 2 * policy.maxAgeDays ? 'crit' : days > policy.maxAgeDays ? 'warn' : 'ok';
      if (severity === 'ok') return f(last === lastOk ? 'ok' : 'warn', ref, last === lastOk ? 'backups proven by a recent drill' : `the last drill did not pass${failedSince}`, figure);
      return f(severity, ref, `last successful drill older than ${severity === 'crit' ? 2 * policy.maxAgeDays : policy.maxAgeDays} days${failedSince}; ${run}`, figure);
    });
  },
};

const rto: CheckDefinition = {
  id: 'rds.drill-rto',
  area: 'rds',
  title: 'The last drill restored within the RTO objective',
  reads: ['rds'],
  thresholds: [],
  actions: [],
  evaluate(ctx) {
    if (ctx.drills === undefined) return [];
    const f = findingsOf(this);
    return Object.entries(ctx.drillPolicy).flatMap(([instance, policy]) => {
      const { lastOk } = historyOf(ctx, instance);
      if (policy.rtoObjectiveSeconds === undefined || lastOk?.rtoSeconds == null) return [];
      const objective = policy.rtoObjectiveSeconds;
      const figure = `RTO ${rtoText(lastOk.rtoSeconds)} (objective ${rtoText(objective)})`;
      if (lastOk.rtoSeconds <= objective) return [f('ok', instanceRef({ id: instance }), 'the last drill restored within the objective', figure)];
      return [f('warn', instanceRef({ id: instance }), `the last drill (${day(lastOk.startedAt)}) took ${rtoText(lastOk.rtoSeconds)} from the restore request to verification, above the ${rtoText(objective)} objective`, figure)];
    });
  },
};

export const DRILL_CHECKS: readonly CheckDefinition[] = [age, rto];
