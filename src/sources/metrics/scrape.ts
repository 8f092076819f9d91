/**
 * GET a text exposition: the configured headers (secrets: they are never
 * part of an error), a timeout, and a size cap, since an endpoint that
 * streams something else must not hold the process's memory.
 */
import type { MetricsConfig } from '../../config/metricsSchema.js';
import { readCappedResponse } from '../http/body.js';
import { transportProblem } from '../http/errors.js';
import { formatBytes, formatDuration } from '../http/format.js';

export const DEFAULT_SCRAPE_TIMEOUT_MS = 5_000;
export const MAX_EXPOSITION_BYTES = 8 * 1024 * 1024;

/** A scrape that failed for the endpoint's sake, with a line fit to show. */
export class ScrapeError extends Error {}

export type Scrape = (cfg: MetricsConfig, signal: AbortSignal) => Promise<string>;

export function httpScrape(maxBytes = MAX_EXPOSITION_BYTES): Scrape {
  return async (cfg, signal) => {
    const timeoutMs = cfg.timeoutMs ?? DEFAULT_SCRAPE_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const both = AbortSignal.any([signal, timeout]);
    const fail = (err: unknown, stage: string): never => {
      if (signal.aborted) throw signal.reason;
      throw new ScrapeError(timeout.aborted ? `timed out after ${formatDuration(timeoutMs)}${stage}` : `${transportProblem(err)}${stage}`);
    };
    // the exposition formats Prometheus itself asks for, plain text preferred: it is the one parsed here
    const headers = { accept: 'text/plain;version=0.0.4;q=1, */*;q=0.1', 'user-agent': 'opsdeck', ...cfg.headers };
    let res: Response;
    try {
      res = await fetch(cfg.url, { signal: both, redirect: 'manual', headers });
    } catch (err) {
      return fail(err, '');
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      throw new ScrapeError(`HTTP ${res.status}${res.status === 401 || res.status === 403 ? ' (check metrics[].headers)' : res.status >= 300 && res.status < 400 ? ' (a redirect: give the final URL)' : ''}`);
    }
    if (/application\/openmetrics-text|application\/vnd\.google\.protobuf/i.test(res.headers.get('content-type') ?? '')) {
      await res.body?.cancel().catch(() => {});
      throw new ScrapeError(`the endpoint answered ${res.headers.get('content-type')?.split(';')[0]}, not the text format`);
    }
    let body;
    try {
      body = await readCappedResponse(res, maxBytes);
    } catch (err) {
      return fail(err, ' while reading the body');
    }
    if (body.overCap) throw new ScrapeError(`the exposition is larger than ${formatBytes(maxBytes)}`);
    return body.text;
  };
}
