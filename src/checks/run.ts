/**
 * Runs every check once: reads each panel's source in parallel, each with a
 * timeout, then evaluates the checks against what came back. A source that
 * fails or times out turns the checks that read it into `unknown`.
 */
import type { UnreconciledIntent } from '../audit/unreconciled.js';
import type { Finding, Severity } from '../model/findings.js';
import type { PanelData, PanelId } from '../model/panels.js';
import type { Sources } from '../sources/ports.js';
import type { Thresholds } from '../config/schema.js';
import { errorMessage } from '../text/sanitize.js';
import type { CheckDefinition } from './types.js';
import type { ThresholdTable } from './thresholds.js';
import { evaluate, DEFAULT_SINCE_MS, type EvaluateOptions, type PanelErrors } from './evaluate.js';
import { readLogs, type LogWindow } from './logWindow.js';
import { EXIT_BY_SEVERITY, summarize, worst } from './severity.js';

/** Why the window starts where it does: --since, the last checklist run, or a first run's 24 h. */
export type WindowBasis = 'flag' | 'last-run' | 'first-run' | 'default';

interface CheckRunOptions {
  sources: Sources;
  env: string;
  thresholds?: Thresholds | ThresholdTable;
  /** host of each PostgreSQL entry, by name (see checkSettings) */
  postgresHosts?: Record<string, string>;
  /** the areas the environment configures (see checkSettings); omitted: every area */
  areas?: readonly PanelId[];
  now: number;
  /** start of the window for log errors and failed tasks (ms epoch)... */
  since?: number;
  /** ...or its length, e.g. 12 h for "overnight"; default 15 min */
  sinceMs?: number;
  windowBasis?: WindowBasis;
  /** per source read */
  timeoutMs?: number;
  checks?: readonly CheckDefinition[];
  unreconciled?: readonly UnreconciledIntent[];
  /** the environment's drill history and the instances drills are configured for (see evaluate.ts) */
  drills?: EvaluateOptions['drills'];
  drillPolicy?: EvaluateOptions['drillPolicy'];
}

export interface CheckReport {
  /** of this document's shape (schema/check-report.schema.json) */
  version: 1;
  environment: string;
  checkedAt: string;
  /** `moved`: whether this run is where the next checklist starts counting (set by runChecklist) */
  /** `partial`: the log read stopped before the end of the window, so its counts are a lower bound */
  window: { from: string; to: string; basis: WindowBasis; moved?: boolean; partial?: boolean };
  status: Severity;
  exitCode: number;
  summary: Record<Severity, number>;
  findings: Finding[];
  notes: string[];
}

export { SEVERITY_RANK, EXIT_BY_SEVERITY, worst, summarize } from './severity.js';

const DEFAULT_TIMEOUT_MS = 10_000;
/** the window's log read stops here (of the timeout) and counts what it has, so the panel is not lost to it */
const LOG_WINDOW_SHARE = 0.7;

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

interface Readings {
  data: Partial<PanelData>;
  errors: PanelErrors;
  logWindow?: LogWindow;
}

async function readAll(opts: CheckRunOptions, since: number): Promise<Readings> {
  const s = opts.sources;
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let logWindow: LogWindow | undefined;
  const readers: { [K in PanelId]: (signal: AbortSignal) => Promise<PanelData[K]> } = {
    ecs: (sig) => s.ecs.describe(sig),
    rds: (sig) => s.rds.describe(sig),
    logs: async (sig) => {
      const r = await readLogs(s.logs, { from: since, now: opts.now, signal: sig, deadline: Date.now() + timeout * LOG_WINDOW_SHARE, clock: Date.now });
      logWindow = r.window;
      return r.snapshot;
    },
    queues: (sig) => s.queues.read(sig),
    postgres: (sig) => s.postgres.read(sig),
    health: (sig) => s.health.probe(sig),
    metrics: (sig) => s.metrics.read(sig),
  };
  const data: Partial<Record<PanelId, unknown>> = {};
  const errors: PanelErrors = {};
  await Promise.all(
    (Object.keys(readers) as PanelId[]).map(async (id) => {
      try {
        data[id] = await withTimeout(readers[id] as (s: AbortSignal) => Promise<unknown>, timeout, id);
      } catch (err) {
        errors[id] = errorMessage(err);
      }
    }),
  );
  return { data: data as Partial<PanelData>, errors, ...(logWindow && errors.logs === undefined ? { logWindow } : {}) };
}

export async function runChecks(opts: CheckRunOptions): Promise<CheckReport> {
  const since = opts.since ?? opts.now - (opts.sinceMs ?? DEFAULT_SINCE_MS);
  const { data, errors, logWindow } = await readAll(opts, since);
  const { findings, notes } = evaluate(data, errors, {
    env: opts.env,
    now: opts.now,
    since,
    ...(opts.thresholds ? { thresholds: opts.thresholds } : {}),
    ...(opts.postgresHosts ? { postgresHosts: opts.postgresHosts } : {}),
    ...(opts.areas ? { areas: opts.areas } : {}),
    ...(logWindow ? { logWindow } : {}),
    ...(opts.checks ? { checks: opts.checks } : {}),
    ...(opts.unreconciled ? { unreconciled: opts.unreconciled } : {}),
    ...(opts.drills ? { drills: opts.drills } : {}),
    ...(opts.drillPolicy ? { drillPolicy: opts.drillPolicy } : {}),
  });
  const status = worst(findings);
  return {
    version: 1,
    environment: opts.env,
    checkedAt: new Date(opts.now).toISOString(),
    window: { from: new Date(since).toISOString(), to: new Date(opts.now).toISOString(), basis: opts.windowBasis ?? (opts.since === undefined && opts.sinceMs === undefined ? 'default' : 'flag'), ...(logWindow?.partial && (opts.areas ?? ['logs']).includes('logs') ? { partial: true } : {}) },
    status,
    exitCode: EXIT_BY_SEVERITY[status],
    summary: summarize(findings),
    findings,
    notes,
  };
}
