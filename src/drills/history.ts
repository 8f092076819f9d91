/**
 * Every drill's outcome in a line, kept for good: `<stateDir>/drills/history.jsonl`,
 * appended and fsynced when the drill writes its report, so the history
 * survives the reports' files being tidied away and a crash a moment later.
 * The team store (src/team/drillReports.ts) gets the same lines; this file is
 * also what is uploaded when the store was down during the drill.
 *
 * The summary, not the whole report: what the findings and `drill history`
 * judge (when, which snapshot, the outcome, the RTO, who) and the checks'
 * tallies. The full report stays in its markdown and JSON files.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { drillsDir } from './records.js';
import type { DrillOutcome, DrillReport } from './types.js';

type Env = Record<string, string | undefined>;

export interface DrillSummary {
  kind: 'opsdeck-drill-summary';
  /** the drill's run id: one row per drill wherever it is stored */
  id: string;
  env: string;
  instance: string;
  snapshot: string | null;
  /** ISO 8601 */
  startedAt: string;
  finishedAt: string;
  /** ok: every check passed; failed: anything else (a failed check, incomplete, interrupted) */
  outcome: 'ok' | 'failed';
  /** from the restore request to verification passed; null unless ok */
  rtoSeconds: number | null;
  summary: {
    result: DrillOutcome;
    parity: number | null;
    tables: { passed: number; total: number };
    assertions: { passed: number; total: number };
    /** names of the checks that failed */
    failed: string[];
    message: string;
  };
  operator: string;
}

export function historyPath(env: Env = process.env): string {
  return join(drillsDir(env), 'history.jsonl');
}

export function summaryOf(r: DrillReport): DrillSummary {
  const tally = (kind: 'table' | 'assertion') => {
    const of = r.checks.filter((c) => c.kind === kind);
    return { passed: of.filter((c) => c.passed).length, total: of.length };
  };
  return {
    kind: 'opsdeck-drill-summary',
    id: r.runId,
    env: r.environment,
    instance: r.instance,
    snapshot: r.snapshot?.id ?? null,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    outcome: r.outcome === 'passed' ? 'ok' : 'failed',
    rtoSeconds: r.rtoMs === null ? null : Math.round(r.rtoMs / 100) / 10,
    summary: {
      result: r.outcome,
      parity: r.parity,
      tables: tally('table'),
      assertions: tally('assertion'),
      failed: r.checks.filter((c) => !c.passed).map((c) => c.name),
      message: r.message,
    },
    operator: r.operator,
  };
}

/** One line at the end of the history, on disk when this returns. A line is one write on an O_APPEND file: two drills at once do not interleave. */
export function appendHistory(s: DrillSummary, env: Env = process.env): void {
  mkdirSync(drillsDir(env), { recursive: true, mode: 0o700 });
  const fd = openSync(historyPath(env), 'a', 0o600);
  try {
    const bytes = Buffer.from(JSON.stringify(s) + '\n', 'utf8');
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The lines of one environment, oldest first; a torn last line (a crash mid-write) and lines of other shapes are skipped. */
export function parseHistory(text: string, environment: string): DrillSummary[] {
  return text.split('\n').flatMap((raw) => {
    if (!raw) return [];
    try {
      const s = JSON.parse(raw) as DrillSummary;
      return s?.kind === 'opsdeck-drill-summary' && typeof s.id === 'string' && s.env === environment && typeof s.instance === 'string' && !Number.isNaN(Date.parse(s.startedAt)) ? [s] : [];
    } catch {
      return [];
    }
  });
}

function missing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

export function readHistory(environment: string, env: Env = process.env): DrillSummary[] {
  try {
    return parseHistory(readFileSync(historyPath(env), 'utf8'), environment);
  } catch (err) {
    if (missing(err)) return [];
    throw err;
  }
}

/** The same, off the event loop: for the dashboard's refresh. */
export async function readHistoryAsync(environment: string, env: Env = process.env): Promise<DrillSummary[]> {
  try {
    return parseHistory(await readFile(historyPath(env), 'utf8'), environment);
  } catch (err) {
    if (missing(err)) return [];
    throw err;
  }
}

/** Several sources of history as one, each drill once, oldest first. */
export function mergeHistory(...lists: readonly (readonly DrillSummary[])[]): DrillSummary[] {
  const byId = new Map<string, DrillSummary>();
  for (const list of lists) for (const s of list) if (!byId.has(s.id)) byId.set(s.id, s);
  return [...byId.values()].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
}
