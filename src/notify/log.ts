/**
 * Notifications that could not be delivered, one JSON line each, in the
 * state directory (<stateDir>/notify-failures.jsonl): not in the audit
 * journal, which records what was done to systems, and a lost Slack message
 * changes no system. `opsdeck notify status` counts and shows them. A line
 * names the target by its label and the event by its name; no URL, key or
 * payload is written.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stateDir } from '../state/paths.js';
import { oneLine } from '../text/sanitize.js';

type Env = Record<string, string | undefined>;

export interface FailureRecord {
  /** ISO 8601 UTC */
  at: string;
  environment: string;
  /** "notify[1] pagerduty" */
  target: string;
  event: string;
  attempts: number;
  error: string;
}

export function failureLogPath(env: Env = process.env): string {
  return join(stateDir(env), 'notify-failures.jsonl');
}

export async function recordFailure(rec: FailureRecord, env: Env = process.env): Promise<void> {
  const clean: FailureRecord = { ...rec, environment: oneLine(rec.environment, 64), target: oneLine(rec.target, 40), event: oneLine(rec.event, 40), error: oneLine(rec.error, 400) };
  await mkdir(stateDir(env), { recursive: true, mode: 0o700 });
  await appendFile(failureLogPath(env), `${JSON.stringify(clean)}\n`, { mode: 0o600 });
}

/** Every readable record, oldest first; a torn or edited line is skipped. */
export async function readFailures(env: Env = process.env): Promise<FailureRecord[]> {
  let text: string;
  try {
    text = await readFile(failureLogPath(env), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: FailureRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as Partial<FailureRecord>;
      if (typeof r.at === 'string' && typeof r.target === 'string' && typeof r.error === 'string') {
        out.push({ at: r.at, environment: String(r.environment ?? ''), target: r.target, event: String(r.event ?? ''), attempts: Number(r.attempts ?? 0), error: r.error });
      }
    } catch {
      // a line cut by a crash mid-write
    }
  }
  return out;
}
