/**
 * The few reads that need a value from the same round trip (the id at the
 * head of a list, then that job's hash) run as small read-only Lua scripts,
 * so a refresh stays ONE pipelined round trip. They are registered with
 * ioredis' defineCommand: EVAL the first time on a connection, EVALSHA after.
 */
import type { ChainableCommander, Redis } from 'ioredis';

interface ScriptDef {
  name: string;
  lua: string;
}

/**
 * The oldest waiting job: the id at the head of a list (or the first of a
 * zset), then fields of its hash. KEYS[1] container; ARGV[1] list | bull-list
 * | zset, ARGV[2] list index of the head, ARGV[3] job key prefix, ARGV[4..] fields.
 * Returns {id, field...} or nil.
 */
export const HEAD: ScriptDef = {
  name: 'opsdeckHead',
  lua: `
local id
if ARGV[1] == 'zset' then
  id = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
else
  local i = tonumber(ARGV[2])
  id = redis.call('LINDEX', KEYS[1], i)
  -- BullMQ before v5 parked a "0:<delay>" marker in wait; it is not a job
  if id and ARGV[1] == 'bull-list' and string.sub(id, 1, 2) == '0:' then
    id = redis.call('LINDEX', KEYS[1], i < 0 and i - 1 or i + 1)
  end
end
if not id then return nil end
local out = redis.call('HMGET', ARGV[3] .. id, unpack(ARGV, 4))
table.insert(out, 1, id)
return out`,
};

/**
 * Sidekiq keeps retry, dead and schedule as sets shared by every queue, and
 * in-flight work in each process's <identity>:work hash (<identity>:workers
 * before Sidekiq 7): count them per queue
 * in one pass. KEYS: retry, dead, schedule, processes. ARGV[1] namespace,
 * ARGV[2] how many members of a set to decode at most (a larger set is
 * sampled from its newest end and scaled), ARGV[3..] queue names.
 * Returns {retry[], dead[], schedule[], busy[]}, each indexed like the names.
 */
export const SIDEKIQ_SUMMARY: ScriptDef = {
  name: 'opsdeckSidekiq',
  lua: `
local ns, cap = ARGV[1], tonumber(ARGV[2])
local index, n = {}, #ARGV - 2
for i = 3, #ARGV do index[ARGV[i]] = i - 2 end
local function zeros() local t = {} for i = 1, n do t[i] = 0 end return t end
local function tally(counts, json)
  local ok, doc = pcall(cjson.decode, json)
  if ok and type(doc) == 'table' then
    local i = index[doc['queue']]
    if i then counts[i] = counts[i] + 1 end
  end
end
local function perQueue(key)
  local counts = zeros()
  local total = redis.call('ZCARD', key)
  if total == 0 then return counts end
  local members = redis.call('ZRANGE', key, -cap, -1)
  for _, m in ipairs(members) do tally(counts, m) end
  if #members < total then
    for i = 1, n do counts[i] = math.floor(counts[i] * total / #members + 0.5) end
  end
  return counts
end
local busy = zeros()
for _, identity in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  -- a process that stopped beating has no identity hash any more; its work is stale
  if redis.call('EXISTS', ns .. identity) == 1 then
    -- Sidekiq 7 on names a process's busy threads <identity>:work, Sidekiq 6 <identity>:workers
    local work = redis.call('HVALS', ns .. identity .. ':work')
    if #work == 0 then work = redis.call('HVALS', ns .. identity .. ':workers') end
    for _, w in ipairs(work) do tally(busy, w) end
  end
end
return {perQueue(KEYS[1]), perQueue(KEYS[2]), perQueue(KEYS[3]), busy}`,
};

/**
 * A stream used as a queue. With consumer groups: waiting = the largest lag,
 * in flight = the pending entries of every group (what XPENDING counts),
 * departed = the smallest entries-read, oldest = the first entry the slowest
 * group has not been given. Without groups: XLEN and the first entry.
 * Returns {waiting, pending, departed|nil, oldestId|nil, groups}.
 */
export const STREAM: ScriptDef = {
  name: 'opsdeckStream',
  lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, 0, false, false, 0} end
local len = redis.call('XLEN', KEYS[1])
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then
  local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
  return {len, 0, false, first and first[1] or false, 0}
end
local pending, maxLag, minRead, slowest, lagKnown, readKnown = 0, -1, nil, nil, true, true
for _, g in ipairs(groups) do
  local f = {}
  for i = 1, #g, 2 do f[g[i]] = g[i + 1] end
  pending = pending + (tonumber(f['pending']) or 0)
  local lag, read = tonumber(f['lag']), tonumber(f['entries-read'])
  if lag == nil then lagKnown = false elseif lag > maxLag then maxLag, slowest = lag, f['last-delivered-id'] end
  if read == nil then readKnown = false elseif minRead == nil or read < minRead then minRead = read end
end
local waiting = lagKnown and maxLag or len
local oldest = false
if slowest then
  local next = redis.call('XRANGE', KEYS[1], slowest, '+', 'COUNT', 2)
  for _, e in ipairs(next) do if e[1] ~= slowest then oldest = e[1] break end end
end
return {waiting, pending, readKnown and minRead or false, oldest, #groups}`,
};

/** The size of a dead-letter key whatever its type; 0 when absent. KEYS[1]. */
export const ANY_LEN: ScriptDef = {
  name: 'opsdeckAnyLen',
  lua: `
local t = redis.call('TYPE', KEYS[1])['ok']
if t == 'none' then return 0 end
if t == 'list' then return redis.call('LLEN', KEYS[1]) end
if t == 'zset' then return redis.call('ZCARD', KEYS[1]) end
if t == 'set' then return redis.call('SCARD', KEYS[1]) end
if t == 'stream' then return redis.call('XLEN', KEYS[1]) end
if t == 'hash' then return redis.call('HLEN', KEYS[1]) end
return redis.error_reply('WRONGTYPE ' .. KEYS[1] .. ' is a ' .. t .. ', not a list, set, zset, hash or stream')`,
};

const READ_SCRIPTS = [HEAD, SIDEKIQ_SUMMARY, STREAM, ANY_LEN];

/** Registers the read scripts on a client (pipelines made later carry them). */
export function defineReadScripts(client: Redis): void {
  for (const s of READ_SCRIPTS) {
    if (!(s.name in client)) client.defineCommand(s.name, { lua: s.lua });
  }
}

/** Queues a defined script on a pipeline; ioredis adds these methods at run time. */
export function runScript(pipe: ChainableCommander, script: ScriptDef, keys: string[], args: Array<string | number>): void {
  const fn = (pipe as unknown as Record<string, (...a: Array<string | number>) => ChainableCommander>)[script.name];
  if (typeof fn !== 'function') throw new Error(`script ${script.name} is not defined on this client`);
  fn.call(pipe, keys.length, ...keys, ...args);
}
