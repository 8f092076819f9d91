/**
 * From what a flavour's control read (raw, from outside) to what may be
 * shown: every text sanitised (no terminal escapes, no control or bidi
 * characters) and redacted (URL passwords, `token=` parameters, header
 * values), a JSON payload pretty-printed with the values of secret-looking
 * keys masked, and payload and stack cut to a bound so a 5 MB payload costs
 * one screen. The job browser and `opsdeck queue job` both show this.
 */
import type { JobDetail, JobList, JobRow } from '../../model/jobs.js';
import type { RawJob, RawJobs } from '../../sources/redis/control.js';
import { looksSecretName } from '../../text/redact.js';
import { oneLine, sanitize } from '../../text/sanitize.js';

/** characters of payload read at most, before pretty-printing */
export const PAYLOAD_MAX = 8_192;
/** lines of payload shown at most */
export const PAYLOAD_LINES = 120;
export const STACK_LINES = 40;
const LINE_MAX = 400;

/** `value` with the values of secret-looking keys masked, all the way down. */
function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, looksSecretName(k) && v !== null && typeof v !== 'object' ? '***' : maskSecrets(v)]));
  }
  return value;
}

// indentation kept: a stack or a traceback reads by it
const safeLine = (line: string) => sanitize(line).trimEnd().slice(0, LINE_MAX);

function payloadLines(raw: string): { lines: string[]; cut?: number } {
  const long = raw.length > PAYLOAD_MAX;
  let text = raw;
  if (!long) {
    try {
      text = JSON.stringify(maskSecrets(JSON.parse(raw)), null, 2);
    } catch {
      // not JSON: shown as it is, sanitised below
    }
  } else text = raw.slice(0, PAYLOAD_MAX);
  let lines = text.split(/\r\n|\n|\r/).map((l) => sanitize(l).trimEnd().slice(0, LINE_MAX));
  if (lines.length > PAYLOAD_LINES) lines = lines.slice(0, PAYLOAD_LINES);
  return long || text.split('\n').length > PAYLOAD_LINES ? { lines, cut: raw.length } : { lines };
}

export function jobRow(raw: RawJob): JobRow {
  const first = raw.reason.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
  return {
    id: oneLine(raw.id, 80),
    name: oneLine(raw.name, 80) || '?',
    failedAt: raw.failedAt,
    attempts: raw.attempts,
    reason: oneLine(first, 200),
    ...(raw.set ? { set: oneLine(raw.set, 20) } : {}),
  };
}

export function jobList(redis: string, queue: string, flavor: string, raw: RawJobs): JobList {
  return { redis, queue, flavor, total: raw.total, jobs: raw.jobs.map(jobRow) };
}

export function jobDetail(raw: RawJob): JobDetail {
  const payload = payloadLines(raw.payload);
  const stackAll = raw.stack.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '');
  return {
    ...jobRow(raw),
    payload: payload.lines,
    ...(payload.cut !== undefined ? { payloadCut: payload.cut } : {}),
    payloadKind: oneLine(raw.payloadKind, 100),
    reasonLines: raw.reason.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '').slice(0, 10).map(safeLine),
    stack: stackAll.slice(0, STACK_LINES).map(safeLine),
    ...(stackAll.length > STACK_LINES ? { stackCut: stackAll.length - STACK_LINES } : {}),
    maxAttempts: raw.maxAttempts,
    times: raw.times.map((t) => ({ label: oneLine(t.label, 20), at: t.at })),
  };
}
