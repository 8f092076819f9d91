/**
 * What a probe's response says and whether it meets the config's
 * expectations. Every problem is one line an engineer can act on:
 * `status 503, expected 200`, `json status is "degraded", expected "healthy"`.
 */
import { oneLine } from '../../text/sanitize.js';
import type { ProbeMeasure } from '../../model/health.js';
import { formatBytes } from './format.js';

interface JsonThreshold {
  warn: number;
  crit: number;
  below?: boolean;
}

/**
 * The config's `expect.json`: a plain value must be equal; `{ warn, crit }`
 * reads a number for the checks to grade. A key is a top-level field, or
 * failing that a dotted path into nested objects (`queues.emails.depth`).
 */
type JsonExpectation = Record<string, string | number | boolean | JsonThreshold>;

const isThreshold = (v: JsonExpectation[string]): v is JsonThreshold => typeof v === 'object' && v !== null;

/** The fields shown for every probe; `build.version` is the common nested form. */
const PICKED_FIELDS = ['status', 'version', 'app_version', 'build.version'] as const;

const FIELD_CHARS = 120;

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A top-level key, or failing that a dotted path into nested objects. */
function lookup(body: unknown, key: string): unknown {
  if (!isObject(body)) return undefined;
  if (Object.hasOwn(body, key)) return body[key];
  let at: unknown = body;
  for (const part of key.split('.')) {
    if (!isObject(at) || !Object.hasOwn(at, part)) return undefined;
    at = at[part];
  }
  return at;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isScalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The picked fields (and any the config expects) that hold a plain value, sanitised and bounded. */
export function pickFields(body: unknown, expected: JsonExpectation = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of new Set<string>([...PICKED_FIELDS, ...Object.keys(expected)])) {
    const v = lookup(body, key);
    if (isScalar(v)) out[key] = oneLine(String(v), FIELD_CHARS);
  }
  return out;
}

/** A value as the engineer would write it in the config. */
function shown(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return oneLine(JSON.stringify(v), FIELD_CHARS);
  if (isScalar(v) || v === null) return String(v);
  return Array.isArray(v) ? 'a list' : 'an object';
}

export function statusProblem(status: number, expected: number | undefined, location: string | null, hops = 0): string | undefined {
  const ok = expected === undefined ? status >= 200 && status < 300 : status === expected;
  if (ok) return undefined;
  const redirect = status >= 300 && status < 400 && location;
  const where = !redirect ? '' : hops > 0 ? ` (still redirecting after ${hops} redirects, to ${oneLine(location, 200)})` : ` (redirects to ${oneLine(location, 200)}; probe that URL instead, or set followRedirects: true)`;
  return `status ${status}, expected ${expected ?? '2xx'}${where}`;
}

interface BodyFacts {
  overCap: boolean;
  cap: number;
  contentType: string | null;
}

/** Problems with the JSON fields; none when the config expects none. */
export function jsonProblems(body: unknown, facts: BodyFacts, expected: JsonExpectation | undefined): string[] {
  const keys = Object.keys(expected ?? {});
  if (!expected || keys.length === 0) return [];
  if (facts.overCap) return [`body is over ${formatBytes(facts.cap)}, so JSON ${keys.join(', ')} cannot be checked`];
  if (body === undefined) {
    const type = facts.contentType ? ` (${oneLine(facts.contentType.split(';')[0] ?? '', 60)})` : '';
    return [`body is not JSON${type}, so JSON ${keys.join(', ')} cannot be checked`];
  }
  const problems: string[] = [];
  for (const key of keys) {
    const want = expected[key]!;
    const got = lookup(body, key);
    if (isThreshold(want)) {
      if (typeof got !== 'number' || !Number.isFinite(got)) problems.push(`json ${oneLine(key, 60)} is ${shown(got)}, expected a number`);
    } else if (got !== want) problems.push(`json ${oneLine(key, 60)} is ${shown(got)}, expected ${shown(want)}`);
  }
  return problems;
}

/** The numeric fields the config grades, with their thresholds; a field that is not a number is a problem above, not a measure. */
export function measuresOf(body: unknown, expected: JsonExpectation | undefined): ProbeMeasure[] {
  const out: ProbeMeasure[] = [];
  for (const [field, want] of Object.entries(expected ?? {})) {
    if (!isThreshold(want)) continue;
    const value = lookup(body, field);
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    out.push({ field, value, warn: want.warn, crit: want.crit, ...(want.below ? { below: true } : {}) });
  }
  return out;
}
