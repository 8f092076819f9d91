/**
 * The metrics source: every configured endpoint scraped at once, parsed,
 * and turned into rows by its rules. One endpoint failing makes its rows
 * unknown, not the panel's. A one-shot read (`opsdeck check`) whose rules
 * need a rate scrapes twice, `checkGap` apart, and says so: a rate cannot
 * come out of one scrape.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { windowMs, type MetricsConfig } from '../../config/metricsSchema.js';
import type { MetricEndpoint, MetricRow, MetricsSnapshot } from '../../model/metrics.js';
import type { MetricsSource } from '../ports.js';
import { errorMessage, oneLine } from '../../text/sanitize.js';
import { parseExposition, type Sample } from './parse.js';
import { needsRate, SeriesHistory } from './rules.js';
import { httpScrape, type Scrape } from './scrape.js';
import { formatDuration } from '../http/format.js';

export const DEFAULT_CHECK_GAP = '5s';

interface MetricsSourceOptions {
  scrape?: Scrape;
  /** a one-shot read: scrape twice when a rule needs a rate */
  oneShot?: boolean;
  now?: () => number;
  /** waits between the two scrapes of a one-shot read */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** an earlier scrape to start from, before the first read (the sandbox, which can say what its counters were) */
  prime?: (cfg: MetricsConfig, now: number) => { text: string; at: number };
}

interface MetricsSourceHandle extends MetricsSource {
  close(): Promise<void>;
}

/** The URL to show: no credentials, whatever the config wrote. */
function shownUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

export function createMetricsSource(configs: readonly MetricsConfig[], opts: MetricsSourceOptions = {}): MetricsSourceHandle {
  const scrape = opts.scrape ?? httpScrape();
  const now = opts.now ?? Date.now;
  const wait = opts.wait ?? ((ms, signal) => sleep(ms, undefined, { signal }));
  const life = new AbortController();
  const histories = new Map(configs.map((c) => [c.name, new SeriesHistory()]));

  async function once(cfg: MetricsConfig, signal: AbortSignal): Promise<{ endpoint: MetricEndpoint; samples?: Sample[] }> {
    const endpoint: MetricEndpoint = { name: cfg.name, url: shownUrl(cfg.url) };
    try {
      const text = await scrape(cfg, signal);
      const at = now();
      const parsed = parseExposition(text);
      histories.get(cfg.name)!.add(cfg.rules, parsed.samples, at);
      const skipped = parsed.errors.length ? { error: oneLine(`${parsed.errors.length} line${parsed.errors.length === 1 ? '' : 's'} did not parse, first ${parsed.errors[0]}`, 200) } : {};
      return { endpoint: { ...endpoint, scrapedAt: at, samples: parsed.samples.length, ...skipped }, samples: parsed.samples };
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      return { endpoint: { ...endpoint, error: errorMessage(err) } };
    }
  }

  async function read(cfg: MetricsConfig, signal: AbortSignal, first: boolean): Promise<{ endpoint: MetricEndpoint; rows: MetricRow[]; note?: string }> {
    let got = await once(cfg, signal);
    let note: string | undefined;
    if (opts.oneShot && !opts.prime && first && got.samples && cfg.rules.some(needsRate)) {
      const gap = windowMs(cfg.checkGap ?? DEFAULT_CHECK_GAP);
      await wait(gap, signal);
      got = await once(cfg, signal);
      note = `metrics ${cfg.name}: scraped twice, ${formatDuration(gap)} apart, for the rates`;
    }
    const rows = histories.get(cfg.name)!.rows(cfg, got.samples, now(), got.endpoint.error);
    return { endpoint: got.endpoint, rows, ...(note ? { note } : {}) };
  }

  let reads = 0;
  return {
    async read(signal: AbortSignal): Promise<MetricsSnapshot> {
      if (life.signal.aborted) throw new Error('the metrics source is closed');
      const both = AbortSignal.any([signal, life.signal]);
      const first = reads++ === 0;
      if (first && opts.prime) for (const c of configs) if (c.rules.some(needsRate)) {
        const earlier = opts.prime(c, now());
        histories.get(c.name)!.add(c.rules, parseExposition(earlier.text).samples, earlier.at);
      }
      const all = await Promise.all(configs.map((c) => read(c, both, first)));
      const notes = all.flatMap((a) => (a.note ? [a.note] : []));
      return { endpoints: all.map((a) => a.endpoint), rows: all.flatMap((a) => a.rows), ...(notes.length ? { note: notes.join('; ') } : {}) };
    },
    async close(): Promise<void> {
      life.abort(new Error('the metrics source is closed'));
    },
  };
}
