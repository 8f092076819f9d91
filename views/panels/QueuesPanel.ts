/** Redis and its job queues: is work flowing, and is anything dead? */
import type { QueueStats, QueuesSnapshot, RedisHealth } from '../../src/model/queues.js';
import type { Verdicts } from '../../src/model/verdicts.js';
import { queueRef, redisRef } from '../../src/model/subjects.js';
import type { Level } from '../theme.js';
import { GLYPH, markOf, problemTone } from '../theme.js';
import type { Column, Line } from '../text.js';
import { highlight, layoutColumns, lineWidth, matchesFilter, seg, tableHeader, tableRow, windowStart } from '../text.js';
import { age, bytes, count, duration, percent } from '../format.js';
import type { PanelView } from './types.js';

/** The checks' verdict on a queue (dead letters, the oldest job's wait); undefined before they ran. */
function queueLevel(q: QueueStats, verdicts: Verdicts): Level | undefined {
  return verdicts.of(queueRef(q));
}

export function filterQueues(data: QueuesSnapshot, filter: string): QueueStats[] {
  return data.queues.filter((q) => matchesFilter(filter, q.name, q.flavor, q.redis));
}

function redisLine(r: RedisHealth, verdicts: Verdicts): Line {
  const mark = markOf(verdicts.of(redisRef(r)));
  if (!r.ok) return [seg(`${mark.text} redis ${r.name} `, mark.tone, { bold: true }), seg(r.error ?? 'unreachable', mark.tone)];
  // the checks judge memory against maxmemory and evictions; the mark above carries their verdict
  const memPct = r.usedMemoryBytes !== null && r.maxMemoryBytes ? (100 * r.usedMemoryBytes) / r.maxMemoryBytes : null;
  const line: Line = [
    seg(`${mark.text} `, mark.tone),
    seg(`redis ${r.name}`),
    seg('  ping ', 'muted'),
    seg(duration(r.pingMs)),
    seg('  mem ', 'muted'),
    seg(r.maxMemoryBytes ? `${bytes(r.usedMemoryBytes)}/${bytes(r.maxMemoryBytes)}` : `${bytes(r.usedMemoryBytes)} (no maxmemory set)`),
  ];
  if (memPct !== null) line.push(seg(` ${percent(memPct)}`, 'muted'));
  line.push(seg('  clients ', 'muted'), seg(count(r.clients)));
  line.push(seg('  evicted ', 'muted'), seg(count(r.evictedKeys)));
  return line;
}

/** Redis answered, but something in it could not be read (a WRONGTYPE queue key): one line under it. */
function redisProblemLine(r: RedisHealth): Line | undefined {
  return r.ok && r.error ? [seg(`  ${GLYPH.warn} `, 'warn'), seg(r.error, 'warn')] : undefined;
}

/**
 * Every state the queue's library counts, by the library's own names
 * ("waiting 3 · prioritized 1 · …"), in rows of at most `width` columns
 * that break between states.
 */
function statesLines(q: QueueStats, width: number): Line[] {
  if (!q.states) return [];
  const rows: Line[] = [[seg(`  ${q.name}${q.paused ? ' paused' : ''}:`, 'muted')]];
  let used = lineWidth(rows[0]!);
  for (const [state, n] of Object.entries(q.states)) {
    const item = [seg(` ${state} `, 'muted'), seg(count(n))];
    const w = lineWidth(item) + 2;
    if (used + w > width && used > 4) {
      rows.push([seg('   ')]);
      used = 3;
    }
    const row = rows[rows.length - 1]!;
    if (row.length > 1) row.push(seg(' ·', 'muted'));
    row.push(...item);
    used += w;
  }
  return rows;
}

const COLUMNS: Column[] = [
  { header: ' ', key: 'mark', width: 1 },
  { header: 'queue', width: 10, flex: true, max: 30 },
  { header: 'flavor', width: 7, drop: 1 },
  { header: 'waiting', width: 7, align: 'right' },
  { header: 'active', width: 6, align: 'right' },
  { header: 'delayed', width: 7, align: 'right', drop: 2 },
  { header: 'failed', width: 6, align: 'right' },
  { header: 'oldest', width: 6, align: 'right' },
  { header: 'drain/m', key: 'drain', width: 7, align: 'right', drop: 3 },
  { header: 'eta', width: 5, align: 'right', drop: 4 },
];

/**
 * The data layer's time to empty, said so that "empty" and "never drains" do
 * not share a dash: 0 is empty; no eta with a known drain rate means the
 * queue is not going down at it; no drain rate yet means not known.
 */
export function etaText(q: Pick<QueueStats, 'etaToEmptyMs' | 'drainPerMinute'>): string {
  if (q.etaToEmptyMs === 0) return 'empty';
  if (q.etaToEmptyMs !== null) return age(q.etaToEmptyMs);
  return q.drainPerMinute === null ? '?' : 'never';
}

export const queuesPanel: PanelView<'queues'> = {
  id: 'queues',
  count: (data, filter) => filterQueues(data, filter).length,
  summary(data, _now, verdicts) {
    const line: Line = [];
    for (const r of data.redis) {
      const tone = problemTone(verdicts.of(redisRef(r)));
      if (!r.ok) line.push(seg(`redis ${r.name} down${tone ? ` ${markOf(verdicts.of(redisRef(r))).text}` : ''} `, tone));
      else line.push(seg(`redis ${duration(r.pingMs)}${r.error ? ` ${GLYPH.warn}` : ''} `, r.error ? 'warn' : 'muted'));
    }
    for (const q of data.queues) {
      const level = queueLevel(q, verdicts);
      const tone = problemTone(level);
      line.push(seg(` ${q.name}${q.paused ? ' paused' : ''} ${count(q.waiting)}`, tone));
      if (tone) line.push(seg(` ${markOf(level).text}`, tone));
    }
    return line;
  },
  body(data, ctx) {
    const out: Line[] = data.redis.flatMap((r) => [redisLine(r, ctx.verdicts), ...(redisProblemLine(r) ? [redisProblemLine(r)!] : [])]).slice(0, Math.max(1, ctx.height - 2));
    if (data.redis.length === 0) out.push([seg('no redis configured', 'muted')]);
    const queues = filterQueues(data, ctx.filter);
    const cols = layoutColumns(COLUMNS, ctx.width);
    const selected = Math.min(ctx.selected, Math.max(0, queues.length - 1));
    // the selected queue's library states take the last lines as long as a row keeps its place
    const detail = queues[selected] ? statesLines(queues[selected], ctx.width).slice(0, Math.max(0, ctx.height - out.length - 2)) : [];
    const room = ctx.height - out.length - 1 - detail.length;
    if (room <= 0) return out.slice(0, ctx.height);
    out.push(tableHeader(cols));
    if (queues.length === 0) {
      out.push([seg(ctx.filter ? `no queue matches /${ctx.filter}` : 'no queues', 'muted')]);
      return out.slice(0, ctx.height);
    }
    const start = windowStart(queues.length, selected, room);
    queues.slice(start, start + room).forEach((q, i) => {
      const ref = queueRef(q);
      const row = tableRow(cols, {
        mark: markOf(queueLevel(q, ctx.verdicts)),
        queue: `${data.redis.length > 1 ? `${q.redis}/${q.name}` : q.name}${q.paused ? ' (paused)' : ''}`,
        flavor: q.flavor,
        waiting: { text: count(q.waiting), tone: problemTone(ctx.verdicts.of(ref, ['queues.oldest-job'])) },
        active: count(q.active),
        delayed: count(q.delayed),
        failed: { text: count(q.failed), tone: problemTone(ctx.verdicts.of(ref, ['queues.dead-letter'])) },
        oldest: { text: age(q.oldestWaitingAgeMs), tone: problemTone(ctx.verdicts.of(ref, ['queues.oldest-job'])) },
        drain: q.drainPerMinute === null ? '-' : count(q.drainPerMinute),
        eta: etaText(q),
      });
      out.push(ctx.focused && start + i === selected ? highlight(row) : row);
    });
    out.push(...detail);
    return out.slice(0, ctx.height);
  },
};
