/**
 * The HTTP health source: every configured probe at once, so one slow
 * endpoint costs its own timeout and not everyone's.
 */
import type { HealthSnapshot } from '../../model/health.js';
import type { HealthSource } from '../ports.js';
import { DEFAULT_MAX_BODY_BYTES } from './body.js';
import { cachedCaReader, DEFAULT_TIMEOUT_MS, probeOne, type HttpProbeConfig } from './probe.js';

interface HealthSourceOptions {
  /** for probes without timeoutMs, ms (default 5000) */
  defaultTimeoutMs?: number;
  /** bodies past this are not read (default 64 KiB) */
  maxBodyBytes?: number;
  /** the clock for checkedAt */
  now?: () => number;
  /** the config file's directory, where relative tls.ca paths start (default: the working directory) */
  baseDir?: string;
}

interface HealthSourceHandle extends HealthSource {
  /** aborts probes in flight; later probes reject */
  close(): Promise<void>;
}

export function createHealthSource(configs: readonly HttpProbeConfig[], opts: HealthSourceOptions = {}): HealthSourceHandle {
  const probeOpts = {
    defaultTimeoutMs: opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    now: opts.now ?? Date.now,
    baseDir: opts.baseDir ?? process.cwd(),
  };
  const readCa = cachedCaReader();
  const life = new AbortController();
  return {
    async probe(signal: AbortSignal): Promise<HealthSnapshot> {
      if (life.signal.aborted) throw new Error('the HTTP health source is closed');
      const both = AbortSignal.any([signal, life.signal]);
      return { probes: await Promise.all(configs.map((c) => probeOne(c, both, probeOpts, readCa))) };
    },
    async close(): Promise<void> {
      life.abort(new Error('the HTTP health source is closed'));
    },
  };
}
