/**
 * One health probe: request the URL the way `curl /health` would (or with
 * the configured method, headers and body), and say what the answer was. A
 * probe never rejects for the endpoint's sake (a refused connection, a
 * timeout, a 503 are all results with problems); it rejects only when the
 * caller aborts, so the watcher can drop the poll.
 *
 * The probe reads; it does not grade numbers or certificate expiry: those go
 * to the checks (measures, tls) with the thresholds the config gave them.
 * Header values and the body are secrets: they are sent, never returned.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { EnvironmentConfig } from '../../config/schema.js';
import type { ProbeResult } from '../../model/health.js';
import { errorMessage, oneLine } from '../../text/sanitize.js';
import { readCapped, type CappedBody } from './body.js';
import { certOf } from './cert.js';
import { transportProblem } from './errors.js';
import { exchange, type Answer, type Outgoing } from './exchange.js';
import { jsonProblems, measuresOf, parseJson, pickFields, statusProblem } from './expect.js';
import { formatDuration } from './format.js';

export type HttpProbeConfig = EnvironmentConfig['http'][number];

export interface ProbeOptions {
  /** used when the probe's config has no timeoutMs (default 5000) */
  defaultTimeoutMs: number;
  maxBodyBytes: number;
  now: () => number;
  /** where tls.ca paths start: the config file's directory */
  baseDir: string;
}

export const DEFAULT_TIMEOUT_MS = 5_000;

/** The URL to request and the one to show: credentials in the URL become a Basic header and never reach the screen. */
function target(raw: string): { url: URL; shown: string; credentials: Record<string, string> } | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const credentials: Record<string, string> = {};
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    credentials.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url, shown: url.toString(), credentials };
}

/** A string body as written; an object as JSON, said so in content-type unless the config set one. */
function bodyOf(cfg: HttpProbeConfig): { body?: Buffer; type?: string } {
  if (cfg.body === undefined) return {};
  if (typeof cfg.body === 'string') return { body: Buffer.from(cfg.body, 'utf8') };
  return { body: Buffer.from(JSON.stringify(cfg.body), 'utf8'), type: 'application/json' };
}

const hasHeader = (headers: Record<string, string> | undefined, name: string) => Object.keys(headers ?? {}).some((k) => k.toLowerCase() === name);

/** The CA file, read once per source; a file that cannot be read is the probe's problem, not a crash. */
export type CaReader = (path: string) => Promise<Buffer>;

export function cachedCaReader(): CaReader {
  const cache = new Map<string, Promise<Buffer>>();
  return (path) => {
    let p = cache.get(path);
    if (!p) {
      p = readFile(path);
      cache.set(path, p);
      // a fixed file is picked up on the next poll
      p.catch(() => cache.delete(path));
    }
    return p;
  };
}

export async function probeOne(cfg: HttpProbeConfig, signal: AbortSignal, opts: ProbeOptions, readCa: CaReader = cachedCaReader()): Promise<ProbeResult> {
  const t = target(cfg.url);
  const result = (fields: Partial<ProbeResult> & { problems: string[] }): ProbeResult => ({
    name: cfg.name,
    url: t?.shown ?? '(invalid URL)',
    status: null,
    latencyMs: null,
    fields: {},
    ...fields,
    ok: fields.problems.length === 0,
    checkedAt: opts.now(),
  });
  if (!t) return result({ problems: ['the URL is not valid (check http[].url in the config)'] });

  let ca: Buffer | undefined;
  if (cfg.tls?.ca) {
    const path = isAbsolute(cfg.tls.ca) ? cfg.tls.ca : resolve(opts.baseDir, cfg.tls.ca);
    try {
      ca = await readCa(path);
    } catch (err) {
      return result({ problems: [`tls.ca ${oneLine(cfg.tls.ca, 120)} cannot be read: ${errorMessage(err)}`] });
    }
  }

  const { body, type } = bodyOf(cfg);
  const out: Outgoing = {
    method: cfg.method ?? 'GET',
    headers: { accept: 'application/json, */*;q=0.5', 'user-agent': 'opsdeck', ...(type && !hasHeader(cfg.headers, 'content-type') ? { 'content-type': type } : {}) },
    credentials: { ...t.credentials, ...cfg.headers },
    ...(body ? { body } : {}),
    ...(ca ? { ca } : {}),
    insecure: cfg.tls?.insecure ?? false,
    followRedirects: cfg.followRedirects ?? false,
  };

  const timeoutMs = cfg.timeoutMs ?? opts.defaultTimeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  // The caller's abort ends the poll; our own timeout is a finding about the endpoint.
  const fail = (err: unknown, stage: string) => {
    if (signal.aborted) throw signal.reason;
    return timeout.aborted ? `timed out after ${formatDuration(timeoutMs)}${stage}` : `${transportProblem(err)}${stage}`;
  };

  const started = performance.now();
  let answer: Answer;
  try {
    answer = await exchange(t.url, out, both);
  } catch (err) {
    return result({ problems: [fail(err, '')] });
  }
  const status = answer.res.statusCode ?? 0;
  const tls = certOf(answer.cert, cfg.tls);
  const seen = { status, ...(tls ? { tls } : {}) };

  let read: CappedBody;
  try {
    read = await readCapped(answer.res, opts.maxBodyBytes);
  } catch (err) {
    return result({ ...seen, problems: [fail(err, ' while reading the body')] });
  }
  // like curl's time_total: the answer is not in until its body is
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;

  const expected = cfg.expect?.json;
  const json = read.overCap ? undefined : parseJson(read.text);
  const problems: string[] = [];
  const location = answer.res.headers.location ?? null;
  const statusLine = statusProblem(status, cfg.expect?.status, location, answer.hops);
  if (statusLine) problems.push(statusLine);
  problems.push(...jsonProblems(json, { overCap: read.overCap, cap: opts.maxBodyBytes, contentType: answer.res.headers['content-type'] ?? null }, expected));
  const measures = measuresOf(json, expected);
  return result({ ...seen, latencyMs, fields: pickFields(json, expected), problems, ...(measures.length > 0 ? { measures } : {}) });
}
