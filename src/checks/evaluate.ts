/**
 * The checks as a pure function of panel data: `opsdeck check` feeds it what
 * it just read, the TUI what its panels already hold (no extra reads).
 */
import type { UnreconciledIntent } from '../audit/unreconciled.js';
import type { Finding } from '../model/findings.js';
import type { PanelData, PanelId, PanelSnapshots } from '../model/panels.js';
import { PANEL_IDS } from '../model/panels.js';
import { ambiguousServiceNames, subjectText } from '../model/subjects.js';
import type { EnvironmentConfig, Thresholds } from '../config/schema.js';
import type { ThresholdKey } from '../config/thresholdKeys.js';
import { errorMessage } from '../text/sanitize.js';
import { CHECKS } from './rules.js';
import { resolveThresholds, thresholdFor, type ThresholdTable } from './thresholds.js';
import type { CheckDefinition } from './types.js';
import type { LogWindow } from './logWindow.js';
import type { DrillSummary } from '../drills/history.js';
import { drillPolicy, type DrillPolicy } from './rules/drills.js';

export type PanelErrors = Partial<Record<PanelId, string>>;

export interface EvaluateOptions {
  /** the environment's name, e.g. "prod" */
  env: string;
  now: number;
  /** the environment's `thresholds:` from the config, or a table already resolved */
  thresholds?: Thresholds | ThresholdTable;
  /** start of the "since the last checklist" window; default: 15 minutes before `now` */
  since?: number;
  /** the window's log errors when read from the source; else derived from data.logs */
  logWindow?: LogWindow;
  /** host of each PostgreSQL entry of the config, by name: how an RDS instance's max_connections becomes known */
  postgresHosts?: Record<string, string>;
  /** the areas the environment configures (see configuredAreas); omitted: every area */
  areas?: readonly PanelId[];
  checks?: readonly CheckDefinition[];
  /** the journal's intents without outcome (see audit/unreconciled.ts) */
  unreconciled?: readonly UnreconciledIntent[];
  /** the environment's backup drills (see drills/history.ts); absent: the drill checks say nothing */
  drills?: readonly DrillSummary[];
  /** the instances a drill is configured for (see checkSettings) */
  drillPolicy?: Record<string, DrillPolicy>;
}

interface Evaluation {
  findings: Finding[];
  /** remarks on the run itself, e.g. a `thresholds.subjects` name that matched nothing */
  notes: string[];
}

export const DEFAULT_SINCE_MS = 15 * 60_000;

const isTable = (t: Thresholds | ThresholdTable | undefined): t is ThresholdTable => t !== undefined && 'values' in t && 'subjects' in t && typeof (t as ThresholdTable).values === 'object';

/** The config key whose entries make an area's checks apply. */
const AREA_CONFIG = { ecs: 'ecs', rds: 'rds', logs: 'logs', queues: 'redis', postgres: 'postgres', health: 'http', metrics: 'metrics' } as const satisfies Record<PanelId, keyof EnvironmentConfig>;

export type AreaConfig = Partial<Pick<EnvironmentConfig, (typeof AREA_CONFIG)[PanelId]>>;

/**
 * The areas with something to judge: an environment without RDS has no
 * backup check, rather than a "no snapshot found" about nothing.
 */
export function configuredAreas(config: AreaConfig): PanelId[] {
  return PANEL_IDS.filter((id) => (config[AREA_CONFIG[id]]?.length ?? 0) > 0);
}

/** What the checks need from the config, computed once per environment. */
export function checkSettings(config: Pick<EnvironmentConfig, 'thresholds' | 'postgres'> & AreaConfig): Pick<EvaluateOptions, 'thresholds' | 'postgresHosts' | 'areas' | 'drillPolicy'> {
  const postgresHosts: Record<string, string> = {};
  for (const p of config.postgres) {
    try {
      postgresHosts[p.name] = new URL(p.url).hostname;
    } catch {
      // a URL the PostgreSQL source rejects is reported by its panel
    }
  }
  return { thresholds: resolveThresholds(config.thresholds), postgresHosts, areas: configuredAreas(config), drillPolicy: drillPolicy(config) };
}

/** max_connections of the RDS instances a configured PostgreSQL entry reaches by the instance's endpoint. */
function rdsMaxConnections(data: Partial<PanelData>, hosts: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of data.rds?.instances ?? []) {
    const host = i.endpoint?.host;
    if (!host) continue;
    const names = Object.entries(hosts).filter(([, h]) => h === host).map(([n]) => n);
    const db = data.postgres?.databases.find((d) => names.includes(d.name) && d.connections.max > 0);
    if (db) out[i.id] = db.connections.max;
  }
  return out;
}

export function evaluate(data: Partial<PanelData>, errors: PanelErrors, opts: EvaluateOptions): Evaluation {
  const table = isTable(opts.thresholds) ? opts.thresholds : resolveThresholds(opts.thresholds);
  const threshold = (key: ThresholdKey, names: readonly string[] = []) => thresholdFor(table, key, names);
  const unreadable: PanelErrors = {};
  // a panel in error is not judged on the last data it still shows
  const readable: Partial<Record<PanelId, unknown>> = {};
  for (const id of PANEL_IDS) {
    if (errors[id] !== undefined || data[id] === undefined) unreadable[id] = errors[id] ?? 'no data yet';
    else readable[id] = data[id];
  }
  data = readable as Partial<PanelData>;
  const ctx = {
    data,
    unreadable,
    threshold,
    now: opts.now,
    env: opts.env,
    since: opts.since ?? opts.now - DEFAULT_SINCE_MS,
    ...(opts.logWindow ? { logWindow: opts.logWindow } : {}),
    rdsMaxConnections: rdsMaxConnections(data, opts.postgresHosts ?? {}),
    ...(opts.unreconciled ? { unreconciled: opts.unreconciled } : {}),
    ...(opts.drills ? { drills: opts.drills } : {}),
    drillPolicy: opts.drillPolicy ?? {},
  };
  const findings: Finding[] = [];
  const notes: string[] = [];
  // a check that reads no panel (the journal's) holds whatever areas the environment configures
  const checks = (opts.checks ?? CHECKS).filter((c) => opts.areas === undefined || c.reads.length === 0 || opts.areas.includes(c.area));
  for (const check of checks) {
    const missing = check.reads.find((id) => unreadable[id] !== undefined);
    if (missing) {
      findings.push({ checkId: check.id, severity: 'unknown', subject: '', ref: { kind: 'panel', name: missing }, area: check.area, message: `${check.title}? could not read ${missing}: ${unreadable[missing]}` });
      continue;
    }
    try {
      findings.push(...check.evaluate(ctx));
      const note = check.note?.(ctx);
      if (note) notes.push(note);
    } catch (err) {
      findings.push({ checkId: check.id, severity: 'unknown', subject: '', ref: { kind: 'panel', name: check.area }, area: check.area, message: `${check.title}? the check failed: ${errorMessage(err)}` });
    }
  }
  return { findings: named(findings, data, opts.env), notes: [...notes, ...unmatchedSubjects(table, data, unreadable, opts.env)] };
}

/**
 * Gives each finding its subject in words. A service name that two clusters
 * use gets its cluster in every finding about either, including findings of
 * checks that judged only one of them.
 */
function named(findings: Finding[], data: Partial<PanelData>, env: string): Finding[] {
  const services = (data.ecs?.services ?? []).map((s) => ({ kind: 'ecs-service' as const, name: s.name, cluster: s.cluster }));
  const ambiguous = ambiguousServiceNames([...services, ...findings.map((f) => f.ref)]);
  return findings.map((f) => ({ ...f, subject: subjectText(env, f.ref, ambiguous.has(f.ref.name)) }));
}

/**
 * A `thresholds.subjects` name that matches nothing is most likely a typo
 * that leaves the defaults in force. Told only when every panel was read:
 * otherwise the subject may just be out of sight.
 */
function unmatchedSubjects(table: ThresholdTable, data: Partial<PanelData>, unreadable: PanelErrors, env: string): string[] {
  if (Object.keys(unreadable).length > 0) return [];
  const known = new Set<string>([
    ...(data.ecs?.services ?? []).flatMap((s) => [s.name, `${s.cluster}/${s.name}`]),
    ...(data.rds?.instances ?? []).map((i) => i.id),
    ...(data.logs?.groups ?? []),
    ...(data.queues?.queues ?? []).flatMap((q) => [q.name, `${q.redis}/${q.name}`]),
    ...(data.postgres?.databases ?? []).map((d) => d.name),
    ...(data.postgres?.errors ?? []).map((d) => d.name),
    ...(data.health?.probes ?? []).map((p) => p.name),
  ]);
  return Object.keys(table.subjects)
    .filter((n) => !known.has(n))
    .map((n) => `thresholds.subjects.${n} matches no service, RDS instance, log group, queue, database or probe of ${env}: its thresholds are not used`);
}

/** The findings of every check on the data at hand; see `evaluate` for the notes too. */
export function evaluateChecks(data: Partial<PanelData>, errors: PanelErrors, opts: EvaluateOptions): Finding[] {
  return evaluate(data, errors, opts).findings;
}

/**
 * The store's snapshots as check input: a panel in error counts as
 * unreadable (its checks are unknown) even though it still shows its last
 * data; a stale panel is judged on what it has.
 */
export function panelInputs(snapshots: PanelSnapshots): { data: Partial<PanelData>; errors: PanelErrors } {
  const data: Partial<Record<PanelId, unknown>> = {};
  const errors: PanelErrors = {};
  for (const id of PANEL_IDS) {
    const s = snapshots[id];
    if (s.status === 'error') errors[id] = s.error ?? 'read failed';
    else if (s.data !== undefined) data[id] = s.data;
  }
  return { data: data as Partial<PanelData>, errors };
}
