import { createHash } from 'node:crypto';
import { UNKNOWN_ID_MEMORY_MS } from './memory-ledger.js';

/**
 * The Lua scripts behind every multi-step Redis operation. Redis runs a script alone, so each
 * read-check-write below is atomic across all gateway instances. Every key a script touches is
 * passed in KEYS (never built inside), and all of one logical key's Redis keys share a hash tag,
 * so the scripts also run on Redis Cluster.
 *
 * Time: the last ARGV is either an epoch-ms clock reading injected by tests or '' to read Redis's
 * own TIME, so instances with skewed clocks still agree on windows and deadlines.
 *
 * Numbers: amounts travel as decimal strings, and numbers computed in Lua go back to Redis through
 * string.format('%d') because Lua's own number-to-string may use exponent form, which INCRBY-style
 * commands refuse. Arithmetic on doubles is exact below 2^53 micros (about 9e9 USD).
 */
export interface RedisScript {
  readonly lua: string;
  readonly sha: string;
}

function script(body: string): RedisScript {
  const lua = `${PRELUDE}\n${body}`;
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

const PRELUDE = `
local function now_ms(arg)
  if arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- unpack() of thousands of values would overflow Lua's C stack, so bulk calls go in chunks.
local function in_chunks(command, key, items)
  for i = 1, #items, 500 do
    redis.call(command, key, unpack(items, i, math.min(i + 499, #items)))
  end
end
`;

// Budget keys: KEYS[1] hash {spent, reserved}; KEYS[2] hash id -> "amount:ttl" of held
// reservations; KEYS[3] zset id -> expiresAt; KEYS[4] zset id -> forgetAt of finished ids.
const LEDGER = `
local meta, held, expiry, finished = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
-- Drops reservations whose holder died (deadline inclusive) and forgets old finished ids.
local function prune(now)
  local expired = redis.call('ZRANGEBYSCORE', expiry, '-inf', now)
  if #expired > 0 then
    local freed = 0
    for i = 1, #expired, 500 do
      local amounts = redis.call('HMGET', held, unpack(expired, i, math.min(i + 499, #expired)))
      for _, value in ipairs(amounts) do
        if value then freed = freed + tonumber(string.match(value, '^(%d+)')) end
      end
    end
    in_chunks('HDEL', held, expired)
    in_chunks('ZREM', expiry, expired)
    redis.call('HINCRBY', meta, 'reserved', string.format('%d', -freed))
  end
  redis.call('ZREMRANGEBYSCORE', finished, '-inf', now)
end
local function state()
  local values = redis.call('HMGET', meta, 'spent', 'reserved')
  return tonumber(values[1] or '0'), tonumber(values[2] or '0')
end
`;

/** ARGV: amount, cap, id, ttlMs, now. Returns {ok, spent, reserved}. */
export const RESERVE = script(`${LEDGER}
local amount, cap, id, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local now = now_ms(ARGV[5])
prune(now)
local spent, reserved = state()
if redis.call('HEXISTS', held, id) == 1 then return {1, spent, reserved} end
if redis.call('ZSCORE', finished, id) or spent + reserved + amount > cap then return {0, spent, reserved} end
redis.call('HSET', held, id, ARGV[1] .. ':' .. ARGV[4])
redis.call('ZADD', expiry, now + ttl, id)
reserved = redis.call('HINCRBY', meta, 'reserved', ARGV[1])
return {1, spent, reserved}
`);

/**
 * ARGV: id, actual ('' to release), now. Returns {applied, spent, reserved}. The finished id is
 * remembered for the reservation's own ttl (or an hour if it was unknown) so repeats are no-ops.
 */
export const FINISH = script(`${LEDGER}
local id, actual = ARGV[1], ARGV[2]
local now = now_ms(ARGV[3])
prune(now)
if redis.call('ZSCORE', finished, id) then
  local spent, reserved = state()
  return {0, spent, reserved}
end
local value = redis.call('HGET', held, id)
if not value and actual == '' then
  local spent, reserved = state()
  return {0, spent, reserved}
end
local memory = ${UNKNOWN_ID_MEMORY_MS}
if value then
  local amount, ttl = string.match(value, '^(%d+):(%d+)$')
  redis.call('HDEL', held, id)
  redis.call('ZREM', expiry, id)
  redis.call('HINCRBY', meta, 'reserved', string.format('%d', -tonumber(amount)))
  memory = tonumber(ttl)
end
if actual ~= '' then redis.call('HINCRBY', meta, 'spent', actual) end
redis.call('ZADD', finished, now + memory, id)
local spent, reserved = state()
return {1, spent, reserved}
`);

/** ARGV: now. Returns {spent, reserved}. */
export const BUDGET_STATE = script(`${LEDGER}
prune(now_ms(ARGV[1]))
local spent, reserved = state()
return {spent, reserved}
`);

/**
 * Sliding log. KEYS[1] zset "seq:cost" -> admitted-at; KEYS[2] hash {total, seq}.
 * ARGV: limit, windowMs, cost, now. Returns {allowed, remaining, resetMs, retryAfterMs}.
 */
export const RATE_LIMIT_HIT = script(`
local log, meta = KEYS[1], KEYS[2]
local limit, window, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = now_ms(ARGV[4])
local function cost_of(member) return tonumber(string.match(member, ':(%d+)$')) end
local stored = redis.call('HGET', meta, 'total')
-- A hit admitted at t counts while now < t + window.
local old = redis.call('ZRANGEBYSCORE', log, '-inf', now - window)
if #old > 0 then redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window) end
local total = 0
if stored then
  total = tonumber(stored)
  for _, member in ipairs(old) do total = total - cost_of(member) end
else
  -- The running total is gone (expired apart from the log): rebuild it rather than trust 0.
  for _, member in ipairs(redis.call('ZRANGE', log, 0, -1)) do total = total + cost_of(member) end
end
local allowed = 0
if total + cost <= limit then
  local seq = redis.call('HINCRBY', meta, 'seq', 1)
  redis.call('ZADD', log, now, string.format('%d', seq) .. ':' .. ARGV[3])
  total = total + cost
  allowed = 1
end
redis.call('HSET', meta, 'total', string.format('%d', total))
if allowed == 1 then
  -- Everything in the log is older than this hit, so both keys die with the window.
  redis.call('PEXPIRE', log, ARGV[2])
  redis.call('PEXPIRE', meta, ARGV[2])
end
local reset = 0
local newest = redis.call('ZRANGE', log, -1, -1, 'WITHSCORES')
if newest[2] then reset = tonumber(newest[2]) + window - now end
local retry = 0
if allowed == 0 then
  -- Walk the oldest hits until enough cost has left the window to make room.
  local need, freed = total + cost - limit, 0
  local entries = redis.call('ZRANGE', log, 0, -1, 'WITHSCORES')
  for i = 1, #entries, 2 do
    freed = freed + cost_of(entries[i])
    if freed >= need then
      retry = tonumber(entries[i + 1]) + window - now
      break
    end
  end
end
return {allowed, limit - total, reset, retry}
`);

/** Counter with expiry set on creation only. KEYS[1]; ARGV: by, ttlMs. Returns the new value. */
export const INCR = script(`
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
`);

/** Compare-and-delete. KEYS[1]; ARGV: expected JSON text. Returns 1 when deleted. */
export const DELETE_IF_EQUALS = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);
