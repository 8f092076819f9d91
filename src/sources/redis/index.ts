/**
 * The QueueSource over real Redis: every configured Redis of an environment,
 * one client each, and per refresh ONE pipelined round trip per Redis that
 * carries PING, INFO and every command of every configured queue. A Redis
 * that fails shows as RedisHealth.ok = false with one line and no queues;
 * the client reconnects on its own and the next refresh after Redis returns
 * shows it again. A queue whose keys do not fit its flavour (WRONGTYPE) is
 * left out and named in that Redis's `error`, while the Redis stays ok.
 */
import { performance } from 'node:perf_hooks';
import type { EnvironmentConfig } from '../../config/schema.js';
import type { QueueFlavor, QueueStats, QueuesSnapshot, RedisHealth } from '../../model/queues.js';
import type { QueueSource } from '../ports.js';
import { errorMessage, oneLine } from '../../text/sanitize.js';
import { abortable, checkRedisUrl, RedisLink, type LinkOptions } from './connection.js';
import { DrainHistory, type DrainOptions } from './drain.js';
import { EvictionCounter, healthFromInfo, parseInfo, unhealthy } from './info.js';
import type { QueueConfig } from './layout.js';
import type { Figures, ReadQueues, Reply } from './replies.js';
import { defineReadScripts } from './scripts.js';
import { readBullmq } from './read/bullmq.js';
import { readRq } from './read/rq.js';
import { makeReadSidekiq } from './read/sidekiq.js';
import { readPlain } from './read/plain.js';

export type RedisConfig = EnvironmentConfig['redis'][number];

export interface RedisQueueSourceOptions extends LinkOptions, DrainOptions {
  /** the clock for ages and drain history; default Date.now */
  now?: () => number;
  /** Sidekiq retry/dead/schedule sets larger than this are sampled per queue; default 20 000 */
  sidekiqScanCap?: number;
}

interface Entry {
  cfg: RedisConfig;
  link: RedisLink | null;
  urlError?: string;
}

/** Which reader reads which flavour; plain flavours share one. */
function readerKey(f: QueueFlavor): 'bullmq' | 'rq' | 'sidekiq' | 'plain' {
  return f === 'bullmq' || f === 'rq' || f === 'sidekiq' ? f : 'plain';
}

function queueKey(redis: string, q: QueueConfig): string {
  return [redis, q.flavor, q.name, q.prefix ?? '', q.key ?? ''].join('\u0000');
}

export class RedisQueueSource implements QueueSource {
  private readonly entries: Entry[];
  private readonly drain: DrainHistory;
  private readonly evictions = new EvictionCounter();
  private readonly now: () => number;
  private readonly readers: Record<ReturnType<typeof readerKey>, ReadQueues>;

  constructor(configs: readonly RedisConfig[], opts: RedisQueueSourceOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.drain = new DrainHistory(opts);
    this.readers = { bullmq: readBullmq, rq: readRq, sidekiq: makeReadSidekiq(opts.sidekiqScanCap), plain: readPlain };
    this.entries = configs.map((cfg) => {
      const urlError = checkRedisUrl(cfg.url);
      if (urlError) return { cfg, link: null, urlError: `Redis ${cfg.name}: ${urlError}` };
      const link = new RedisLink(cfg.name, cfg.url, opts);
      defineReadScripts(link.client);
      return { cfg, link };
    });
  }

  /** The client of a configured Redis (tests look at it; nothing else should). */
  linkOf(name: string): RedisLink | undefined {
    return this.entries.find((e) => e.cfg.name === name)?.link ?? undefined;
  }

  async read(signal: AbortSignal): Promise<QueuesSnapshot> {
    const results = await Promise.all(this.entries.map((e) => this.readOne(e, signal)));
    return { redis: results.map((r) => r.health), queues: results.flatMap((r) => r.queues) };
  }

  async close(): Promise<void> {
    await Promise.all(this.entries.map((e) => e.link?.close()));
  }

  private async readOne(entry: Entry, signal: AbortSignal): Promise<{ health: RedisHealth; queues: QueueStats[] }> {
    const { cfg, link } = entry;
    if (!link) return { health: unhealthy(cfg.name, entry.urlError ?? 'no url'), queues: [] };
    let client;
    try {
      client = await link.ready(signal);
    } catch (err) {
      if (signal.aborted) throw err;
      return { health: unhealthy(cfg.name, errorMessage(err)), queues: [] };
    }

    const pipe = client.pipeline();
    const now = this.now();
    let pongAt: number | null = null;
    pipe.ping((err) => {
      if (!err) pongAt = performance.now();
    });
    pipe.info('memory').info('clients').info('stats');
    const groups = new Map<string, QueueConfig[]>();
    for (const q of cfg.queues) groups.set(readerKey(q.flavor), [...(groups.get(readerKey(q.flavor)) ?? []), q]);
    const parsers = [...groups].map(([kind, qs]) => {
      const from = pipe.length;
      const parse = this.readers[kind as ReturnType<typeof readerKey>](pipe, qs, now);
      return { qs, from, to: pipe.length, parse };
    });

    const sentAt = performance.now();
    let replies: Reply[] | null;
    try {
      replies = (await abortable(pipe.exec(), signal)) as Reply[] | null;
    } catch (err) {
      if (signal.aborted) throw err;
      return { health: unhealthy(cfg.name, link.explain(err)), queues: [] };
    }
    const ping = replies?.[0];
    if (!replies || !ping || ping[0]) return { health: unhealthy(cfg.name, link.explain(ping?.[0] ?? new Error('no reply'))), queues: [] };

    const health = this.evictions.note(healthFromInfo(cfg.name, pongAt === null ? null : Math.round((pongAt - sentAt) * 100) / 100, parseInfo(replies[1]!, replies[2]!, replies[3]!)));
    const byQueue = new Map<QueueConfig, Figures | Error>();
    for (const p of parsers) {
      const figures = p.parse(replies.slice(p.from, p.to));
      p.qs.forEach((q, i) => byQueue.set(q, figures[i] ?? new Error('not read')));
    }

    const t = this.now();
    const queues: QueueStats[] = [];
    const problems: string[] = [];
    for (const q of cfg.queues) {
      const f = byQueue.get(q);
      if (!f || f instanceof Error) {
        problems.push(`queue ${q.name} (${q.flavor}): ${f ? link.explain(f) : 'not read'}`);
        continue;
      }
      const drain = this.drain.record(queueKey(cfg.name, q), {
        t,
        waiting: f.waiting,
        queued: f.queued,
        ...(f.arrived !== undefined ? { arrived: f.arrived } : {}),
        ...(f.departed !== undefined ? { departed: f.departed } : {}),
      });
      queues.push({
        redis: cfg.name,
        name: q.name,
        flavor: q.flavor,
        waiting: f.waiting,
        active: f.active,
        delayed: f.delayed,
        failed: f.failed,
        ...(f.completed !== undefined ? { completed: f.completed } : {}),
        ...(f.paused !== undefined ? { paused: f.paused } : {}),
        ...(f.states ? { states: f.states } : {}),
        oldestWaitingAgeMs: f.oldestSince === null ? null : Math.max(0, t - f.oldestSince),
        ...drain,
      });
    }
    if (problems.length) health.error = oneLine(problems[0]! + (problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''));
    return { health, queues };
  }
}

export function createRedisQueueSource(configs: readonly RedisConfig[], opts?: RedisQueueSourceOptions): RedisQueueSource {
  return new RedisQueueSource(configs, opts);
}
