/**
 * Plain list / zset queues with a dead-letter key (`deadKey`, a list or a
 * zset). Members carry no id of their own, so a job's id is the first 12 hex
 * digits of the SHA-1 of its payload; two identical payloads share an id and
 * the plan lists it twice, once per entry. A requeue removes one entry of the
 * payload from the dead key and, only if that removal happened, puts it back
 * on the queue key in the same script: LPUSH for a list (where producers add,
 * consumers take from the right), ZADD with its dead-letter score for a zset.
 * Delete takes one entry of the payload out of the dead key (LREM 1 / ZREM).
 * A plain entry carries no failure reason or attempts: the browser shows the
 * payload and, for a zset, its score as the failure time.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { oneLine } from '../../../text/sanitize.js';
import { plainKey } from '../layout.js';
import { epochMs, inSlices, values, type ControlContext, type FlavorControl, type JobPlace, type RawJob } from './types.js';

const MOVE_BACK = `
local kind = redis.call('TYPE', KEYS[1])['ok']
local removed, score = 0, ARGV[3]
if kind == 'list' then
  removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
elseif kind == 'zset' then
  score = redis.call('ZSCORE', KEYS[1], ARGV[1]) or score
  removed = redis.call('ZREM', KEYS[1], ARGV[1])
end
if removed == 0 then return 0 end
if ARGV[2] == 'zset' then redis.call('ZADD', KEYS[2], score, ARGV[1]) else redis.call('LPUSH', KEYS[2], ARGV[1]) end
return 1`;

const PAGE = 1000;

export function payloadId(member: string): string {
  return createHash('sha1').update(member).digest('hex').slice(0, 12);
}

function deadKeyOf(ctx: ControlContext): string {
  if (!ctx.q.deadKey) throw new Error(`queue ${ctx.q.name} has no deadKey in the config: there is nothing to requeue from`);
  return ctx.q.deadKey;
}

/** The dead-letter entries in key order (a zset by score). */
async function deadEntries(ctx: ControlContext): Promise<string[]> {
  const key = deadKeyOf(ctx);
  const kind = await ctx.client.type(key);
  if (kind === 'none') return [];
  if (kind !== 'list' && kind !== 'zset') throw new Error(`dead-letter key ${key} is a ${kind}; requeue handles lists and sorted sets`);
  const out: string[] = [];
  for (let from = 0; ; from += PAGE) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const page = kind === 'list' ? await ctx.client.lrange(key, from, from + PAGE - 1) : await ctx.client.zrange(key, from, from + PAGE - 1);
    out.push(...page);
    if (page.length < PAGE) break;
  }
  return out;
}

function defineMove(client: Redis): void {
  if (!('opsdeckMoveBack' in client)) client.defineCommand('opsdeckMoveBack', { numberOfKeys: 2, lua: MOVE_BACK });
}

/** Takes one entry per id, so repeated ids match repeated payloads. */
function takeEach<T>(ids: readonly string[], pool: Map<string, T[]>): Array<{ id: string; item: T | undefined }> {
  return ids.map((id) => ({ id, item: pool.get(id)?.shift() }));
}

function byId(members: string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const member of members) {
    const id = payloadId(member);
    m.set(id, [...(m.get(id) ?? []), member]);
  }
  return m;
}

/** The dead-letter entries with their zset scores (null for a list). */
async function scoredEntries(ctx: ControlContext): Promise<Array<{ member: string; score: number | null }>> {
  const key = deadKeyOf(ctx);
  if ((await ctx.client.type(key)) !== 'zset') return (await deadEntries(ctx)).map((member) => ({ member, score: null }));
  const flat = await ctx.client.zrange(key, 0, -1, 'WITHSCORES');
  const out: Array<{ member: string; score: number | null }> = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i]!, score: Number(flat[i + 1]) });
  return out;
}

function rawEntry(member: string, score: number | null): RawJob {
  const failedAt = epochMs(score);
  return { id: payloadId(member), name: '?', failedAt, attempts: null, maxAttempts: null, reason: '', stack: '', payload: member, payloadKind: 'entry', times: failedAt === null ? [] : [{ label: 'scored', at: failedAt }] };
}

export const plainControl: FlavorControl = {
  async jobs(ctx, limit) {
    const all = await scoredEntries(ctx);
    // key order is oldest first (a zset by score): newest first is from the end
    return { total: all.length, jobs: all.slice(-limit).reverse().map((e) => rawEntry(e.member, e.score)) };
  },

  async job(ctx, id) {
    const e = (await scoredEntries(ctx)).find((x) => payloadId(x.member) === id);
    return e ? rawEntry(e.member, e.score) : undefined;
  },

  async remove(ctx, ids) {
    const dead = deadKeyOf(ctx);
    const kind = await ctx.client.type(dead);
    const planned = takeEach(ids, byId(await deadEntries(ctx)));
    const removed: string[] = [];
    const skipped: Array<{ id: string; reason: string }> = planned.filter((p) => p.item === undefined).map((p) => ({ id: p.id, reason: 'not in the dead-letter key any more' }));
    const found = planned.filter((p) => p.item !== undefined);
    await inSlices(found, 200, ctx.signal, async (slice) => {
      const pipe = ctx.client.pipeline();
      for (const p of slice) {
        if (kind === 'zset') pipe.zrem(dead, p.item!);
        else pipe.lrem(dead, 1, p.item!);
      }
      const v = values(await pipe.exec());
      slice.forEach((p, i) => (v[i] === 1 ? removed.push(p.id) : skipped.push({ id: p.id, reason: 'taken out of the dead-letter key by someone else meanwhile' })));
      return [];
    });
    return { removed, skipped };
  },

  async deadJobs(ctx, limit, detail) {
    const all = await deadEntries(ctx);
    return {
      total: all.length,
      ids: all.slice(0, limit).map(payloadId),
      shown: all.slice(0, Math.min(limit, detail)).map((m) => ({ id: payloadId(m), label: oneLine(m, 100) })),
    };
  },

  async stillDead(ctx, ids) {
    return takeEach(ids, byId(await deadEntries(ctx)))
      .filter((x) => x.item !== undefined)
      .map((x) => x.id);
  },

  async requeue(ctx, ids) {
    defineMove(ctx.client);
    const dead = deadKeyOf(ctx);
    const target = ctx.q.flavor === 'zset' ? 'zset' : 'list';
    const planned = takeEach(ids, byId(await deadEntries(ctx)));
    const moved: string[] = [];
    const skipped: Array<{ id: string; reason: string }> = planned.filter((p) => p.item === undefined).map((p) => ({ id: p.id, reason: 'not in the dead-letter key any more' }));
    const found = planned.filter((p) => p.item !== undefined);
    await inSlices(found, 200, ctx.signal, async (slice) => {
      const pipe = ctx.client.pipeline();
      for (const p of slice) (pipe as unknown as Record<string, (...a: unknown[]) => void>).opsdeckMoveBack!(dead, plainKey(ctx.q), p.item, target, String(ctx.now()));
      const v = values(await pipe.exec());
      slice.forEach((p, i) => (v[i] === 1 ? moved.push(p.id) : skipped.push({ id: p.id, reason: 'taken out of the dead-letter key by someone else meanwhile' })));
      return [];
    });
    return { moved, skipped };
  },

  async places(ctx, ids) {
    const stillDead = byId(await deadEntries(ctx));
    const key = plainKey(ctx.q);
    const queued = new Map<string, number>();
    for (let from = 0; ; from += PAGE) {
      const page = ctx.q.flavor === 'zset' ? await ctx.client.zrange(key, from, from + PAGE - 1) : await ctx.client.lrange(key, from, from + PAGE - 1);
      for (const m of page) queued.set(payloadId(m), (queued.get(payloadId(m)) ?? 0) + 1);
      if (page.length < PAGE) break;
    }
    const out: Record<string, JobPlace> = {};
    for (const id of ids) out[id] = stillDead.get(id)?.length ? 'failed' : queued.get(id) ? 'waiting' : 'done';
    return out;
  },
};
