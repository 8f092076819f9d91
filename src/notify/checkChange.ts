/**
 * `opsdeck check --notify`, run from cron every few minutes: a target hears
 * about the checks only when the worst severity differs from what the last
 * `check --notify` told it, so a standing warning does not post every five
 * minutes. What each target was last told is kept per environment in the
 * state directory (<stateDir>/notify-check.json), and moved only when the
 * delivery succeeded: a target that was down is told at the next run.
 * The first run tells nobody about an ok: there is no change to report.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SEVERITY_RANK, type Finding, type Severity } from '../model/findings.js';
import { currentOperator } from '../audit/record.js';
import { stateDir } from '../state/paths.js';
import { oneLine } from '../text/sanitize.js';
import { CHECK_FINDINGS_MAX, type CheckNotice } from './events.js';
import { FLUSH_MS, type Notifier } from './notifier.js';

type Env = Record<string, string | undefined>;

/** environment → target label → the worst severity it was last told */
type Memory = Record<string, Record<string, Severity>>;

const SEVERITIES: readonly Severity[] = ['ok', 'warn', 'crit', 'unknown'];

export function checkMemoryPath(env: Env = process.env): string {
  return join(stateDir(env), 'notify-check.json');
}

interface CheckOutcome {
  /** labels told of the change */
  told: string[];
  /** labels that were told this severity before */
  unchanged: string[];
  /** one line per target that could not be told (it is tried again at the next run) */
  failed: string[];
}

interface CheckReportLike {
  environment: string;
  checkedAt: string;
  status: Severity;
  summary: Record<Severity, number>;
  findings: readonly Finding[];
}

export async function notifyCheckChange(report: CheckReportLike, notifier: Notifier, env: Env, flushMs = FLUSH_MS): Promise<CheckOutcome> {
  const memory = await readMemory(env);
  const mine = { ...(memory[report.environment] ?? {}) };
  const out: CheckOutcome = { told: [], unchanged: [], failed: [] };
  // targets grouped by what they were last told: one event each, with its own `from`
  const groups = new Map<Severity | null, string[]>();
  for (const label of notifier.labels(report.environment)) {
    const before = mine[label] ?? null;
    if (before === report.status || (before === null && report.status === 'ok')) {
      if (before === null) mine[label] = report.status;
      out.unchanged.push(label);
      continue;
    }
    groups.set(before, [...(groups.get(before) ?? []), label]);
  }
  const posted = Promise.all([...groups].map(([from, labels]) => notifier.post(checkNotice(report, from), labels)));
  // cron must not hang on a dead webhook: what is not through by then is cut and counts as failed
  await notifier.flush(flushMs);
  const sent = await posted;
  for (const r of sent.flat()) {
    if (r.ok) {
      mine[r.target] = report.status;
      out.told.push(r.target);
    } else out.failed.push(r.error ?? r.target);
  }
  memory[report.environment] = mine;
  await writeMemory(memory, env);
  return out;
}

function checkNotice(report: CheckReportLike, from: Severity | null): CheckNotice {
  const op = currentOperator();
  const worstFirst = report.findings.filter((f) => f.severity !== 'ok').sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  return {
    event: 'check.changed',
    environment: oneLine(report.environment, 64),
    at: report.checkedAt,
    operator: `${op.user}@${op.host}`,
    from,
    to: report.status,
    counts: { ...report.summary },
    findings: worstFirst.slice(0, CHECK_FINDINGS_MAX).map((f) => ({ severity: f.severity, checkId: oneLine(f.checkId, 120), subject: oneLine(f.subject, 200), message: oneLine(f.message, 300) })),
  };
}

async function readMemory(env: Env): Promise<Memory> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(checkMemoryPath(env), 'utf8'));
  } catch {
    // none yet, or unreadable: every target is told as on a first run
    return {};
  }
  const out: Memory = {};
  if (parsed === null || typeof parsed !== 'object') return out;
  for (const [name, targets] of Object.entries(parsed as Record<string, unknown>)) {
    if (targets === null || typeof targets !== 'object') continue;
    const kept: Record<string, Severity> = {};
    for (const [label, s] of Object.entries(targets as Record<string, unknown>)) if (SEVERITIES.includes(s as Severity)) kept[label] = s as Severity;
    out[name] = kept;
  }
  return out;
}

/** Temp file and rename: a cron run killed mid-write leaves the old memory, never half of one. */
async function writeMemory(memory: Memory, env: Env): Promise<void> {
  const path = checkMemoryPath(env);
  await mkdir(stateDir(env), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(memory, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}
