/**
 * Runs every check once: reads each panel's source in parallel with a
 * timeout, then evaluates the checks against what came back. A source that
 * fails or times out turns the checks that read it into `unknown`.
 */
import type { Finding, Severity } from '../model/findings.js';
import type { PanelData, PanelId } from '../model/panels.js';
import type { Sources } from '../sources/ports.js';
import type { Thresholds } from '../config/schema.js';
import { LogTail } from '../engine/logTail.js';
import { errorMessage } from '../text/sanitize.js';
import { CHECKS, type CheckDefinition } from './rules.js';
import { resolveThresholds } from './thresholds.js';

export interface CheckRunOptions {
  sources: Sources;
  env: string;
  thresholds?: Thresholds;
  now: number;
  /** how far back log errors count, e.g. 15 min, or 12 h for "overnight" */
  sinceMs?: number;
  timeoutMs?: number;
  checks?: readonly CheckDefinition[];
}

export interface CheckReport {
  environment: string;
  checkedAt: string;
  status: Severity;
  exitCode: number;
  summary: Record<Severity, number>;
  findings: Finding[];
}

const SEVERITY_RANK: Record<Severity, number> = { ok: 0, warn: 1, unknown: 2, crit: 3 };

/**
 * Nagios exit codes. A check that could not run outranks a warning: a cron
 * job must not read "could not look" as "mostly fine".
 */
export const EXIT_BY_SEVERITY: Record<Severity, number> = { ok: 0, warn: 1, crit: 2, unknown: 3 };

export function worst(findings: Finding[]): Severity {
  return findings.reduce<Severity>((w, f) => (SEVERITY_RANK[f.severity] > SEVERITY_RANK[w] ? f.severity : w), 'ok');
}

function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, ms: number, what: string): Promise<T> {
  const ctl = new AbortController();
  const after = ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = new Error(`${what}: no answer within ${after}`);
      ctl.abort(err);
      reject(err);
    }, ms);
    work(ctl.signal).then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

async function readAll(opts: CheckRunOptions): Promise<{ data: Partial<PanelData>; errors: Partial<Record<PanelId, string>> }> {
  const s = opts.sources;
  const timeout = opts.timeoutMs ?? 10_000;
  const since = opts.sinceMs ?? 15 * 60_000;
  const readers: { [K in PanelId]: (signal: AbortSignal) => Promise<PanelData[K]> } = {
    ecs: (sig) => s.ecs.describe(sig),
    rds: (sig) => s.rds.describe(sig),
    logs: async (sig) => {
      const tail = new LogTail({ capacity: 1, minutes: Math.max(1, Math.ceil(since / 60_000)), groups: s.logs.groups });
      const batch = await s.logs.read(undefined, opts.now - since, sig);
      tail.add(batch);
      return tail.snapshot(opts.now);
    },
    queues: (sig) => s.queues.read(sig),
    postgres: (sig) => s.postgres.read(sig),
    health: (sig) => s.health.probe(sig),
  };
  const data: Partial<PanelData> = {};
  const errors: Partial<Record<PanelId, string>> = {};
  await Promise.all(
    (Object.keys(readers) as PanelId[]).map(async (id) => {
      try {
        (data as Record<PanelId, unknown>)[id] = await withTimeout(readers[id] as (s: AbortSignal) => Promise<unknown>, timeout, id);
      } catch (err) {
        errors[id] = errorMessage(err);
      }
    }),
  );
  return { data, errors };
}

export async function runChecks(opts: CheckRunOptions): Promise<CheckReport> {
  const { data, errors } = await readAll(opts);
  const thresholds = resolveThresholds(opts.thresholds);
  const findings: Finding[] = [];
  for (const check of opts.checks ?? CHECKS) {
    const missing = check.reads.find((id) => errors[id] !== undefined || data[id] === undefined);
    if (missing) {
      findings.push({ checkId: check.id, severity: 'unknown', subject: `${opts.env}/${missing}`, area: check.area, message: `${check.title}? could not read ${missing}: ${errors[missing] ?? 'no data'}` });
      continue;
    }
    try {
      findings.push(...check.evaluate({ data, thresholds, now: opts.now, env: opts.env }));
    } catch (err) {
      findings.push({ checkId: check.id, severity: 'unknown', subject: opts.env, area: check.area, message: `check failed: ${errorMessage(err)}` });
    }
  }
  const status = worst(findings);
  const summary: Record<Severity, number> = { ok: 0, warn: 0, crit: 0, unknown: 0 };
  for (const f of findings) summary[f.severity]++;
  return { environment: opts.env, checkedAt: new Date(opts.now).toISOString(), status, exitCode: EXIT_BY_SEVERITY[status], summary, findings };
}
