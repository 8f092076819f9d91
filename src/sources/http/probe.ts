/**
 * One health probe: GET the URL the way `curl /health` would, and judge the
 * answer. A probe never rejects for the endpoint's sake (a refused
 * connection, a timeout, a 503 are all results with problems); it rejects
 * only when the caller aborts, so the watcher can drop the poll.
 *
 * Redirects are not followed: a health URL that redirects (to a login page,
 * to a trailing slash) is a config mistake worth seeing, and following it
 * could turn a login page into a green probe.
 */
import type { EnvironmentConfig } from '../../config/schema.js';
import type { ProbeResult } from '../../model/health.js';
import { readCapped, type CappedBody } from './body.js';
import { transportProblem } from './errors.js';
import { jsonProblems, parseJson, pickFields, statusProblem } from './expect.js';
import { formatDuration } from './format.js';

export type HttpProbeConfig = EnvironmentConfig['http'][number];

interface ProbeOptions {
  /** used when the probe's config has no timeoutMs (default 5000) */
  defaultTimeoutMs: number;
  maxBodyBytes: number;
  now: () => number;
}

export const DEFAULT_TIMEOUT_MS = 5_000;

/** The URL to request and the one to show: credentials in the URL become a Basic header and never reach the screen. */
function target(raw: string): { url: URL; shown: string; headers: Record<string, string> } | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const headers: Record<string, string> = { accept: 'application/json, */*;q=0.5', 'user-agent': 'opsdeck' };
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url, shown: url.toString(), headers };
}

export async function probeOne(cfg: HttpProbeConfig, signal: AbortSignal, opts: ProbeOptions): Promise<ProbeResult> {
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

  const timeoutMs = cfg.timeoutMs ?? opts.defaultTimeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  // The caller's abort ends the poll; our own timeout is a finding about the endpoint.
  const fail = (err: unknown, stage: string) => {
    if (signal.aborted) throw signal.reason;
    return timeout.aborted ? `timed out after ${formatDuration(timeoutMs)}${stage}` : `${transportProblem(err)}${stage}`;
  };

  const started = performance.now();
  let res: Response;
  try {
    res = await fetch(t.url, { signal: both, redirect: 'manual', headers: t.headers });
  } catch (err) {
    return result({ problems: [fail(err, '')] });
  }

  let body: CappedBody;
  try {
    body = await readCapped(res, opts.maxBodyBytes);
  } catch (err) {
    return result({ status: res.status, problems: [fail(err, ' while reading the body')] });
  }
  // like curl's time_total: the answer is not in until its body is
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;

  const json = body.overCap ? undefined : parseJson(body.text);
  const problems: string[] = [];
  const statusLine = statusProblem(res.status, cfg.expect?.status, res.headers.get('location'));
  if (statusLine) problems.push(statusLine);
  problems.push(...jsonProblems(json, { overCap: body.overCap, cap: opts.maxBodyBytes, contentType: res.headers.get('content-type') }, cfg.expect?.json));
  return result({ status: res.status, latencyMs, fields: pickFields(json, cfg.expect?.json), problems });
}
