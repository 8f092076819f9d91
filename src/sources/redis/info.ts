/**
 * The Redis line of the queue panel from INFO memory, clients and stats
 * (three single-section INFO commands: multi-section INFO needs Redis 7).
 * A managed Redis that forbids INFO still answers PING: the figures are then
 * unknown (null), not an error.
 */
import type { RedisHealth } from '../../model/queues.js';
import type { Reply } from './replies.js';

export function parseInfo(...sections: Reply[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [err, text] of sections) {
    if (err || typeof text !== 'string') continue;
    for (const line of text.split(/\r?\n/)) {
      const at = line.indexOf(':');
      if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1).trim());
    }
  }
  return fields;
}

const num = (v: string | undefined): number | null => {
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

export function healthFromInfo(name: string, pingMs: number | null, info: Map<string, string>): RedisHealth {
  const max = num(info.get('maxmemory'));
  return {
    name,
    ok: true,
    pingMs,
    usedMemoryBytes: num(info.get('used_memory')),
    // maxmemory 0 means "no limit": shown as no ceiling rather than 0 bytes
    maxMemoryBytes: max === 0 ? null : max,
    clients: num(info.get('connected_clients')),
    evictedKeys: num(info.get('evicted_keys')),
  };
}

export function unhealthy(name: string, error: string): RedisHealth {
  return { name, ok: false, pingMs: null, usedMemoryBytes: null, maxMemoryBytes: null, clients: null, evictedKeys: null, error };
}

/**
 * evicted_keys is a counter since the server started: what matters is
 * whether it moved between two reads. A counter that went down means a
 * restart, so what it holds now was all evicted since.
 */
export class EvictionCounter {
  private readonly last = new Map<string, number>();

  note(h: RedisHealth): RedisHealth {
    if (h.evictedKeys === null) return h;
    const before = this.last.get(h.name);
    this.last.set(h.name, h.evictedKeys);
    if (before === undefined) return h;
    return { ...h, evictedSincePrevious: h.evictedKeys >= before ? h.evictedKeys - before : h.evictedKeys };
  }
}
