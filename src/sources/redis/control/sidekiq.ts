/**
 * Sidekiq's "Retry now" (SortedEntry#retry in lib/sidekiq/api.rb) for an
 * entry of the retry or dead set: take the entry out of its set, decrement
 * retry_count when present ("manual retries should not count against the
 * retry limit"), and Client#push it: SADD queues, LPUSH queue:<name> with
 * enqueued_at = now. Sidekiq finds the entry by score and jid; the plan here
 * knows jids, so execute reads the sets for each jid's exact member and a Lua
 * script pushes only if its ZREM removed that very member (a job someone else
 * just retried is skipped, never pushed twice).
 *
 * The payload is rewritten in TypeScript, not in Lua: cjson would print big
 * integers such as millisecond timestamps in exponent form. A payload with an
 * integer beyond 2^53 (which JSON.parse would round) is skipped with a reason.
 *
 * Delete is SortedEntry#delete: ZREM of the entry's exact member. Pausing a
 * queue is a Sidekiq Enterprise feature, so this control has no pause.
 */
import { inflateSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { oneLine } from '../../../text/sanitize.js';
import { sidekiqKeys, sidekiqNamespace } from '../layout.js';
import { epochMs, inSlices, timesOf, values, type ControlContext, type FlavorControl, type JobPlace, type RawJob } from './types.js';

const PUSH_BACK = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('LPUSH', KEYS[3], ARGV[2])
return 1`;

interface Entry {
  set: string;
  member: string;
  job: Record<string, unknown>;
}

const PAGE = 1000;
const UNSAFE_INT = /[:[,]\s*-?\d{16,}\s*[,}\]]/;

/** Every entry of the queue in the dead set (oldest death first), then in the retry set (next retry first). */
async function entries(ctx: ControlContext): Promise<Entry[]> {
  const k = sidekiqKeys(sidekiqNamespace(ctx.q));
  const out: Entry[] = [];
  for (const set of [k.dead, k.retry]) {
    for (let offset = 0; ; offset += PAGE) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const members = await ctx.client.zrange(set, offset, offset + PAGE - 1);
      for (const member of members) {
        try {
          const job = JSON.parse(member) as Record<string, unknown>;
          if (job.queue === ctx.q.name && typeof job.jid === 'string') out.push({ set, member, job });
        } catch {
          // not a job Sidekiq could load either
        }
      }
      if (members.length < PAGE) break;
    }
  }
  return out;
}

/** The payload Client#push would write for a retried entry. */
export function retriedPayload(job: Record<string, unknown>, now: number): string {
  const msg = { ...job };
  if (typeof msg.retry_count === 'number') msg.retry_count -= 1;
  // keep the job's own time format: ms since Sidekiq 8, float seconds before
  const created = msg.created_at;
  msg.enqueued_at = typeof created === 'number' && created < 1e11 ? now / 1000 : now;
  return JSON.stringify(msg);
}

function definePushBack(client: Redis): void {
  if (!('opsdeckSidekiqRetry' in client)) client.defineCommand('opsdeckSidekiqRetry', { numberOfKeys: 3, lua: PUSH_BACK });
}

/** error_backtrace: an array, or (Sidekiq 6 on) base64 of the zlib-deflated JSON array. */
function backtrace(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join('\n');
  if (typeof v !== 'string' || v === '') return '';
  try {
    const lines = JSON.parse(inflateSync(Buffer.from(v, 'base64')).toString('utf8')) as unknown;
    return Array.isArray(lines) ? lines.map(String).join('\n') : '';
  } catch {
    return v;
  }
}

function rawJob(e: Entry): RawJob {
  const j = e.job;
  const failed = epochMs(j.failed_at);
  const retried = epochMs(j.retried_at);
  const count = typeof j.retry_count === 'number' ? j.retry_count : null;
  return {
    id: j.jid as string,
    name: String(j.wrapped ?? j.class ?? '?'),
    set: e.set.endsWith('dead') ? 'dead' : 'retry',
    // the latest failure: retried_at once a retry failed, else the first
    failedAt: retried ?? failed,
    // retry_count is the retries made; the first run is one attempt more
    attempts: count === null ? (failed === null ? null : 1) : count + 1,
    maxAttempts: typeof j.retry === 'number' ? j.retry + 1 : j.retry === false ? 1 : null,
    reason: `${String(j.error_class ?? '')}${j.error_class && j.error_message ? ': ' : ''}${String(j.error_message ?? '')}`,
    stack: backtrace(j.error_backtrace),
    payload: JSON.stringify(j.args ?? null),
    payloadKind: 'args',
    times: timesOf([['created', epochMs(j.created_at)], ['enqueued', epochMs(j.enqueued_at)], ['failed', failed], ['retried', retried]]),
  };
}

export const sidekiqControl: FlavorControl = {
  async jobs(ctx, limit) {
    const all = (await entries(ctx)).map(rawJob);
    all.sort((a, b) => (b.failedAt ?? 0) - (a.failedAt ?? 0));
    return { total: all.length, jobs: all.slice(0, limit) };
  },

  async job(ctx, id) {
    const e = (await entries(ctx)).find((x) => x.job.jid === id);
    return e ? rawJob(e) : undefined;
  },

  async remove(ctx, ids) {
    const byJid = new Map((await entries(ctx)).map((e) => [e.job.jid as string, e]));
    const removed: string[] = [];
    const skipped: Array<{ id: string; reason: string }> = [];
    await inSlices(ids, 200, ctx.signal, async (slice) => {
      const found = slice.filter((id) => byJid.has(id));
      for (const id of slice) if (!byJid.has(id)) skipped.push({ id, reason: 'not in the retry or dead set any more' });
      if (found.length === 0) return [];
      const pipe = ctx.client.pipeline();
      for (const id of found) pipe.zrem(byJid.get(id)!.set, byJid.get(id)!.member);
      const v = values(await pipe.exec());
      found.forEach((id, i) => (v[i] === 1 ? removed.push(id) : skipped.push({ id, reason: 'taken out of its set by someone else meanwhile' })));
      return [];
    });
    return { removed, skipped };
  },

  async deadJobs(ctx, limit, detail) {
    const all = await entries(ctx);
    const ids = all.slice(0, limit).map((e) => e.job.jid as string);
    const shown = all.slice(0, Math.min(limit, detail)).map((e) => ({
      id: e.job.jid as string,
      label: oneLine(`${String(e.job.class ?? '?')} (${e.set.endsWith('dead') ? 'dead' : `retry ${String(e.job.retry_count ?? 0)}`}): ${String(e.job.error_class ?? '')} ${String(e.job.error_message ?? '')}`, 100),
    }));
    return { total: all.length, ids, shown };
  },

  async stillDead(ctx, ids) {
    const present = new Set((await entries(ctx)).map((e) => e.job.jid as string));
    return ids.filter((id) => present.has(id));
  },

  async requeue(ctx, ids) {
    definePushBack(ctx.client);
    const k = sidekiqKeys(sidekiqNamespace(ctx.q));
    const byJid = new Map((await entries(ctx)).map((e) => [e.job.jid as string, e]));
    const moved: string[] = [];
    const skipped: Array<{ id: string; reason: string }> = [];
    await inSlices(ids, 200, ctx.signal, async (slice) => {
      const pipe = ctx.client.pipeline();
      const sent: string[] = [];
      for (const id of slice) {
        const e = byJid.get(id);
        if (!e) skipped.push({ id, reason: 'not in the retry or dead set any more' });
        else if (UNSAFE_INT.test(e.member)) skipped.push({ id, reason: 'its payload holds an integer too large to rewrite safely; retry it from the Sidekiq UI' });
        else {
          (pipe as unknown as Record<string, (...a: unknown[]) => void>).opsdeckSidekiqRetry!(e.set, k.queues, k.queue(ctx.q.name), e.member, retriedPayload(e.job, ctx.now()), ctx.q.name);
          sent.push(id);
        }
      }
      if (sent.length === 0) return [];
      const v = values(await pipe.exec());
      sent.forEach((id, i) => (v[i] === 1 ? moved.push(id) : skipped.push({ id, reason: 'taken out of its set by someone else meanwhile' })));
      return [];
    });
    return { moved, skipped };
  },

  async places(ctx, ids) {
    const k = sidekiqKeys(sidekiqNamespace(ctx.q));
    const want = new Set(ids);
    const out: Record<string, JobPlace> = {};
    for (const e of await entries(ctx)) if (want.has(e.job.jid as string)) out[e.job.jid as string] = 'failed';
    const jidIn = (json: string): string | undefined => {
      try {
        return (JSON.parse(json) as { jid?: string }).jid;
      } catch {
        return undefined;
      }
    };
    // in-flight work of live processes
    for (const identity of await ctx.client.smembers(k.processes)) {
      for (const w of await ctx.client.hvals(`${sidekiqNamespace(ctx.q)}${identity}:work`)) {
        try {
          const work = JSON.parse(w) as { payload?: unknown };
          const jid = typeof work.payload === 'string' ? jidIn(work.payload) : (work.payload as { jid?: string } | undefined)?.jid;
          if (jid && want.has(jid) && !out[jid]) out[jid] = 'active';
        } catch {
          // unreadable work entry
        }
      }
    }
    const scan = async (place: JobPlace, read: (from: number, to: number) => Promise<string[]>) => {
      for (let from = 0; ; from += PAGE) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const page = await read(from, from + PAGE - 1);
        for (const m of page) {
          const jid = jidIn(m);
          if (jid && want.has(jid) && !out[jid]) out[jid] = place;
        }
        if (page.length < PAGE) break;
      }
    };
    await scan('waiting', (a, b) => ctx.client.lrange(k.queue(ctx.q.name), a, b));
    await scan('delayed', (a, b) => ctx.client.zrange(k.schedule, a, b));
    // Sidekiq keeps nothing of a finished job: no trace means it ran
    for (const id of ids) out[id] ??= 'done';
    return out;
  },
};
